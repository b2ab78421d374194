"""HTML form values (all strings) turned into the JSON shapes the API models validate.

A number field that is not a number is passed through as the string, so the model's own strict
validation reports it against the same field name as the API would.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams

POINTS_NUMBERS = ("age", "years_experience", "annual_salary_jpy", "research_achievements", "national_qualifications")
POINTS_FLAGS = (
    "japanese_university_degree",
    "multiple_degrees",
    "top_university",
    "investment_100m",
    "innovation_support",
    "innovation_sme",
    "growth_field",
    "local_government_support",
    "rnd_intensive_sme",
    "foreign_qualification",
    "investment_management",
    "jica_training",
)
PROFILE_NUMBERS = (
    "age",
    "experience_years",
    "bjt_score",
    "job_offer_salary_jpy",
    "years_since_graduation",
    "savings_jpy",
    "management_experience_years",
)
PROFILE_FLAGS = (
    "graduated_in_japan",
    "jft_basic",
    "nursing_care_japanese_test",
    "top100_university",
    "school_admission",
    "sufficient_funds",
)
PROFILE_OPTIONAL = ("experience_field", "jlpt", "titp_completed_field", "job_offer_field")
PROFILE_LISTS = ("ssw_skills_tests", "ssw2_skills_tests", "qualifications")


def _number(value: str) -> int | str:
    cleaned = value.replace(",", "").replace("_", "").strip()
    try:
        return int(cleaned)
    except ValueError:
        return value


def _collect(params: QueryParams, numbers: tuple[str, ...], flags: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in numbers:
        raw = params.get(name, "").strip()
        if raw:
            data[name] = _number(raw)
    for name in flags:
        data[name] = params.get(name) == "on"
    return data


def points_input(params: QueryParams, language: str) -> dict[str, Any]:
    data = _collect(params, POINTS_NUMBERS, POINTS_FLAGS)
    for name in ("category", "education"):
        data[name] = params.get(name, "")
    for name in ("japanese", "position"):
        data[name] = params.get(name) or None
    data["language"] = language
    return data


def profile_input(params: QueryParams, language: str) -> dict[str, Any]:
    data = _collect(params, PROFILE_NUMBERS, PROFILE_FLAGS)
    for name in ("education_level", "education_field"):
        data[name] = params.get(name, "")
    data["education_country"] = params.get("education_country", "").strip().upper()
    for name in PROFILE_OPTIONAL:
        data[name] = params.get(name) or None
    for name in PROFILE_LISTS:
        data[name] = params.getlist(name)
    data["language"] = language
    return data
