"""Comparability data: one YAML file per country under knowledge_base/data/comparability/.

Loaded once and validated strictly, so a malformed file fails at start (and in tests) rather than
producing a wrong preview. The schema is the pydantic models below; names of Japanese qualifications
are catalog keys (`fce.jp.<key>`) so they are translated like every other fixed string.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge_base.language import LANGUAGES

Stage = Literal["upper_secondary", "post_secondary", "short_cycle", "bachelor", "master", "doctorate", "professional"]
REQUIRED_STAGES: tuple[Stage, ...] = ("upper_secondary", "bachelor", "master", "doctorate")

# Comparable Japanese qualifications; each key has a catalog entry `fce.jp.<key>`.
JAPAN_QUALIFICATIONS = (
    "kotogakko",  # 高等学校卒業
    "senmonshi",  # 専門士
    "tankidaigakushi",  # 短期大学士
    "jungakushi",  # 準学士 (KOSEN)
    "gakushi",  # 学士
    "kodo_senmonshi",  # 高度専門士
    "shushi",  # 修士
    "senmonshoku",  # 専門職学位
    "hakushi",  # 博士
)
# The prototype Japanese framework (JQF) is aligned to ISCED 2011 from level 3 up; a credential's two
# levels must agree, so the data cannot say "bachelor-level" in one column and "master" in the other.
JQF_FOR_ISCED = {2: 1, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8}
_ID = re.compile(r"^[a-z0-9_]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Strict):
    original: str = Field(min_length=1)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    vi: str = Field(min_length=1)
    ne: str = Field(min_length=1)
    pt: str = Field(min_length=1)

    def as_dict(self) -> dict[str, str]:
        return {language: getattr(self, language) for language in LANGUAGES}


class Credential(_Strict):
    id: str
    stage: Stage
    names: Names
    typical_duration_years: float = Field(gt=0, le=10)
    entry_requirement: str = Field(min_length=1)
    isced_level: int = Field(ge=2, le=8)
    jqf_level: int = Field(ge=1, le=8)
    japan_equivalent: str
    confidence: Literal["high", "medium", "low"]
    notes: str = ""
    sources: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def id_is_a_slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id must be lower-case letters, digits and underscores")
        return value

    @field_validator("japan_equivalent")
    @classmethod
    def known_japanese_qualification(cls, value: str) -> str:
        if value not in JAPAN_QUALIFICATIONS:
            raise ValueError(f"japan_equivalent must be one of {', '.join(JAPAN_QUALIFICATIONS)}")
        return value

    @model_validator(mode="after")
    def levels_agree_and_sources_or_caveat(self) -> Credential:
        if JQF_FOR_ISCED.get(self.isced_level) != self.jqf_level:
            raise ValueError(f"{self.id}: jqf_level {self.jqf_level} does not match isced_level {self.isced_level}")
        # Without a source an entry is only the widely known structure, and must say so.
        if not self.sources and (self.confidence != "low" or "to be verified by an evaluator" not in self.notes):
            raise ValueError(f"{self.id}: without sources, confidence must be low and notes must ask for verification")
        return self


class Country(_Strict):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    system_note: str = ""
    credentials: tuple[Credential, ...] = Field(min_length=1)
    # Stages a country has no credential for, each with the reason (e.g. no separate doctorate).
    not_covered: dict[Stage, str] = Field(default_factory=dict)
    # When the file's facts were checked and must be checked again (knowledge_base/freshness.py
    # requires both in every rule file; optional here so a test can build a country without them).
    as_of: date | None = None
    review_due: date | None = None

    @model_validator(mode="after")
    def covers_required_stages(self) -> Country:
        ids = [credential.id for credential in self.credentials]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.country}: duplicate credential ids")
        stages = {credential.stage for credential in self.credentials} | set(self.not_covered)
        missing = [stage for stage in REQUIRED_STAGES if stage not in stages]
        if missing:
            raise ValueError(f"{self.country}: no credential and no reason for {', '.join(missing)}")
        return self

    def credential(self, credential_id: str) -> Credential | None:
        return next((c for c in self.credentials if c.id == credential_id), None)


class ComparabilityData:
    """Every country file, by ISO 3166-1 alpha-2 code."""

    def __init__(self, countries: dict[str, Country]) -> None:
        self.countries = countries

    @classmethod
    def load(cls, directory: Path) -> ComparabilityData:
        countries: dict[str, Country] = {}
        for path in sorted(directory.glob("*.yml")):
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            try:
                country = Country.model_validate(raw)
            except ValueError as error:
                raise ValueError(f"{path}: {error}") from error
            if country.country != path.stem:
                raise ValueError(f"{path}: file name and country code differ")
            countries[country.country] = country
        return cls(countries)

    def country(self, code: str) -> Country | None:
        return self.countries.get(code.upper())

    def find(self, country: str, credential_id: str) -> Credential | None:
        entry = self.country(country)
        return entry.credential(credential_id) if entry else None


@lru_cache(maxsize=4)
def load_comparability(directory: Path) -> ComparabilityData:
    return ComparabilityData.load(directory)
