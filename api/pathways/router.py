"""Routes for /nqf, /pathways and their APIs (issue: visa pathway self-check).

The JSON endpoints are what the chat flows call too (through the action server), so one
calculation serves the API, the pages and the chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import status as http_status
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from api.core.i18n import Catalogs, format_date
from api.core.lang_query import LangQuery, lang_or_default
from api.core.site import site_nav
from api.deps import CatalogsDep, PagesDep
from api.pathways import forms
from api.pathways.cases import all_cases, cases_as_of, similar
from api.pathways.check import check, rules_as_of
from api.pathways.data import as_of, framework_levels, hsp_table, localised, pathway_rules
from api.pathways.framework import framework
from api.pathways.points import calculate
from api.pathways.present import disclaimer, points_body, status_body
from api.pathways.schemas import CheckResponse, FrameworkResponse, PointsRequest, PointsResponse, ProfileRequest
from api.pathways.views import CaseStudiesResponse
from knowledge_base.articles import article_titles
from knowledge_base.language import LANGUAGES

router = APIRouter(tags=["pathways"])
OUTCOME_GROUPS = (("fits", "fits"), ("nearly", "nearly"), ("no", "does_not_fit"))


@router.get("/api/v1/nqf", response_model_exclude_unset=True)
def nqf_json(catalogs: CatalogsDep, lang: LangQuery = None) -> FrameworkResponse:
    language = lang_or_default(lang)
    body = framework(language)
    body["notes"] = [
        catalogs.gettext("nqf.prototype_notice", language),
        catalogs.gettext("pathways.as_of", language, date=format_date(as_of(framework_levels()), language)),
    ]
    return FrameworkResponse.model_validate(body)


@router.post("/api/v1/pathways/hsp-points")
def hsp_points(request: PointsRequest, catalogs: CatalogsDep) -> PointsResponse:
    return PointsResponse.model_validate(points_body(calculate(request), request.language, catalogs))


def check_body(profile: ProfileRequest, catalogs: Catalogs, today: date | None = None) -> dict[str, Any]:
    language = profile.language
    results = check(profile, today)
    body: dict[str, Any] = {
        "language": language,
        "guidance_only": True,
        "as_of": rules_as_of().isoformat(),
        "notes": disclaimer(language, catalogs, rules_as_of()),
    }
    for outcome, group in OUTCOME_GROUPS:
        body[group] = [status_body(r, language, catalogs) for r in results if r.outcome == outcome]
    return body


@router.post("/api/v1/pathways/check", response_model_exclude_unset=True)
def pathways_check(profile: ProfileRequest, catalogs: CatalogsDep) -> CheckResponse:
    return CheckResponse.model_validate(check_body(profile, catalogs))


@dataclass(frozen=True)
class Page:
    """What the server-rendered pathway pages need besides their form: the request and how to render."""

    request: Request
    catalogs: Catalogs
    pages: Jinja2Templates


def page_kit(request: Request, catalogs: CatalogsDep, pages: PagesDep) -> Page:
    return Page(request, catalogs, pages)


PageDep = Annotated[Page, Depends(page_kit)]


def _page(kit: Page, template: str, language: str, context: dict[str, Any]) -> HTMLResponse:
    request, catalogs = kit.request, kit.catalogs
    page: HTMLResponse = kit.pages.TemplateResponse(
        request,
        template,
        {
            "language": language,
            "languages": LANGUAGES,
            "path": request.url.path,
            "t": lambda key, **kw: catalogs.gettext(key, language, **kw),
            # Articles are named by their titles, never their internal ids.
            "topic_title": lambda topic_id: article_titles().get((topic_id, language), topic_id),
            **site_nav(catalogs, language, request.url.path, lambda code: f"{request.url.path}?lang={code}"),
            **context,
        },
    )
    return page


@router.get("/nqf", response_class=HTMLResponse, include_in_schema=False)
def nqf_page(kit: PageDep, lang: LangQuery = None) -> HTMLResponse:
    language = lang_or_default(lang)
    context = {"framework": framework(language), "as_of": format_date(as_of(framework_levels()), language)}
    return _page(kit, "pathways/nqf.html", language, context)


def _errors(exc: ValidationError) -> list[dict[str, str]]:
    return [{"field": ".".join(str(part) for part in e["loc"]) or "form", "msg": e["msg"]} for e in exc.errors()]


@router.get("/pathways/points", response_class=HTMLResponse, include_in_schema=False)
def points_page(kit: PageDep, lang: LangQuery = None) -> HTMLResponse:
    request = kit.request
    language = lang_or_default(lang)
    values = dict(request.query_params)
    context: dict[str, Any] = {
        "values": values,
        "errors": [],
        "result": None,
        "as_of": format_date(as_of(hsp_table()), language),
    }
    if "submitted" in values:
        try:
            model = PointsRequest.model_validate(forms.points_input(request.query_params, language))
        except ValidationError as exc:
            context["errors"] = _errors(exc)
        else:
            context["result"] = points_body(calculate(model), language, kit.catalogs)
    return _page(kit, "pathways/points.html", language, context)


@router.get("/pathways", response_class=HTMLResponse, include_in_schema=False)
def pathways_page(kit: PageDep, lang: LangQuery = None) -> HTMLResponse:
    request = kit.request
    language = lang_or_default(lang)
    rules = pathway_rules()
    values = dict(request.query_params)
    context: dict[str, Any] = {
        "values": values,
        "multi": {name: request.query_params.getlist(name) for name in forms.PROFILE_LISTS},
        "errors": [],
        "result": None,
        "fields": [(fid, localised(f["name"], language)) for fid, f in rules["fields"].items()],
        "ssw_fields": [(fid, localised(f["name"], language)) for fid, f in rules["fields"].items() if f.get("ssw1")],
        "education_levels": list(rules["education_levels"]),
        "jqf_titles": {lvl["level"]: localised(lvl["title"], language) for lvl in framework_levels()["levels"]},
        "level_of": {k: v["jqf"] for k, v in rules["education_levels"].items()},
        "as_of": format_date(rules_as_of(), language),
    }
    if "submitted" in values:
        try:
            model = ProfileRequest.model_validate(forms.profile_input(request.query_params, language))
        except ValidationError as exc:
            context["errors"] = _errors(exc)
        else:
            context["result"] = result = check_body(model, kit.catalogs)
            close = [item["status"] for group in ("fits", "nearly") for item in result[group]]
            context["similar_cases"] = similar(model, close, language, kit.catalogs)
    return _page(kit, "pathways/pathways.html", language, context)


def _known_filter(name: str, value: str | None, known: dict[str, Any]) -> str | None:
    if value is not None and value not in known:
        raise HTTPException(
            http_status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": ["query", name], "msg": f"unknown {name}", "type": "enum"}],
        )
    return value


FilterQuery = Annotated[str | None, Query(max_length=40)]


@router.get("/api/v1/case-studies", response_model=CaseStudiesResponse)
def case_studies_json(
    catalogs: CatalogsDep, lang: LangQuery = None, status: FilterQuery = None, field: FilterQuery = None
) -> CaseStudiesResponse:
    """Anonymised model paths; `status` and `field` narrow the list (ids of knowledge_base/data/pathways.yml)."""
    language = lang_or_default(lang)
    rules = pathway_rules()
    chosen_status = _known_filter("status", status, rules["statuses"])
    chosen_field = _known_filter("field", field, rules["fields"])
    return CaseStudiesResponse(
        language=language,
        as_of=cases_as_of(),
        notes=[catalogs.gettext("cases.anonymised_notice", language)],
        case_studies=all_cases(language, catalogs, chosen_status, chosen_field),
    )


@router.get("/case-studies", response_class=HTMLResponse, include_in_schema=False)
def case_studies_page(kit: PageDep, lang: LangQuery = None) -> HTMLResponse:
    language = lang_or_default(lang)
    context = {
        "cases": all_cases(language, kit.catalogs),
        "as_of": format_date(cases_as_of(), language),
    }
    return _page(kit, "pathways/cases.html", language, context)
