"""Routes for advice cases (issue #17 item 2).

Applicant (reference + `X-Access-Code`, the FCE's model): POST /api/v1/advice/requests, GET
/api/v1/advice/requests/{reference}, its free slots, PUT/DELETE its booking. Advisors and admins:
the list, slots (publish, list, withdraw), one case with notes, follow-ups and outcome, and the
console pages /console/advice and /console/advice/{reference}. Staff actions are audited by the service.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from api.advice.schemas import (
    OUTCOMES,
    AdviceCaseOut,
    AdviceRequestIn,
    AdviceRequestOut,
    AdviceRequestView,
    AdviceStatusOut,
    BookingIn,
    BookingOut,
    ChatAdviceRequestIn,
    FreeSlot,
    NoteIn,
    NoteOut,
    OutcomeIn,
    SlotIn,
    SlotOut,
    check_time_zone,
)
from api.advice.service import AdviceService
from api.auth.deps import require_roles
from api.auth.models import Role, User
from api.core.i18n import Catalogs
from api.core.validation import RowId
from api.deps import AdviceDep, CatalogsDep, PagesDep, actions_caller
from api.fce import guards
from api.fce.web.applicant_api import limited
from api.fce.web.request import client_ip, field_error
from knowledge_base.languages import LANGUAGES, page_language

router = APIRouter()
Advisor = Annotated[User, Depends(require_roles(Role.ADVISOR.value, Role.ADMIN.value))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]
AccessCode = Annotated[str, Header(alias="X-Access-Code", min_length=1, max_length=64)]
Reference = Annotated[str, Path(min_length=1, max_length=20)]
Lang = Annotated[str | None, Query(max_length=8)]
NO_STORE = {"Cache-Control": "no-store"}


def open_request(
    advice: AdviceService, catalogs: Catalogs, request: Request, reference: str, code: str, language: str = "en"
) -> int:
    """The request id behind a reference + access code: 404 alike for unknown and wrong, 429 when locked."""
    try:
        return advice.open(reference, code, client_ip(request))
    except guards.Limited as error:
        raise limited(catalogs, language, error, "fce.api.rate_limited") from None


def zone_or_422(value: str | None, loc: list[Any]) -> str | None:
    try:
        return check_time_zone(value)
    except ValueError as error:
        raise field_error(loc, str(error)) from None


@router.post("/api/v1/advice/requests", response_model=AdviceRequestOut, status_code=status.HTTP_201_CREATED)
def create_request(
    body: AdviceRequestIn, advice: AdviceDep, response: Response, idempotency_key: IdempotencyKey = None
) -> AdviceRequestOut:
    created, new = advice.create(body, "web", idempotency_key)
    if not new:
        response.status_code = status.HTTP_200_OK
    # The access code is a secret: no cache may keep this response.
    response.headers.update(NO_STORE)
    return created


@router.post(
    "/internal/v1/advice/requests",
    response_model=AdviceRequestOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(actions_caller)],
)
def create_chat_request(
    body: ChatAdviceRequestIn, advice: AdviceDep, response: Response, idempotency_key: IdempotencyKey = None
) -> AdviceRequestOut:
    """For a chat form (action server): the same request, with the conversation as its channel and contact."""
    request = AdviceRequestIn.model_validate(body.model_dump(exclude={"conversation_id"}))
    created, new = advice.create_from_chat(request, body.conversation_id, idempotency_key)
    if not new:
        response.status_code = status.HTTP_200_OK
    response.headers.update(NO_STORE)
    return created


@router.get("/api/v1/advice/requests", response_model=list[AdviceRequestView])
def list_requests(user: Advisor, advice: AdviceDep) -> list[AdviceRequestView]:
    return advice.recent()


@router.get("/api/v1/advice/requests/{reference}", response_model=AdviceStatusOut)
def request_status(
    reference: Reference, code: AccessCode, request: Request, advice: AdviceDep, catalogs: CatalogsDep
) -> AdviceStatusOut:
    return advice.status(open_request(advice, catalogs, request, reference, code))


@router.get("/api/v1/advice/requests/{reference}/slots", response_model=list[FreeSlot])
def free_slots(
    reference: Reference,
    code: AccessCode,
    request: Request,
    advice: AdviceDep,
    catalogs: CatalogsDep,
    time_zone: Annotated[str | None, Query(max_length=64)] = None,
) -> list[FreeSlot]:
    zone = zone_or_422(time_zone, ["query", "time_zone"])
    request_id = open_request(advice, catalogs, request, reference, code)
    return advice.free_slots(zone or advice.status(request_id).time_zone)


@router.put("/api/v1/advice/requests/{reference}/booking", response_model=BookingOut)
def book(
    reference: Reference, code: AccessCode, body: BookingIn, request: Request, advice: AdviceDep, catalogs: CatalogsDep
) -> BookingOut:
    return advice.book(open_request(advice, catalogs, request, reference, code), body.slot_id, body.time_zone)


@router.delete("/api/v1/advice/requests/{reference}/booking", status_code=status.HTTP_204_NO_CONTENT)
def cancel_booking(
    reference: Reference, code: AccessCode, request: Request, advice: AdviceDep, catalogs: CatalogsDep
) -> Response:
    if not advice.cancel(open_request(advice, catalogs, request, reference, code)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="this request holds no booking")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/v1/advice/slots", response_model=list[SlotOut])
def list_slots(user: Advisor, advice: AdviceDep) -> list[SlotOut]:
    return advice.slots()


@router.post("/api/v1/advice/slots", response_model=SlotOut, status_code=status.HTTP_201_CREATED)
def publish_slot(body: SlotIn, user: Advisor, advice: AdviceDep) -> SlotOut:
    return advice.publish_slot(user, body.starts_at, body.minutes)


@router.delete("/api/v1/advice/slots/{slot_id}", status_code=status.HTTP_204_NO_CONTENT)
def withdraw_slot(slot_id: RowId, user: Advisor, advice: AdviceDep) -> Response:
    advice.withdraw_slot(user, slot_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/v1/advice/cases/{reference}", response_model=AdviceCaseOut)
def open_case(reference: Reference, user: Advisor, advice: AdviceDep) -> AdviceCaseOut:
    return advice.case(user, reference)


@router.post("/api/v1/advice/cases/{reference}/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED)
def add_note(reference: Reference, body: NoteIn, user: Advisor, advice: AdviceDep) -> NoteOut:
    return advice.add_note(user, reference, body)


@router.put("/api/v1/advice/cases/{reference}/outcome", response_model=AdviceRequestView)
def record_outcome(reference: Reference, body: OutcomeIn, user: Advisor, advice: AdviceDep) -> AdviceRequestView:
    return advice.set_outcome(user, reference, body.outcome)


def _console(
    request: Request, user: User, catalogs: Catalogs, pages: Any, lang: str | None, template: str, **context: Any
) -> Response:
    language = page_language(lang if lang in LANGUAGES else None, user.languages)

    def t(key: str, **params: Any) -> str:
        return catalogs.gettext("console." + key, language, **params)

    page: Response = pages.TemplateResponse(
        request,
        template,
        {"t": t, "ui_language": language, "languages": LANGUAGES, "strings": "{}", "user": user, **context},
    )
    page.headers["Cache-Control"] = "no-store"
    page.headers["X-Frame-Options"] = "DENY"
    return page


@router.get("/console/advice", response_class=HTMLResponse, include_in_schema=False)
def advice_page(
    request: Request, user: Advisor, advice: AdviceDep, catalogs: CatalogsDep, pages: PagesDep, lang: Lang = None
) -> Response:
    return _console(
        request, user, catalogs, pages, lang, "console/advice.html", requests=advice.recent(), slots=advice.slots()
    )


@router.get("/console/advice/{reference}", response_class=HTMLResponse, include_in_schema=False)
def advice_case_page(
    reference: Reference,
    request: Request,
    user: Advisor,
    advice: AdviceDep,
    catalogs: CatalogsDep,
    pages: PagesDep,
    lang: Lang = None,
) -> Response:
    case = advice.case(user, reference)
    return _console(request, user, catalogs, pages, lang, "console/advice_case.html", case=case, outcomes=OUTCOMES)
