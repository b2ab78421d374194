"""The credential-evaluation feature's bundle of services.

`Fce` is built once by the composition root (api/services.py) and reaches routes through `FceDep` in
api/deps.py, like every other service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.db.session import Database
from api.fce.brought import Bring, not_available
from api.fce.comparability import ComparabilityData, load_comparability
from api.fce.config import FceSettings
from api.fce.service import CaseService


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
