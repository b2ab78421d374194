"""Response models of the records API (credentials, their status, verification); names are the contract.

The credential and verify routes answer through JSONResponse (for their Cache-Control header), so FastAPI
documents these models there without re-validating; the status change is validated like every route.
"""

from __future__ import annotations

from typing import Any

from api.core.schemas import ResponseModel


class IssuedCredentialOut(ResponseModel):
    position: int
    credential: str  # the vc+jwt
    verify_url: str


class CredentialStatusOut(ResponseModel):
    position: int
    status: str  # active, suspended or revoked
    verify_url: str
    reason: str | None
    changed_at: str | None


class CredentialOut(ResponseModel):
    """The first credential (kept for older clients), and one entry per evaluated credential."""

    credential: str
    verify_url: str
    credentials: list[IssuedCredentialOut]


class EvaluatorCredentialOut(CredentialOut):
    status: list[CredentialStatusOut]


class StatusChangeOut(ResponseModel):
    reference: str
    credentials: list[CredentialStatusOut]


class CheckOut(ResponseModel):
    check: str
    status: str  # passed, failed or skipped
    detail: str | None = None  # present only on a failed check that says why


class VerifyOut(ResponseModel):
    result: str
    checks: list[CheckOut]
    credential: dict[str, Any] | None = None  # the credential's claims, once its signature is checked
