"""Share-link API: the applicant manages links to their credentials; anyone with a link reads it.

| route | who |
|---|---|
| GET  /api/v1/fce/cases/{reference}/credentials | X-Access-Code (as …/credential: same 404, rate limit, lockout) |
| POST /api/v1/fce/cases/{reference}/shares | X-Access-Code: a new link; its URL is in this answer only |
| GET  /api/v1/fce/cases/{reference}/shares | X-Access-Code |
| POST /api/v1/fce/cases/{reference}/shares/{share_id}/revoke | X-Access-Code |
| GET  /api/v1/fce/cases/{reference}/shares/{share_id}/views | X-Access-Code: the view log |
| GET  /api/v1/shares/{token} | the link's holder (+ X-Share-PIN when it has one): the verified presentation |

Refusals: 404 unknown link, 410 expired or revoked link, 403 PIN missing or wrong, 429 too fast or
locked after too many wrong PINs; 413 for a body over 8 KiB; 422 naming the field otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool

from api.core.i18n import Catalogs
from api.deps import CatalogsDep, FceDep, RecordsDep, SharesDep, VerifierDep
from api.fce import guards
from api.fce.web.applicant_api import AccessCode, Owned, OwnedCase, open_case
from api.fce.web.request import client_ip, request_language
from api.records import sdjwt
from api.records.issuing import RecordsService
from api.records.routes import NO_STORE, issue_or_explain, read_capped
from api.records.sharing import (
    CredentialUnknown,
    PinRequired,
    Share,
    ShareGone,
    ShareService,
    ShareUnknown,
    WrongPin,
)
from api.records.verify import Verifier

router = APIRouter(tags=["records"])
T = TypeVar("T")
MAX_BODY_BYTES = 8 * 1024
Claim = Literal["applicant", "institution", "years", "differences", "remarks", "reference"]
# What a link shows unless the applicant chooses: everything but the case reference.
DEFAULT_CLAIMS: list[Claim] = ["applicant", "institution", "years", "differences", "remarks"]
SharePin = Annotated[str | None, Header(alias="X-Share-PIN", max_length=64)]
assert set(Claim.__args__) == set(sdjwt.GROUPS)  # type: ignore[attr-defined]


class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: int = Field(default=0, ge=0, le=99)
    claims: list[Claim] = Field(default_factory=lambda: list(DEFAULT_CLAIMS), max_length=len(sdjwt.GROUPS))
    expires_in_days: int = Field(default=30, ge=1, le=365)
    pin: str | None = Field(default=None, min_length=4, max_length=32, pattern=r"^[0-9A-Za-z]+$")
    label: str | None = Field(default=None, min_length=1, max_length=80)

    @field_validator("claims")
    @classmethod
    def _once(cls, value: list[Claim]) -> list[Claim]:
        if len(set(value)) != len(value):
            raise ValueError("each claim at most once")
        return value

    @field_validator("label")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or not value.isprintable()):
            raise ValueError("a label is printable text")
        return value.strip() if value is not None else None


class CredentialItem(BaseModel):
    position: int
    status: Literal["active", "revoked", "suspended"]
    verify_url: str
    names: dict[str, str]
    claims: list[str]


class CredentialList(BaseModel):
    reference: str
    credentials: list[CredentialItem]


class ShareOut(BaseModel):
    share_id: str
    position: int
    claims: list[str]
    label: str | None
    pin_required: bool
    status: Literal["active", "expired", "revoked"]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    views: int


class ShareCreated(ShareOut):
    url: str


class ShareList(BaseModel):
    shares: list[ShareOut]


class ViewEntry(BaseModel):
    at: datetime
    outcome: str
    client: str


class ViewLog(BaseModel):
    share_id: str
    views: list[ViewEntry]


class SharedRecord(BaseModel):
    result: str
    checks: list[dict[str, Any]]
    credential: dict[str, Any] | None = None
    presentation: str
    expires_at: datetime


def share_out(share: Share, now: datetime) -> dict[str, Any]:
    state = "revoked" if share.revoked_at else "expired" if share.expires_at <= now else "active"
    return {
        "share_id": share.share_id,
        "position": share.position,
        "claims": share.claims,
        "label": share.label,
        "pin_required": share.pin_required,
        "status": state,
        "created_at": share.created_at,
        "expires_at": share.expires_at,
        "revoked_at": share.revoked_at,
        "views": share.views,
    }


def credentials_of(records: RecordsService, catalogs: Catalogs, language: str, case_id: int) -> list[dict[str, Any]]:
    issued = issue_or_explain(records, catalogs, language, case_id=case_id)
    items = []
    for i in issued:
        found = i.payload["credentialSubject"]["evaluation"]["credential"]
        items.append(
            {
                "position": i.position,
                "status": "revoked" if i.revoked else "suspended" if i.suspended else "active",
                "verify_url": records.verify_url(i.verify_id),
                "names": dict(found.get("names") or {}),
                "claims": list(sdjwt.GROUPS),
            }
        )
    return items


async def parse_share_request(request: Request) -> ShareRequest:
    """The body, read capped (413 past 8 KiB) and validated: a 422 names the field."""
    raw = await read_capped(request, MAX_BODY_BYTES, ["body"])
    try:
        return ShareRequest.model_validate_json(raw or b"{}")
    except ValidationError as error:
        raise RequestValidationError(
            [{"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        ) from None


def not_found(catalogs: Catalogs, language: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=catalogs.gettext("records.share.not_found", language))


@router.get("/api/v1/fce/cases/{reference}/credentials", response_model=CredentialList)
def applicant_credentials(
    reference: str, owned: OwnedCase, catalogs: CatalogsDep, records: RecordsDep
) -> dict[str, Any]:
    credentials = credentials_of(records, catalogs, owned.language, owned.case_id)
    return {"reference": reference.strip().upper(), "credentials": credentials}


@router.post("/api/v1/fce/cases/{reference}/shares", response_model=ShareCreated, status_code=201)
async def create_share(
    reference: str,
    request: Request,
    response: Response,
    fce: FceDep,
    catalogs: CatalogsDep,
    records: RecordsDep,
    shares: SharesDep,
    x_access_code: AccessCode,
) -> dict[str, Any]:
    """Not through OwnedCase: the body is checked (413, 422) before the code, so a malformed request
    costs no attempt against the lockout."""
    response.headers.update(NO_STORE)  # the link's URL is a secret, shown once
    body = await parse_share_request(request)
    if body.expires_in_days > records.settings.share_days_max:
        raise RequestValidationError(
            [{"loc": ("body", "expires_in_days"), "msg": "longer than allowed", "type": "less_than_equal"}]
        )
    case_id, language = await run_in_threadpool(open_case, fce, catalogs, request, reference, x_access_code)
    await run_in_threadpool(issue_or_explain, records, catalogs, language, case_id=case_id)
    try:
        url, share = await run_in_threadpool(
            shares.create, case_id, body.position, list(body.claims), body.expires_in_days, body.pin, body.label
        )
    except CredentialUnknown:
        raise RequestValidationError(
            [{"loc": ("body", "position"), "msg": "no credential at this position", "type": "value_error"}]
        ) from None
    return share_out(share, shares.clock()) | {"url": url}


@router.get("/api/v1/fce/cases/{reference}/shares", response_model=ShareList)
def list_shares(owned: OwnedCase, shares: SharesDep) -> dict[str, Any]:
    now = shares.clock()
    return {"shares": [share_out(s, now) for s in shares.of_case(owned.case_id)]}


def _own_share(owned: Owned, catalogs: Catalogs, read: Callable[[int, str], T], share_id: str) -> T:
    """One of the case's own links, read or changed; another case's link is as unknown as none (404)."""
    try:
        return read(owned.case_id, share_id[:24])
    except ShareUnknown:
        raise not_found(catalogs, owned.language) from None


@router.post("/api/v1/fce/cases/{reference}/shares/{share_id}/revoke", response_model=ShareOut)
def revoke_share(share_id: str, owned: OwnedCase, catalogs: CatalogsDep, shares: SharesDep) -> dict[str, Any]:
    return share_out(_own_share(owned, catalogs, shares.revoke, share_id), shares.clock())


@router.get("/api/v1/fce/cases/{reference}/shares/{share_id}/views", response_model=ViewLog)
def share_views(share_id: str, owned: OwnedCase, catalogs: CatalogsDep, shares: SharesDep) -> dict[str, Any]:
    return {"share_id": share_id, "views": _own_share(owned, catalogs, shares.views, share_id)}


# -- the employer --------------------------------------------------------------------------------------


class Refused(Exception):
    """Why a link did not open: status code, catalog key, and Retry-After seconds for a 429."""

    def __init__(self, status_code: int, key: str, retry_after: int | None = None) -> None:
        super().__init__(key)
        self.status_code = status_code
        self.key = key
        self.retry_after = retry_after


def open_link(
    shares: ShareService, verifier: Verifier, token: str, pin: str | None, request: Request
) -> tuple[dict[str, Any], str, datetime]:
    """(verification outcome, presentation, expiry) of a link, or Refused."""
    try:
        opened = shares.open(token, pin, client_ip(request), request.headers.get("user-agent", "")[:512])
    except ShareUnknown:
        raise Refused(404, "records.share.not_found") from None
    except ShareGone as gone:
        raise Refused(410, f"records.share.{gone.reason}") from None
    except PinRequired:
        raise Refused(403, "records.share.pin_required") from None
    except WrongPin:
        raise Refused(403, "records.share.pin_wrong") from None
    except guards.Limited as error:
        raise Refused(429, "records.share.locked", error.retry_after) from None
    return verifier.verify(opened.presentation).as_dict(), opened.presentation, opened.expires_at


@router.get("/api/v1/shares/{token}", response_model=SharedRecord, response_model_exclude_none=True)
def shared_record(
    token: str,
    request: Request,
    response: Response,
    shares: SharesDep,
    verifier: VerifierDep,
    catalogs: CatalogsDep,
    x_share_pin: SharePin = None,
) -> Any:
    response.headers.update(NO_STORE)
    language = request_language(request)
    try:
        outcome, presentation, expires_at = open_link(shares, verifier, token, x_share_pin, request)
    except Refused as refused:
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
        raise HTTPException(
            refused.status_code, detail=catalogs.gettext(refused.key, language), headers=headers
        ) from None
    return SharedRecord(**outcome, presentation=presentation, expires_at=expires_at)
