"""The credential-evaluation feature's bundle of services, and request helpers: caller IP and language.

`Fce` is built once by the composition root (api/services.py) and reaches routes through `FceDep` in
api/deps.py, like every other service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request, status

from api.db.session import Database
from api.fce.brought import Bring, not_available
from api.fce.comparability import ComparabilityData, load_comparability
from api.fce.config import FceSettings
from api.fce.service import CaseService
from knowledge_base.languages import accept_language, page_language


@dataclass
class Fce:
    settings: FceSettings
    data: ComparabilityData
    cases: CaseService
    # What the verifiable-records feature (which depends on this one, never the reverse) does once a
    # case is evaluated (sign its credentials), and the credentials shown on the evaluator's case page.
    on_evaluated: Callable[[str], None]
    case_credentials: Callable[[str], list[dict[str, Any]]]
    # Digital credentials an applicant brings (api/fce/brought.py): verified by records, and what the
    # evaluator sees of them per case (each pre-filled credential is labelled, flags, confirmations).
    bring: Bring = not_available
    brought_of_case: Callable[[str], list[dict[str, Any]]] = lambda reference: []


def build_fce(
    db: Database,
    settings: FceSettings,
    on_evaluated: Callable[[str], None],
    case_credentials: Callable[[str], list[dict[str, Any]]],
    bring: Bring = not_available,
    brought_of_case: Callable[[str], list[dict[str, Any]]] = lambda reference: [],
) -> Fce:
    data = load_comparability(settings.comparability_dir)
    return Fce(settings, data, CaseService(db, settings), on_evaluated, case_credentials, bring, brought_of_case)


def client_ip(request: Request) -> str:
    # Behind a proxy, uvicorn's --proxy-headers puts the real client here from X-Forwarded-For.
    return request.client.host if request.client else "unknown"


def request_language(request: Request, explicit: str | None = None) -> str:
    """An explicit choice, else the first of the five in Accept-Language, else English."""
    return page_language(explicit, accept_language(request.headers.get("accept-language")))


def field_error(loc: list[Any], message: str, kind: str = "value_error") -> HTTPException:
    """A 422 shaped like FastAPI's own, for checks that need data the body model cannot see."""
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[{"loc": loc, "msg": message, "type": kind}])
