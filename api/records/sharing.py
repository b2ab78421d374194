"""Share links: an applicant shows chosen parts of one credential to whom they want, until it expires.

A link is `/s/<token>`: 128 random bits (`secrets.token_urlsafe(16)`), shown once when it is made;
the database keeps only its SHA-256, so a leaked table opens no link. The applicant manages links by
a separate short `share_id` (revoke, read the log), which opens nothing by itself.

What the link shows is fixed when it is made: a fresh SD-JWT of the stored credential (same id, same
status entries, signed with the current key) presented with the chosen groups' disclosures only; the
hidden claims' disclosures are thrown away, so they are nowhere on the server's side of the link.
Status is checked on every opening, so a revoked or suspended credential shows as such through it.

An optional PIN is kept as an argon2id hash (the access codes' hasher: the comparison is argon2's,
constant-time). Wrong PINs count on the link; the `pin_failures`-th locks it for `pin_lock_seconds`.
Openings are rate-limited per link and client. Each opening is logged for the applicant: when, what
happened, and a coarse client name from the User-Agent; no address, nor a hash of one, is stored.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.clock import as_utc
from api.fce import guards
from api.fce.access import HASHER
from api.records import did, sdjwt
from api.records.issuing import RecordsService
from api.records.models import RecordCredential, RecordShare, RecordShareView

log = logging.getLogger(__name__)
# Verified when a link has no PIN hash to compare with, so every PIN check costs the same.
_DUMMY_PIN_HASH = HASHER.hash("no-pin")
VIEW_LOG_LIMIT = 200


class ShareUnknown(Exception):
    pass


class ShareGone(Exception):
    """Past expiry or revoked by the applicant: 410."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PinRequired(Exception):
    pass


class WrongPin(Exception):
    pass


class CredentialUnknown(Exception):
    pass


@dataclass(frozen=True)
class Share:
    share_id: str
    position: int
    claims: list[str]
    label: str | None
    pin_required: bool
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    views: int


@dataclass(frozen=True)
class Opened:
    share_id: str
    presentation: str
    claims: list[str]
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_name(user_agent: str) -> str:
    """A coarse browser and system from the User-Agent: enough to recognise a view, not a person."""
    ua = user_agent.lower()
    if not ua:
        return "other"
    if any(word in ua for word in ("bot", "crawler", "spider", "curl", "wget", "python", "httpx", "preview")):
        return "bot"
    browser = next(
        (
            name
            for key, name in (
                ("edg/", "Edge"),
                ("opr/", "Opera"),
                ("firefox/", "Firefox"),
                ("chrome/", "Chrome"),
                ("chromium", "Chrome"),
                ("safari/", "Safari"),
            )
            if key in ua
        ),
        "other",
    )
    system = next(
        (
            name
            for key, name in (
                ("android", "Android"),
                ("iphone", "iOS"),
                ("ipad", "iOS"),
                ("windows", "Windows"),
                ("mac os", "macOS"),
                ("linux", "Linux"),
            )
            if key in ua
        ),
        "other",
    )
    return f"{browser} · {system}"


class ShareService:
    def __init__(self, records: RecordsService) -> None:
        self.records = records
        self.settings = records.settings
        self.db = records.db

    def clock(self) -> datetime:
        return self.records.clock()

    # -- the applicant -------------------------------------------------------------------------------

    def create(
        self,
        case_id: int,
        position: int,
        claims: list[str],
        days: int,
        pin: str | None,
        label: str | None,
        base_url: str | None = None,
    ) -> tuple[str, Share]:
        """A new link to credential `position` of the case; returns its URL (shown once) and its summary.

        Raises CredentialUnknown (no such issued credential); the caller has issued the case's credentials.
        """
        ring = self.records.ring()
        assert ring.signing.private is not None
        kid = did.method_id(self.records.did, ring.signing.kid)
        now = self.clock()
        pin_hash = HASHER.hash(pin) if pin else None
        with self.db.session() as session:
            row = session.scalar(
                select(RecordCredential).where(
                    RecordCredential.case_id == case_id, RecordCredential.position == position
                )
            )
            if row is None:
                raise CredentialUnknown(position)
            issuer_jwt, groups = sdjwt.issue(row.payload, ring.signing.private, kid)
            chosen = [group for group in sdjwt.GROUPS if group in claims]
            token = secrets.token_urlsafe(16)
            share = RecordShare(
                token_hash=token_hash(token),
                share_id=secrets.token_urlsafe(9),
                credential_id=row.id,
                disclosed=chosen,
                presentation=sdjwt.present(issuer_jwt, groups, chosen),
                pin_hash=pin_hash,
                created_at=now,
                expires_at=now + timedelta(days=days),
                pin_failures=0,
                label=label,
            )
            session.add(share)
            session.flush()
            log.info("records: share link created case_id=%s position=%s days=%s", case_id, position, days)
            summary = self._summary(session, share, row.position)
        return f"{(base_url or self.records.base_url).rstrip('/')}/s/{token}", summary

    def of_case(self, case_id: int) -> list[Share]:
        with self.db.session() as session:
            rows = session.execute(
                select(RecordShare, RecordCredential.position)
                .join(RecordCredential, RecordShare.credential_id == RecordCredential.id)
                .where(RecordCredential.case_id == case_id)
                .order_by(RecordShare.created_at.desc(), RecordShare.id.desc())
            ).all()
            return [self._summary(session, share, position) for share, position in rows]

    def revoke(self, case_id: int, share_id: str) -> Share:
        with self.db.session() as session:
            share, position = self._own(session, case_id, share_id)
            if share.revoked_at is None:
                share.revoked_at = self.clock()
                session.flush()
            return self._summary(session, share, position)

    def views(self, case_id: int, share_id: str) -> list[dict[str, Any]]:
        with self.db.session() as session:
            share, _position = self._own(session, case_id, share_id)
            rows = session.scalars(
                select(RecordShareView)
                .where(RecordShareView.share_id == share.id)
                .order_by(RecordShareView.at.desc(), RecordShareView.id.desc())
                .limit(VIEW_LOG_LIMIT)
            )
            return [{"at": as_utc(v.at), "outcome": v.outcome, "client": v.client or "other"} for v in rows]

    def _own(self, session: Session, case_id: int, share_id: str) -> tuple[RecordShare, int]:
        found = session.execute(
            select(RecordShare, RecordCredential.position)
            .join(RecordCredential, RecordShare.credential_id == RecordCredential.id)
            .where(RecordShare.share_id == share_id, RecordCredential.case_id == case_id)
        ).first()
        if found is None:
            raise ShareUnknown(share_id)
        return found[0], found[1]

    @staticmethod
    def _summary(session: Session, share: RecordShare, position: int) -> Share:
        views = session.scalar(
            select(func.count()).where(RecordShareView.share_id == share.id, RecordShareView.outcome == "shown")
        )
        return Share(
            share_id=share.share_id,
            position=position,
            claims=list(share.disclosed),
            label=share.label,
            pin_required=share.pin_hash is not None,
            created_at=as_utc(share.created_at),
            expires_at=as_utc(share.expires_at),
            revoked_at=as_utc(share.revoked_at) if share.revoked_at else None,
            views=views or 0,
        )

    # -- the employer --------------------------------------------------------------------------------

    def needs_pin(self, token: str) -> bool:
        """Whether the link asks for a PIN (ShareUnknown, ShareGone as for `open`; nothing is logged)."""
        with self.db.session() as session:
            share = self._by_token(session, token)
            self._check_gone(share, self.clock())
            return share.pin_hash is not None

    def open(self, token: str, pin: str | None, client_key: str, user_agent: str) -> Opened:
        """The link's presentation, after the expiry, revocation, rate-limit, lock and PIN checks.

        Raises ShareUnknown (404), ShareGone (410), guards.Limited (429: too fast, or locked),
        PinRequired / WrongPin (403). Each outcome but the unknown link is logged for the applicant.
        """
        now = self.clock()
        client = client_name(user_agent)
        refusal: Exception | None = None
        # Refusals are raised after the transaction ends, so their log entry and failure count are kept.
        with self.db.session() as session:
            share = self._by_token(session, token)
            refusal = self._refusal(session, share, pin, client_key, client, now)
            if refusal is None:
                self._log(session, share, "shown", client, now)
                opened = Opened(share.share_id, share.presentation, list(share.disclosed), as_utc(share.expires_at))
        if refusal is not None:
            raise refusal
        return opened

    def _refusal(
        self, session: Session, share: RecordShare, pin: str | None, client_key: str, client: str, now: datetime
    ) -> Exception | None:
        try:
            self._check_gone(share, now)
        except ShareGone as gone:
            self._log(session, share, gone.reason, client, now)
            return gone
        # Per link and client; the bucket keeps a digest of the client's address, not the address.
        client_digest = hashlib.sha256(f"{share.share_id}|{client_key}".encode()).hexdigest()[:32]
        try:
            guards.take(
                session,
                f"share:{share.share_id}:{client_digest}",
                self.settings.share_view_limit,
                self.settings.share_view_window_seconds,
                now,
            )
        except guards.Limited as limited:
            return limited
        if share.locked_until is not None and as_utc(share.locked_until) > now:
            self._log(session, share, "locked", client, now)
            return guards.Limited(int((as_utc(share.locked_until) - now).total_seconds()) + 1)
        if share.pin_hash is None:
            return None
        if not pin:
            return PinRequired()
        if not _pin_matches(pin, share.pin_hash):
            share.pin_failures += 1
            if share.pin_failures >= self.settings.pin_failures:
                share.locked_until = now + timedelta(seconds=self.settings.pin_lock_seconds)
                share.pin_failures = 0
            self._log(session, share, "wrong_pin", client, now)
            return WrongPin()
        share.pin_failures = 0
        return None

    @staticmethod
    def _by_token(session: Session, token: str) -> RecordShare:
        if not token or len(token) > 64:
            raise ShareUnknown()
        share = session.scalar(select(RecordShare).where(RecordShare.token_hash == token_hash(token)))
        if share is None:
            raise ShareUnknown()
        return share

    @staticmethod
    def _check_gone(share: RecordShare, now: datetime) -> None:
        if share.revoked_at is not None:
            raise ShareGone("revoked")
        if as_utc(share.expires_at) <= now:
            raise ShareGone("expired")

    @staticmethod
    def _log(session: Session, share: RecordShare, outcome: str, client: str, now: datetime) -> None:
        session.add(RecordShareView(share_id=share.id, at=now, outcome=outcome, client=client[:40]))


def _pin_matches(pin: str, stored: str | None) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_PIN_HASH, pin) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
