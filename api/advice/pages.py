"""/advice and /advice/status: ask for career advice on the web, see the learning path, and book,
rebook or cancel a session with reference + access code, in the five languages.

Plain HTML forms that work without JavaScript (api/static/advice.js only fills the time zone from
the browser). As on /fce/status, the access code only ever travels in POST bodies, never in a URL;
times are stored in UTC and shown in the zone the applicant's browser reports or they choose.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.advice.schemas import JAPANESE_LEVELS, AdviceRequestIn, check_time_zone, time_zones
from api.advice.service import AdviceNotFound, AdviceService, SlotTaken, local_label
from api.core.i18n import Catalogs
from api.core.site import site_nav
from api.deps import AdviceDep, CatalogsDep, PagesDep
from api.fce import guards
from api.fce.web.request import client_ip, request_language
from api.fce.web.status_page import MAX_FORM_BYTES, PAGE_HEADERS
from api.pathways.data import framework_qualifications, localised, pathway_rules
from knowledge_base.languages import LANGUAGES

router = APIRouter(include_in_schema=False)
LIMITS = {"reference": 20, "access_code": 64}


def _page(
    request: Request,
    pages: Any,
    catalogs: Catalogs,
    language: str,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    path = request.url.path
    page: Response = pages.TemplateResponse(
        request,
        template,
        {
            "language": language,
            "languages": LANGUAGES,
            "t": lambda key, **kw: catalogs.gettext(key, language, **kw),
            "zones": time_zones(),
            **site_nav(catalogs, language, path, lambda code: f"{path}?lang={code}"),
            **context,
        },
        status_code=status_code,
    )
    page.headers.update(PAGE_HEADERS)
    return page


def _choices(language: str, catalogs: Catalogs) -> dict[str, Any]:
    rules = pathway_rules()
    data = framework_qualifications()
    status_name = {s: catalogs.gettext(f"pathways.status.{s}", language) for s in rules["statuses"]}
    return {
        "current_statuses": [(s, catalogs.gettext(f"advice.current.{s}", language)) for s in ("abroad", "other")]
        + list(status_name.items()),
        "goal_statuses": list(status_name.items()),
        "fields": [(g["field"], localised(g["name"], language)) for g in data["occupational"]],
        "academic": [(q["id"], localised(q["name"], language)) for q in data["academic"]],
        "occupational": [
            (localised(g["name"], language), [(q["id"], localised(q["name"], language)) for q in g["qualifications"]])
            for g in data["occupational"]
        ],
        "japanese_levels": JAPANESE_LEVELS,
    }


async def _read_form(request: Request) -> tuple[FormData | None, str]:
    """The form and the page language; no form when the declared body is missing or over the cap
    (Starlette would read a larger form whole)."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_FORM_BYTES:
        return None, request_language(request)
    form = await request.form()
    return form, request_language(request, _text(form, "lang"))


def _text(form: FormData, name: str) -> str | None:
    raw = form.get(name)
    text = raw.strip() if isinstance(raw, str) else ""
    return text or None


def _request_body(form: FormData, language: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "language": language,
        "qualifications": [q for q in form.getlist("qualifications") if isinstance(q, str)],
        "consent": form.get("consent") == "yes",
    }
    for name in ("current_status", "japanese_level", "goal_status", "goal_field", "note", "email", "time_zone"):
        value = _text(form, name)
        if value is not None:
            body[name] = value
    return body


@router.get("/advice", response_class=HTMLResponse)
def advice_form(request: Request, catalogs: CatalogsDep, pages: PagesDep, lang: str | None = None) -> Response:
    language = request_language(request, lang if lang in LANGUAGES else None)
    return _page(
        request, pages, catalogs, language, "advice/request.html", values={}, errors=[], **_choices(language, catalogs)
    )


@router.post("/advice", response_class=HTMLResponse)
async def advice_submit(request: Request, advice: AdviceDep, catalogs: CatalogsDep, pages: PagesDep) -> Response:
    form, language = await _read_form(request)
    if form is None:
        return Response(status_code=413)
    body = _request_body(form, language)
    try:
        model = AdviceRequestIn.model_validate(body)
    except ValidationError as exc:
        errors = [
            {
                "field": ".".join(str(p) for p in e["loc"]) or "form",
                "msg": catalogs.gettext("advice.error.field", language),
            }
            for e in exc.errors()
        ]
        return _page(
            request,
            pages,
            catalogs,
            language,
            "advice/request.html",
            422,
            values=body,
            errors=errors,
            **_choices(language, catalogs),
        )
    created, _new = advice.create(model, "web", None)
    return _page(
        request, pages, catalogs, language, "advice/created.html", 201, created=created, time_zone=model.time_zone or ""
    )


@router.get("/advice/status", response_class=HTMLResponse)
def status_form(request: Request, catalogs: CatalogsDep, pages: PagesDep, lang: str | None = None) -> Response:
    language = request_language(request, lang if lang in LANGUAGES else None)
    return _page(request, pages, catalogs, language, "advice/status.html", case=None, error=None, reference="")


@router.post("/advice/status", response_class=HTMLResponse)
async def status_submit(request: Request, advice: AdviceDep, catalogs: CatalogsDep, pages: PagesDep) -> Response:
    """Open the case, and book (`slot_id`), cancel (`action=cancel`) or just show it."""
    form, language = await _read_form(request)
    if form is None:
        return Response(status_code=413)
    reference, code = _text(form, "reference") or "", _text(form, "access_code") or ""
    context: dict[str, Any] = {"case": None, "error": None, "notice": None, "reference": reference[:20]}

    def fail(key: str, status_code: int, **params: Any) -> Response:
        context["error"] = catalogs.gettext(key, language, **params)
        return _page(request, pages, catalogs, language, "advice/status.html", status_code, **context)

    if not reference or not code:
        return fail("advice.error.required", 422)
    if len(reference) > LIMITS["reference"] or len(code) > LIMITS["access_code"]:
        return fail("advice.error.not_found", 404)
    zone = _text(form, "time_zone")
    try:
        zone = check_time_zone(zone)
    except ValueError:
        zone = None
        context["notice"] = catalogs.gettext("advice.error.time_zone", language)
    try:
        request_id = advice.open(reference, code, client_ip(request))
    except AdviceNotFound:
        return fail("advice.error.not_found", 404)
    except guards.Limited as error:
        return fail(
            "fce.api.rate_limited", 429, minutes=max(1, (error.retry_after + 59) // 60), seconds=error.retry_after
        )
    status_code = 200
    # The button pressed says what to do: cancel, a slot's time (book or rebook), or show again.
    slot = _text(form, "slot_id")
    if "cancel" in form.getlist("action"):
        advice.cancel(request_id)
        context["notice"] = catalogs.gettext("advice.booking.cancelled", language)
    elif slot is not None and slot.isdigit():
        try:
            advice.book(request_id, int(slot), zone)
            context["notice"] = catalogs.gettext("advice.booking.done", language)
        except SlotTaken:
            context["error"] = catalogs.gettext("advice.booking.taken", language)
            status_code = 409
    return _render_case(request, pages, catalogs, advice, language, request_id, zone, code, context, status_code)


def _render_case(
    request: Request,
    pages: Any,
    catalogs: Catalogs,
    advice: AdviceService,
    language: str,
    request_id: int,
    zone: str | None,
    code: str,
    context: dict[str, Any],
    status_code: int,
) -> Response:
    case = advice.status(request_id)
    shown_zone = zone or case.time_zone or "UTC"
    context.update(
        case=case,
        access_code=code,
        time_zone=shown_zone,
        booking_label=local_label(case.booking.starts_at, shown_zone) if case.booking else None,
        slots=[(s, local_label(s.starts_at, shown_zone)) for s in advice.free_slots(shown_zone)],
    )
    return _page(request, pages, catalogs, language, "advice/status.html", status_code, **context)
