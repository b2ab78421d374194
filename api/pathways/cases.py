"""Model case studies (issue #17 item 3): editor-written, anonymised paths, and which ones resemble a person.

The cases live in knowledge_base/data/case_studies/cases.yml. A case resembles a self-check result when
it shares a status the person fits or nearly fits, or a field of their education, work, job offer or
skills tests; the closest come first. Matching uses only what the form already holds, and nothing is stored.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from api.core.i18n import Catalogs
from api.pathways.data import as_of, case_studies, localised, pathway_rules
from api.pathways.schemas import ProfileRequest
from api.pathways.views import CaseRule, CaseStep, CaseStudy

# A result page links at most this many cases: enough to compare, few enough to read.
SIMILAR_LIMIT = 3


@lru_cache(maxsize=1)
def case_data() -> dict[str, Any]:
    data = case_studies()
    rules = pathway_rules()
    for case in data["cases"]:
        unknown = (set(case["fields"]) - set(rules["fields"])) | (set(case["statuses"]) - set(rules["statuses"]))
        if unknown:
            raise ValueError(f"case {case['id']}: unknown field or status {sorted(unknown)}")
    return data


def cases_as_of() -> date:
    return as_of(case_data())


def case_study(case: dict[str, Any], language: str, catalogs: Catalogs) -> CaseStudy:
    fields = pathway_rules()["fields"]
    return CaseStudy(
        id=case["id"],
        title=localised(case["title"], language),
        region=localised(case["region"], language),
        fields=case["fields"],
        field_names=[localised(fields[f]["name"], language) for f in case["fields"]],
        statuses=case["statuses"],
        status_names=[catalogs.gettext(f"pathways.status.{s}", language) for s in case["statuses"]],
        steps=[
            CaseStep(stage=step["stage"], jqf_level=step.get("jqf"), text=localised(step["text"], language))
            for step in case["steps"]
        ],
        outcome=localised(case["outcome"], language),
        rules=[CaseRule(text=localised(rule["text"], language), sources=rule["sources"]) for rule in case["rules"]],
        source_kind=case["source_kind"],
        illustrative_future=bool(case.get("illustrative_future", False)),
    )


def all_cases(
    language: str, catalogs: Catalogs, status: str | None = None, field: str | None = None
) -> list[CaseStudy]:
    return [
        case_study(case, language, catalogs)
        for case in case_data()["cases"]
        if (status is None or status in case["statuses"]) and (field is None or field in case["fields"])
    ]


def similar(profile: ProfileRequest, statuses: list[str], language: str, catalogs: Catalogs) -> list[CaseStudy]:
    """The cases closest to a self-check: shared statuses weigh more than shared fields."""
    fields = {profile.education_field, profile.experience_field, profile.job_offer_field, profile.titp_completed_field}
    fields |= set(profile.ssw_skills_tests) | set(profile.ssw2_skills_tests)
    return similar_to(set(statuses), {f for f in fields if f}, language, catalogs)


def similar_to(statuses: set[str], fields: set[str], language: str, catalogs: Catalogs) -> list[CaseStudy]:
    """The cases sharing most statuses (twice the weight) and fields with a person; used by the
    self-check and by the career advice (api/advice)."""
    scored = []
    for order, case in enumerate(case_data()["cases"]):
        score = 2 * len(set(case["statuses"]) & statuses) + len(set(case["fields"]) & fields)
        if score:
            scored.append((-score, order, case))
    return [case_study(case, language, catalogs) for _, _, case in sorted(scored)[:SIMILAR_LIMIT]]
