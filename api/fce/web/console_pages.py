"""/console/cases: the evaluators' workspace in the console (server-rendered; fce-console.js sends the
changes to /api/v1/evaluator with the session's CSRF token). Evaluators and admins; advisors get 403."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.advisors.console import Console, ConsoleDep, _language, _render, _user
from api.auth.models import Role, User
from api.core.i18n import Catalogs, format_moment
from api.deps import CatalogsDep, EvaluationsDep, FceDep
from api.fce.comparability import JAPAN_QUALIFICATIONS
from api.fce.countries import country_name
from api.fce.service import CaseNotFound
from api.fce.web.evaluator_api import case_list
from api.fce.web.request import field_error
from api.fce.workflow import CloseReason, Status

router = APIRouter(prefix="/console/cases", include_in_schema=False)
Lang = Annotated[str | None, Query(max_length=8)]
Filter = Annotated[str, Query(max_length=16)]
PER_PAGE = 50
EVALUATOR_ROLES = (Role.EVALUATOR.value, Role.ADMIN.value)


def _evaluator(env: Console) -> User | Response:
    """The logged-in evaluator, a redirect to the login page, or 403 for other staff."""
    user = _user(env, EVALUATOR_ROLES)
    if user is not None:
        return user
    if _user(env, tuple(role.value for role in Role)) is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="evaluators only")
    return RedirectResponse("/console/login", status_code=303)


def _int_filter(name: str, value: str, low: int, high: int) -> int | None:
    if value == "":
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise field_error(["query", name], f"must be a whole number from {low} to {high}")
    return int(value)


@router.get("", response_class=HTMLResponse)
def cases_page(
    env: ConsoleDep,
    fce: FceDep,
    catalogs: CatalogsDep,
    lang: Lang = None,
    status_: Annotated[str, Query(alias="status", max_length=24)] = "",
    country: Filter = "",
    age: Filter = "",
    page: Filter = "1",
) -> Response:
    user = _evaluator(env)
    if not isinstance(user, User):
        return user
    language = _language(env, lang, user)
    # The filter form sends empty strings for "any"; everything else is checked like the JSON API.
    if status_ and status_ not in {s.value for s in Status}:
        raise field_error(["query", "status"], "unknown status")
    country = country.strip().upper()
    if country and not (len(country) == 2 and country.isalpha()):
        raise field_error(["query", "country"], "must be a two-letter country code")
    older_than = _int_filter("age", age, 0, 3650)
    page_number = _int_filter("page", page, 1, 100_000) or 1
    listing = case_list(fce, Status(status_) if status_ else None, country or None, older_than, page_number, PER_PAGE)
    filters = {"status": status_, "country": country, "age": age, "lang": language}

    def page_url(number: int) -> str:
        return "/console/cases?" + urlencode({**filters, "page": number})

    for item in listing["items"]:
        item["country_names"] = [country_name(code, language) for code in item["countries"]]
    countries = sorted(fce.data.countries, key=lambda code: country_name(code, language))
    context: dict[str, Any] = {
        "user": user,
        "listing": listing,
        "filters": filters,
        "statuses": [s.value for s in Status],
        "countries": [(code, country_name(code, language)) for code in countries],
        "previous_url": page_url(page_number - 1) if page_number > 1 else None,
        "next_url": page_url(page_number + 1) if page_number < listing["pages"] else None,
    }
    return _render(env, "cases.html", language, context)


@router.get("/{reference}", response_class=HTMLResponse)
def case_page(
    env: ConsoleDep,
    reference: str,
    evaluations: EvaluationsDep,
    catalogs: CatalogsDep,
    fce: FceDep,
    lang: Lang = None,
) -> Response:
    user = _evaluator(env)
    if not isinstance(user, User):
        return user
    language = _language(env, lang, user)
    try:
        case = evaluations.case_file(reference)
    except CaseNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="case not found") from None
    evaluations.audit_access(user, case["reference"], "fce.case_opened")
    applicant = case["applicant"]
    context: dict[str, Any] = {
        "user": user,
        "case": case,
        "residence": country_name(applicant["residence_country"], language),
        "nationality": country_name(applicant["nationality"], language) if applicant["nationality"] else None,
        "applicant_language": catalogs.gettext(f"language.{applicant['language']}", language),
        "countries": {c["country"]: country_name(c["country"], language) for c in case["credentials"]},
        "jp_names": {key: catalogs.gettext(f"fce.jp.{key}", language) for key in JAPAN_QUALIFICATIONS},
        "close_reasons": [reason.value for reason in CloseReason],
        # Buttons for plain steps; documents_requested and closed have their own forms (message, reason).
        "steps": [s for s in case["allowed"] if s not in (Status.DOCUMENTS_REQUESTED, Status.CLOSED)],
        "api": f"/api/v1/evaluator/cases/{case['reference']}",
        # Verifiable records: the signed credential's status and its revoke/suspend form.
        "records": fce.case_credentials(case["reference"]),
        # Credentials the applicant brought, by the position of the case credential each pre-filled.
        "brought": {item["position"]: item for item in fce.brought_of_case(case["reference"])},
        "brought_kept": [item for item in fce.brought_of_case(case["reference"]) if item["position"] is None],
        "rt": lambda key: catalogs.gettext(key, language),
        # Timestamps as people read them, in Japan's time (one time zone for every document).
        "when": lambda value: format_moment(value, language) if value else "–",
        "turnaround": lambda days: _turnaround(catalogs, language, days),
    }
    return _render(env, "case.html", language, context)


def _turnaround(catalogs: Catalogs, language: str, days: float | None) -> str:
    """Whole days; under one day says so rather than "0.0 days"."""
    if days is None:
        return "–"
    if days < 1:
        return catalogs.gettext("console.case.turnaround_under_day", language)
    return catalogs.gettext("console.case.turnaround_days", language, days=round(days))
