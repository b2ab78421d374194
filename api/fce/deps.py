"""Dependencies for the credential-evaluation routes: the feature's services, the caller's IP and language."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status

from api.db.session import Database
from api.deps import get_catalogs, get_db
from api.fce.comparability import ComparabilityData, load_comparability
from api.fce.config import FceSettings, MailSettings
from api.fce.evaluations import EvaluationService
from api.fce.notify import Notifier
from api.fce.service import CaseService
from api.i18n import Catalogs
from knowledge_base.languages import accept_language, page_language

_LOCK = threading.Lock()


@dataclass
class Fce:
    settings: FceSettings
    data: ComparabilityData
    cases: CaseService


def get_fce(request: Request, db: Annotated[Database, Depends(get_db)]) -> Fce:
    """Built on first use and kept on app.state (create_app belongs to the core; tests may preset it)."""
    fce: Fce | None = getattr(request.app.state, "fce", None)
    if fce is None:
        with _LOCK:
            fce = getattr(request.app.state, "fce", None)
            if fce is None:
                settings = FceSettings()
                fce = Fce(settings, load_comparability(settings.comparability_dir), CaseService(db, settings))
                request.app.state.fce = fce
    return fce


def get_evaluations(
    fce: Annotated[Fce, Depends(get_fce)], catalogs: Annotated[Catalogs, Depends(get_catalogs)]
) -> EvaluationService:
    return EvaluationService(fce.cases, fce.data, catalogs, fce.settings.font_dirs)


def get_notifier(request: Request, catalogs: Annotated[Catalogs, Depends(get_catalogs)]) -> Notifier:
    """SMTP settings are read once per app (tests preset app.state.fce_mail)."""
    mail: MailSettings | None = getattr(request.app.state, "fce_mail", None)
    if mail is None:
        mail = MailSettings()
        request.app.state.fce_mail = mail
    state = request.app.state
    advisors = state.advisors
    return Notifier(
        catalogs,
        state.conversations,
        mail,
        state.settings.public_base_url,
        hand_to_people=lambda conversation_id, context: advisors.request_handoff(
            conversation_id, "evaluator_question", context
        ),
    )


def client_ip(request: Request) -> str:
    # Behind a proxy, uvicorn's --proxy-headers puts the real client here from X-Forwarded-For.
    return request.client.host if request.client else "unknown"


def request_language(request: Request, explicit: str | None = None) -> str:
    """An explicit choice, else the first of the five in Accept-Language, else English."""
    return page_language(explicit, accept_language(request.headers.get("accept-language")))


def field_error(loc: list[Any], message: str, kind: str = "value_error") -> HTTPException:
    """A 422 shaped like FastAPI's own, for checks that need data the body model cannot see."""
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[{"loc": loc, "msg": message, "type": kind}])


FceDep = Annotated[Fce, Depends(get_fce)]
CatalogsDep = Annotated[Catalogs, Depends(get_catalogs)]
EvaluationsDep = Annotated[EvaluationService, Depends(get_evaluations)]
NotifierDep = Annotated[Notifier, Depends(get_notifier)]
