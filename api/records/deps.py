"""Dependencies for the records routes: the service and the verifier, built once per app.

Kept on app.state like the FCE feature's services (tests preset app.state.records with their own
key folder). The verifier's status cache lives as long as the service.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.fce.deps import FceDep
from api.records import local
from api.records.hooks import records_for
from api.records.issuing import RecordsService
from api.records.verify import Verifier


def get_records(request: Request, fce: FceDep) -> RecordsService:
    # FceDep first: the records service reads the comparability data the FCE feature loaded.
    return records_for(request.app)


def get_verifier(request: Request, records: Annotated[RecordsService, Depends(get_records)]) -> Verifier:
    verifier: Verifier | None = getattr(request.app.state, "records_verifier", None)
    if verifier is None or getattr(request.app.state, "records_verifier_for", None) is not records:
        verifier = local.verifier(records)
        request.app.state.records_verifier = verifier
        request.app.state.records_verifier_for = records
    return verifier


RecordsDep = Annotated[RecordsService, Depends(get_records)]
VerifierDep = Annotated[Verifier, Depends(get_verifier)]
