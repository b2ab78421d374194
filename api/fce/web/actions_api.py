"""The action server's one FCE endpoint: chat applications (ACTIONS_TOKEN only), audited.

Reading, listing, moving and downloading cases is for people: /api/v1/evaluator (a login, a role, every
step audited). The token-only list, detail, transitions and download routes that used to sit here were
used by no process and opened every case to whoever held the one shared service token (issue #15,
finding 11), so they are gone; the action server's token opens the chat's own routes and nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Header, status
from fastapi.responses import JSONResponse

from api.auth.audit import audit
from api.conversations import secrets
from api.deps import ConversationsDep, FceDep, actions_caller
from api.fce.schemas import ChatApplication
from api.fce.service import IdempotencyConflict
from api.fce.web.applicant_api import check_credentials, check_idempotency_key, created_response
from api.fce.web.request import field_error
from api.fce.web.responses import CreatedCaseOut

router = APIRouter(prefix="/internal/v1/fce", dependencies=[Depends(actions_caller)], tags=["fce-internal"])


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CreatedCaseOut)
def create_chat_case(
    body: ChatApplication,
    fce: FceDep,
    conversations: ConversationsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """For the chat form: the conversation is the contact. Same rules as the public endpoint.

    The access code goes back masked: the real one is parked for the turn that is creating the case
    and put into that turn's delivery by the api itself, so neither the action server, Rasa's tracker
    nor the stored conversation ever holds it (api/conversations/secrets.py)."""
    check_idempotency_key(idempotency_key)
    check_credentials(body, fce)
    try:
        created = fce.cases.create_case(
            body, email=body.email, conversation_id=body.conversation_id, idempotency_key=idempotency_key
        )
    except IdempotencyConflict as error:
        raise field_error(["header", "Idempotency-Key"], str(error), "idempotency_conflict") from None
    # Who (the action server's token; no person), what, for which conversation: never the application's
    # contents. A replay of the same Idempotency-Key is recorded as one, so a retry is not a second case.
    with fce.cases.db.session() as session:
        audit(
            session,
            None,
            "fce.chat_case_created",
            conversation_id=body.conversation_id,
            detail={"caller": "actions_token", "reference": created.reference, "replayed": created.replayed},
        )
    # The new code goes to this turn's delivery only (api/conversations/secrets.py); what is returned, and so
    # stored in the chat, is masked.
    conversations.secrets.park(body.conversation_id, secrets.ISSUED, created.access_code)
    return created_response(replace(created, access_code=secrets.MASKED_CODE))
