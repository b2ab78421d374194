"""Typed responses of the case-study API (issue #17): field names are the contract."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

Stage = Literal["education", "qualification", "status", "career"]


class CaseStep(BaseModel):
    stage: Stage
    text: str
    # The step's level on the prototype JQF, when the step is a qualification or education.
    jqf_level: int | None = None


class CaseRule(BaseModel):
    text: str
    sources: list[str]


class CaseStudy(BaseModel):
    id: str
    title: str
    region: str
    fields: list[str]
    field_names: list[str]
    statuses: list[str]
    status_names: list[str]
    steps: list[CaseStep]
    outcome: str
    rules: list[CaseRule]
    # "editor": written by editors as a composite; "consented_case": from a case whose applicant consented.
    source_kind: Literal["editor", "consented_case"]
    # A path through a route that has not started yet (ESD from April 2027).
    illustrative_future: bool = False


class CaseStudiesResponse(BaseModel):
    language: str
    as_of: date
    notes: list[str]
    case_studies: list[CaseStudy]
