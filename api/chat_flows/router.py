"""/internal/v1/flows/...: the action server's calls for the chat forms (ACTIONS_TOKEN only).

Every answer a person sees is rendered here in the conversation's language; user mistakes are a 200
with a re-ask, a malformed call from the action server is a 422 naming the field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, status
from pydantic import ValidationError

from api.advice.schemas import AdviceRequestIn
from api.advice.service import AdviceService, SlotTaken
from api.chat_flows import advice, results, words
from api.chat_flows.asks import render_ask
from api.chat_flows.context import Ctx, choice
from api.chat_flows.prefill import prefill
from api.chat_flows.schemas import (
    AdviceRequestOut,
    ApplicationOut,
    AskRequest,
    CaseStatusOut,
    CaseStatusRequest,
    FlowRequest,
    OutcomeOut,
    PathwayOut,
    PointsOut,
    PrefillOut,
    PrefillRequest,
    PreviewOut,
    RepliesOut,
    ValidateOut,
    ValidateRequest,
)
from api.chat_flows.slots import ASKED_SLOTS, SlotName, Value
from api.chat_flows.validate import TOPIC_PREFIX, Answerer, validate
from api.conversations import secrets
from api.conversations.responses import Reply
from api.conversations.secrets import find_access_code
from api.conversations.service import ConversationNotFound, ConversationService, InvalidPayload, parse_payload
from api.core import parse
from api.core.config import Settings
from api.core.i18n import Catalogs
from api.deps import (
    AdviceDep,
    CatalogsDep,
    ConversationsDep,
    FceDep,
    GuidanceDep,
    RecordsChatDep,
    SettingsDep,
    actions_caller,
)
from api.fce import guards
from api.fce.feature import Fce
from api.fce.service import CaseNotFound
from api.knowledge.guidance import GuidanceService
from api.knowledge.search import KnowledgeUnavailable
from knowledge_base.language import DEFAULT_LANGUAGE

log = logging.getLogger(__name__)
RequestT = TypeVar("RequestT")
# An access code as typed alone: 12 characters, maybe in groups ("ABCD-EFGH-JKMN"); longer is a sentence.
MAX_CODE_CHARS = 16
router = APIRouter(prefix="/internal/v1/flows", dependencies=[Depends(actions_caller)], tags=["chat-flows"])


@dataclass(frozen=True)
class Env:
    service: ConversationService
    catalogs: Catalogs
    settings: Settings
    fce: Fce
    advice: AdviceService


def _env(
    service: ConversationsDep,
    catalogs: CatalogsDep,
    settings: SettingsDep,
    fce: FceDep,
    advice: AdviceDep,
) -> Env:
    return Env(service, catalogs, settings, fce, advice)


EnvDep = Annotated[Env, Depends(_env)]


def _context(body: FlowRequest, env: Env) -> Ctx:
    """The api's record of the conversation decides language and channel; the slot covers unknown ones."""
    try:
        conversation = env.service.get(body.conversation_id)
        language, channel = conversation.language, conversation.channel
    except ConversationNotFound:
        language, channel = body.language or DEFAULT_LANGUAGE, "widget"
    base_url = env.settings.public_base_url.rstrip("/")
    return Ctx(language, channel, env.catalogs, env.fce.data, base_url, body.conversation_id, env.advice)


def _plain(slots: Mapping[SlotName, Value]) -> dict[str, Value]:
    return {str(name): value for name, value in slots.items()}


def _replies(replies: list[Reply]) -> list[dict[str, Any]]:
    return [reply.as_dict() for reply in replies]


def _slot_error(slot: str, message: str) -> HTTPException:
    detail = [{"loc": ["body", "slots", slot], "msg": message, "type": "value_error"}]
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)


@router.post("/ask", response_model=RepliesOut, response_model_exclude_unset=True)
def ask_slot(body: AskRequest, env: EnvDep) -> dict[str, Any]:
    if body.slot not in ASKED_SLOTS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": ["body", "slot"], "msg": "this slot is never asked", "type": "value_error"}],
        )
    return {"replies": _replies([render_ask(_context(body, env), body.slot, _plain(body.slots))])}


def _topic_id(payload: str) -> str | None:
    try:
        intent, entities = parse_payload(payload)
    except InvalidPayload:
        return None
    topic = entities.get("topic_id")
    return str(topic) if intent == "ask_topic" and isinstance(topic, str) and topic else None


def _without_buttons(reply: Reply, slot: str | None) -> Reply:
    """An answer given in the middle of a form keeps its text and sources, not its buttons: those
    (more detail, feedback, a person) would leave the form. Suggested topics ("did you mean") stay
    buttons (#20 defect 9), as choices of the pending question the form answers without moving on."""
    topics = [(b["title"], _topic_id(b.get("payload", ""))) for b in reply.buttons]
    buttons = [choice(slot, f"{TOPIC_PREFIX}{topic}", title) for title, topic in topics if topic and slot]
    return Reply(text=reply.text, buttons=buttons, sources=reply.sources)


def _answerer(guidance: GuidanceService, conversation_id: str, ctx: Ctx, slot: str | None) -> Answerer:
    def answer(text: str) -> list[Reply]:
        topic = text.removeprefix(TOPIC_PREFIX) if text.startswith(TOPIC_PREFIX) else None
        try:
            if topic is not None:
                replies = guidance.respond(conversation_id, "ask_topic", "", {"topic_id": topic[:200]}, hand_off=False)
            else:
                replies = guidance.respond(conversation_id, "ask_guidance", text[:5000], {}, hand_off=False)
        except (LookupError, KnowledgeUnavailable):
            return [Reply(text=ctx.t("flow.error.cannot_answer_now"))]
        return [_without_buttons(reply, slot) for reply in replies]

    return answer


@router.post("/validate", response_model=ValidateOut, response_model_exclude_unset=True)
def validate_answers(body: ValidateRequest, env: EnvDep, guidance: GuidanceDep) -> dict[str, Any]:
    ctx = _context(body, env)
    verdict = validate(
        ctx,
        _plain(body.candidates),
        _plain(body.slots),
        body.text,
        body.requested_slot,
        body.intent,
        body.confidence,
        _answerer(guidance, body.conversation_id, ctx, body.requested_slot),
    )
    # Which slots failed is useful in logs; what was typed is personal and stays out.
    if not verdict.valid:
        taken = "question" if verdict.question else "exit" if verdict.exit else "reask"
        log.info("flow answer not taken slots=%s as=%s", sorted(body.candidates), taken)
    return {"slots": verdict.slots, "replies": _replies(verdict.replies), "valid": verdict.valid, "exit": verdict.exit}


@router.post("/prefill", response_model=PrefillOut)
def prefill_form(body: PrefillRequest, env: EnvDep) -> dict[str, Any]:
    """The answers the message that started a form already gives (the action calls it on activation)."""
    text = body.text
    if text.startswith("/"):
        # Started by a payload (a typed request the api recognised, or a button): the message itself.
        text = env.service.last_user_text(body.conversation_id)
    filled = prefill(_context(body, env), body.form, text)
    return {"slots": {k: v for k, v in filled.items() if k != "case_access_code" or v == "given"}}


@router.post("/fce/preview", response_model=PreviewOut, response_model_exclude_unset=True)
def fce_preview(body: FlowRequest, env: EnvDep) -> dict[str, Any]:
    replies, updates = results.preview(_context(body, env), _plain(body.slots))
    return {"replies": _replies(replies), "slots": updates}


@router.post("/fce/application", response_model=ApplicationOut)
def fce_application(body: FlowRequest) -> dict[str, Any]:
    try:
        application = results.application(body.conversation_id, _plain(body.slots))
    except results.Incomplete as error:
        raise _slot_error(error.slot, "the form has no answer for this slot") from None
    return {"application": application, "interview": application["documents"] == "none"}


@router.post("/case-status", response_model=CaseStatusOut, response_model_exclude_unset=True)
def case_status(body: CaseStatusRequest, env: EnvDep, records_chat: RecordsChatDep) -> dict[str, Any]:
    """The public status check's rules: a per-caller budget (here the conversation, since every chat
    arrives from the action server's address) and the reference's wrong-code lockout.

    A successful check proves, for a short time, that this conversation holds the case: the records
    feature remembers it (api/records/chat.py) and, when the case has credentials, the reply offers to
    share them."""
    ctx, fce = _context(body, env), env.fce
    try:
        budget = (fce.settings.ip_status_limit, fce.settings.ip_status_window_seconds)
        fce.cases.rate_limit("access", f"chat:{body.conversation_id}", *budget)
    except guards.Limited as error:
        return _limited(ctx, "rate_limited", "fce.api.rate_limited", error)
    # The code the person typed this turn: the message Rasa saw has it masked, the api parked the real
    # one for this check alone (api/conversations/secrets.py). Without one, the code in the body (typed
    # alone, or inside the message that started the form: "FCE-2026-000123 ABCD-EFGH-JKMN").
    code = env.service.secrets.take(body.conversation_id, secrets.TYPED)
    if code is None and len(body.access_code.strip()) > MAX_CODE_CHARS:
        code = find_access_code(body.access_code)
    try:
        case_id, _language = fce.cases.authenticate(
            body.reference, code or body.access_code, f"chat:{body.conversation_id}"
        )
    except CaseNotFound:
        return {"outcome": "not_found", "replies": _replies([Reply(text=ctx.t("fce.api.not_found"))])}
    except guards.Limited as error:
        return _limited(ctx, "locked", "fce.api.locked", error)
    view = fce.cases.status_view(case_id)
    reply = results.case_status(ctx, view)
    buttons = records_chat.after_status_check(body.conversation_id, case_id, ctx.language)
    if buttons:
        reply = Reply(text=reply.text + "\n\n" + ctx.t("records.chat.share.offer"), buttons=buttons)
    return {"outcome": "found", "status": view.status, "replies": _replies([reply])}


def _limited(ctx: Ctx, outcome: str, key: str, error: guards.Limited) -> dict[str, Any]:
    minutes = max(1, (error.retry_after + 59) // 60)
    text = ctx.t(key, minutes=minutes, seconds=error.retry_after)
    return {"outcome": outcome, "replies": _replies([Reply(text=text)])}


def _request_from_slots(
    build: Callable[[Ctx, dict[str, Any]], RequestT], fields: Mapping[str, str], ctx: Ctx, body: FlowRequest
) -> RequestT:
    """A finished form's answers as the request its calculation takes; 422 naming the slot otherwise
    (`fields` maps the request's field names back to the form's slots)."""
    try:
        return build(ctx, _plain(body.slots))
    except results.Incomplete as error:
        raise _slot_error(error.slot, "the form has no answer for this slot") from None
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "slots"
        raise _slot_error(fields.get(field, field), first["msg"]) from None


@router.post("/points", response_model=PointsOut, response_model_exclude_unset=True)
def hsp_points(body: FlowRequest, env: EnvDep) -> dict[str, Any]:
    ctx = _context(body, env)
    request = _request_from_slots(results.points_request, results.POINTS_FIELDS, ctx, body)
    reply, result = results.points(ctx, request)
    summary = {key: result[key] for key in ("total", "threshold", "eligible")}
    return {"replies": _replies([reply]), "result": summary}


@router.post("/pathways", response_model=PathwayOut, response_model_exclude_unset=True)
def pathway_check(body: FlowRequest, env: EnvDep) -> dict[str, Any]:
    """The self-check of POST /api/v1/pathways/check on the pathway_form's answers."""
    ctx = _context(body, env)
    profile = _request_from_slots(results.pathway_request, results.PATHWAY_FIELDS, ctx, body)
    replies, result = results.pathway(ctx, profile, nikkei=_said_nikkei(env.service, body.conversation_id))
    return {"replies": _replies(replies), "result": result}


def _said_nikkei(service: ConversationService, conversation_id: str) -> bool:
    """The person said in this conversation that they are of Japanese descent ("sou sansei", "日系三世")."""
    try:
        history = service.history(conversation_id, limit=100)
    except ConversationNotFound:
        return False
    return any(message["role"] == "user" and parse.keyword(str(message["text"]), words.NIKKEI) for message in history)


# -- Career advice (issue #17 item 2): the web's AdviceService, with this conversation as the contact. --

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]
_SLOT_VALUE = re.compile(rf"^{advice.SLOT_PREFIX}([1-9][0-9]{{0,9}})$")


def _advice_request(ctx: Ctx, body: FlowRequest) -> AdviceRequestIn:
    """The finished advice_form as the web form's request; 422 naming the slot otherwise."""
    try:
        return AdviceRequestIn.model_validate(advice.request_body(ctx, _plain(body.slots)))
    except advice.Incomplete as error:
        raise _slot_error(error.slot, "the form has no answer for this slot") from None
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "slots"
        raise _slot_error(advice.REQUEST_FIELDS.get(field, field), first["msg"]) from None


@router.post("/advice/request", response_model=AdviceRequestOut, response_model_exclude_unset=True)
def advice_request(body: FlowRequest, env: EnvDep, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Create the request from the advice_form (a retry with the same Idempotency-Key is the same
    request), then show its learning path, its reference and access code (delivered once, masked
    everywhere it is kept: api/conversations/secrets.py) and the offer to choose a session time."""
    ctx = _context(body, env)
    request = _advice_request(ctx, body)
    try:
        created, _new = env.advice.create_from_chat(request, body.conversation_id, idempotency_key)
    except ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="unknown conversation") from None
    if created.access_code:
        env.service.secrets.park(body.conversation_id, secrets.ISSUED, created.access_code)
    status_url = f"{ctx.base_url}/advice/status?lang={ctx.language}"
    free = len(advice.offered_slots(ctx, request.time_zone or "UTC"))
    replies = [
        advice.path_reply(ctx, created.suggested_path, created.nqf_url, created.case_studies),
        Reply(
            text=ctx.t(
                "advice.chat.created",
                reference=created.reference,
                access_code=secrets.MASKED_CODE if created.access_code else "-",
                url=status_url,
            )
        ),
        advice.book_offer(ctx, free),
    ]
    log.info("advice request from chat steps=%d free_slots=%d", len(created.suggested_path), free)
    return {"reference": created.reference, "free_slots": free, "replies": _replies(replies)}


def _ask_for_advice(ctx: Ctx) -> Reply:
    button = {"title": ctx.t("advice.chat.button.ask"), "payload": "/request_advice"}
    return Reply(text=ctx.t("advice.chat.status_none", base=ctx.base_url), buttons=[button])


@router.post("/advice/book", response_model=OutcomeOut, response_model_exclude_unset=True)
def advice_book(body: FlowRequest, env: EnvDep) -> dict[str, Any]:
    """Book the time the advice_booking_form chose for this conversation's latest request."""
    ctx = _context(body, env)
    match = _SLOT_VALUE.match(str(body.slots.get("advice_slot") or ""))
    if match is None:
        raise _slot_error("advice_slot", "expected a slot offered by the booking question")
    request_id, zone = advice.request_zone(ctx)
    if request_id is None:
        return {"outcome": "no_request", "replies": _replies([_ask_for_advice(ctx)])}
    try:
        booking = env.advice.book(request_id, int(match.group(1)), None)
    except SlotTaken:
        free = len(advice.offered_slots(ctx, zone))
        again = {"title": ctx.t("advice.chat.button.other_time"), "payload": "/book_advice"}
        reply = Reply(text=ctx.t("advice.chat.taken"), buttons=[again]) if free else advice.book_offer(ctx, 0)
        return {"outcome": "taken", "replies": _replies([reply])}
    text = ctx.t(
        "advice.chat.booked",
        time=advice.slot_label(ctx, booking.starts_at, zone),
        zone=advice.zone_label(zone, booking.starts_at),
        minutes=booking.minutes,
        advisor=booking.advisor,
        hours=env.advice.settings.reminder_hours,
    )
    return {"outcome": "booked", "replies": _replies([Reply(text=text)])}


@router.post("/advice/status", response_model=OutcomeOut, response_model_exclude_unset=True)
def advice_status(body: FlowRequest, env: EnvDep) -> dict[str, Any]:
    """ "How is my advice request?": the latest request of this conversation, its session and path."""
    ctx = _context(body, env)
    request_id, zone = advice.request_zone(ctx)
    if request_id is None:
        return {"outcome": "none", "replies": _replies([_ask_for_advice(ctx)])}
    view = env.advice.status(request_id)
    lines = [ctx.t("advice.chat.status", reference=view.reference, state=ctx.t(f"advice.chat.state.{view.state}"))]
    if view.booking is not None:
        booking = view.booking
        lines.append(
            ctx.t(
                "advice.chat.status_booked",
                time=advice.slot_label(ctx, booking.starts_at, zone),
                zone=advice.zone_label(zone, booking.starts_at),
                minutes=booking.minutes,
                advisor=booking.advisor,
            )
        )
    if view.suggested_path:
        lines += ["", ctx.t("advice.path.title"), " → ".join(step.name for step in view.suggested_path)]
    buttons = []
    if view.state != "closed" and advice.offered_slots(ctx, zone):
        key = "advice.chat.button.rebook" if view.booking else "advice.chat.button.book"
        buttons.append({"title": ctx.t(key), "payload": "/book_advice"})
    return {"outcome": view.state, "replies": _replies([Reply(text="\n".join(lines), buttons=buttons)])}
