"""Verifiable records in the chat (issue 13, items 6 and 7 "... or the chat"): share a verified record,
and check (and add to an application) a credential pasted into a message.

Everything here runs in the api, on the services the web uses (sharing.py, verify.py, inbound.py and
the FCE case service); Rasa is never asked and never sees a token.

**Proof of ownership.** The chat's status check (`POST /internal/v1/flows/case-status`, reference +
access code) calls `after_status_check`, which records a grant (`RecordChatGrant`: this conversation,
that case, GRANT_MINUTES) in the database, so whichever api worker takes the next message sees it.
Nothing secret is stored or sent to Rasa: the grant names a conversation and a case, and a button's
payload only names a reference, which opens nothing without a grant of the same conversation.

**Sharing.** A status reply for a case with issued credentials carries two buttons per credential:
"Share my verified record" (the web's default claims) and one without the substantial differences and
remarks (SD-JWT selective disclosure). Their payloads (`/share_record{...}`) are local intents of the
conversation router. A link is made with the web's defaults (RECORDS_SHARE_DAYS_DEFAULT, no PIN), at
most SHARE_LIMIT per conversation per hour; the reply gives the URL, the expiry date and the status
page, where links are listed, their view logs read and withdrawn. A typed request to share ("share my
evaluation with an employer", five languages: `share_requested`) offers the buttons when a grant is
fresh, and otherwise the status check first.

**Pasted credentials.** A message carrying a JWT / SD-JWT (api/core/pasted.py) is stored with a
placeholder and answered here: Kakehashi's own credentials by the local verifier (key ring, no
network), anyone else's by the inbound verifier (did:key, guarded did:web, status lists), with the
result, the issuer and whether it is on the recognised-issuers list, and the achievement. A credential
from another issuer that verified (or whose status is unknown, flagged) may join a case the
conversation can add to: its own chat application, or a case with a fresh grant, before evaluation.
The token waits sealed (TurnSecrets, PASTE_MINUTES) for the "Add to my application" button
(`/add_brought{...}`), which records it exactly as the web application does (inbound.check, then
CaseService.add_brought): pre-filled, labelled "from a verified credential", for an evaluator to confirm.

Logs name results, counts and case ids; never a message's text, a token, a URL or a name.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import weakref
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from api.conversations.models import Conversation
from api.conversations.responses import Reply
from api.conversations.secrets import TurnSecrets
from api.conversations.service import Intercepted
from api.core import parse, pasted
from api.core.clock import as_utc, utcnow
from api.core.i18n import Catalogs, format_date
from api.db.session import Database
from api.fce import guards
from api.fce.brought import BroughtRefused
from api.fce.feature import Fce
from api.fce.models import FceCase
from api.fce.service import ADD_BROUGHT_STATUSES, CaseClosedForDocuments
from api.records import jose, local, sdjwt
from api.records.inbound import ACCEPTED, InboundService
from api.records.issuing import CaseUnknown, Issued, NoIssuerKey, NotEvaluated, RecordsService
from api.records.models import RecordChatGrant, RecordInbound
from api.records.sharing import CredentialUnknown, ShareService
from api.records.verify import Outcome, Verifier, credential_of

log = logging.getLogger(__name__)

GRANT_MINUTES = 15
PASTE_MINUTES = 15
PASTE_KIND = "pasted_vc"
# Share links a conversation may make, and pasted credentials it may have verified, per window.
SHARE_LIMIT = (5, 3600)
VERIFY_LIMIT = (20, 600)
MAX_SHARED_CREDENTIALS = 3
# The web's default claims (share_routes.DEFAULT_CLAIMS: everything but the case reference), and the
# same without what an applicant most often keeps to themself.
FULL_CLAIMS = ["applicant", "institution", "years", "differences", "remarks"]
SELECTIVE_CLAIMS = ["applicant", "institution", "years"]
MODES = {"full": FULL_CLAIMS, "selective": SELECTIVE_CLAIMS}
SHARE_INTENT = "share_record"
ADD_INTENT = "add_brought"
CHECK_CASE_PAYLOAD = "/check_case_status"
assert set(FULL_CLAIMS) | {"reference"} == set(sdjwt.GROUPS)

# A request to share a record, in the five languages (folded: lower case, Latin marks removed). All
# parts of one tuple must appear. "What is a share link?" is a question and asks nothing of us: the
# object (evaluation, record, result...) or the employer must be named.
_SHARE_VERBS = ("share", "共有", "chia se", "साझा", "compartilh", "partilh")
_SHARE_OBJECTS = (
    "evaluation", "record", "credential", "result", "statement", "employer",
    "評価", "記録", "証明", "結果", "雇用主",
    "danh gia", "ket qua", "ho so", "chung chi", "nha tuyen dung",
    "मूल्याङ्कन", "नतिजा", "प्रमाणपत्र", "रेकर्ड", "रोजगारदाता",
    "avaliac", "resultado", "registro", "credencial", "empregador",
)  # fmt: skip
_SHARE_PHRASES: tuple[tuple[str, ...], ...] = (
    ("send", "evaluation", "employer"), ("show", "evaluation", "employer"), ("評価", "見せ"), ("評価", "送"),
    ("gui", "danh gia", "nha tuyen dung"), ("मूल्याङ्कन", "पठाउ"), ("enviar", "avaliac", "empregador"),
    ("mostrar", "avaliac", "empregador"), ("share link",), ("共有リンク",), ("link chia se",),
)  # fmt: skip
_QUESTIONS = ("what is", "what's", "とは", "la gi", "के हो", "o que e")


def share_requested(text: str) -> bool:
    """The text asks to share the person's evaluation (not a question about sharing in general)."""
    if len(text) > 300:
        return False
    folded = f" {parse.fold(text)} "
    if any(question in folded for question in _QUESTIONS):
        return False
    if any(all(part in folded for part in phrase) for phrase in _SHARE_PHRASES):
        return True
    return any(verb in folded for verb in _SHARE_VERBS) and any(obj in folded for obj in _SHARE_OBJECTS)


class Parts(Protocol):
    """What this feature takes from the composition root, read per call (tests replace services)."""

    db: Database
    catalogs: Catalogs
    records: RecordsService
    inbound: InboundService
    fce: Fce


class ChatRecords:
    def __init__(
        self,
        parts: Callable[[], Parts],
        secrets: TurnSecrets,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._parts = parts
        self.secrets = secrets
        self.clock = clock
        self._verifiers: weakref.WeakKeyDictionary[RecordsService, Verifier] = weakref.WeakKeyDictionary()

    @property
    def parts(self) -> Parts:
        return self._parts()

    def t(self, key: str, language: str, **params: Any) -> str:
        return self.parts.catalogs.gettext(key, language, **params)

    # -- proof of ownership ----------------------------------------------------------------------------

    def after_status_check(self, conversation_id: str, case_id: int, language: str) -> list[dict[str, str]]:
        """Record that this conversation opened the case; the share buttons when it has credentials."""
        for _attempt in range(2):
            try:
                if not self._grant(conversation_id, case_id):
                    return []  # a call naming no conversation of ours proves nothing to anyone
                break
            except IntegrityError:
                continue  # a parallel check of the same case in the same chat made the row first
        issued = self._issued(case_id)
        log.info("records: chat grant case_id=%s credentials=%s", case_id, len(issued))
        return self._share_buttons(self._reference(case_id), issued, language)

    def _grant(self, conversation_id: str, case_id: int) -> bool:
        now = self.clock()
        with self.parts.db.session() as session:
            if session.get(Conversation, conversation_id) is None:
                return False
            session.execute(delete(RecordChatGrant).where(RecordChatGrant.expires_at < now))
            grant = session.scalar(
                select(RecordChatGrant).where(
                    RecordChatGrant.conversation_id == conversation_id, RecordChatGrant.case_id == case_id
                )
            )
            if grant is None:
                grant = RecordChatGrant(conversation_id=conversation_id, case_id=case_id, created_at=now)
                session.add(grant)
            grant.expires_at = now + timedelta(minutes=GRANT_MINUTES)
        return True

    def _granted(self, conversation_id: str, reference: str) -> int | None:
        """The case `reference` names, if this conversation holds a fresh grant for it."""
        now = self.clock()
        with self.parts.db.session() as session:
            row = session.execute(
                select(RecordChatGrant.case_id, RecordChatGrant.expires_at)
                .join(FceCase, FceCase.id == RecordChatGrant.case_id)
                .where(
                    RecordChatGrant.conversation_id == conversation_id,
                    FceCase.reference == reference.strip().upper()[:32],
                )
            ).first()
        if row is None or as_utc(row.expires_at) <= now:
            return None
        return int(row.case_id)

    def _fresh_grants(self, conversation_id: str) -> list[int]:
        now = self.clock()
        with self.parts.db.session() as session:
            rows = session.scalars(
                select(RecordChatGrant.case_id)
                .where(RecordChatGrant.conversation_id == conversation_id, RecordChatGrant.expires_at > now)
                .order_by(RecordChatGrant.expires_at.desc())
            ).all()
        return [int(case_id) for case_id in rows]

    def _issued(self, case_id: int) -> list[Issued]:
        try:
            return self.parts.records.issue(case_id=case_id)
        except (NotEvaluated, CaseUnknown):
            return []
        except NoIssuerKey as error:
            log.error("records: %s", error)
            return []

    def _reference(self, case_id: int) -> str:
        with self.parts.db.session() as session:
            return str(session.scalar(select(FceCase.reference).where(FceCase.id == case_id)) or "")

    def _share_buttons(self, reference: str, issued: list[Issued], language: str) -> list[dict[str, str]]:
        live = [i for i in issued if not i.revoked][:MAX_SHARED_CREDENTIALS]
        buttons: list[dict[str, str]] = []
        for item in live:
            name = ""
            if len(live) > 1:
                names = item.payload["credentialSubject"]["evaluation"]["credential"].get("names") or {}
                name = str(names.get(language) or names.get("en") or "")[:40]
            for mode in MODES:
                key = f"records.chat.share.button_{mode}" + ("_named" if name else "")
                entities = {"reference": reference, "position": item.position, "mode": mode}
                buttons.append(
                    {"title": self.t(key, language, credential=name), "payload": _payload(SHARE_INTENT, entities)}
                )
        return buttons

    # -- sharing -------------------------------------------------------------------------------------------

    def share_intent(self, conversation_id: str, entities: dict[str, Any]) -> list[Reply]:
        """A share button pressed: a link for the granted case's credential, or why there is none."""
        language = self._language(conversation_id)
        reference = str(entities.get("reference") or "")
        mode = str(entities.get("mode") or "")
        position = entities.get("position", 0)
        if mode not in MODES or not isinstance(position, int) or isinstance(position, bool):
            return [Reply(text=self.t("records.chat.share.invalid", language))]
        case_id = self._granted(conversation_id, reference)
        if case_id is None:
            log.info("records: chat share refused reason=no_grant")
            return [self._check_first(language, expired=True)]
        records = self.parts.records
        try:
            with records.db.session() as session:
                guards.take(session, f"chat_share:{conversation_id}", *SHARE_LIMIT, self.clock())
        except guards.Limited as error:
            minutes = max(1, (error.retry_after + 59) // 60)
            return [Reply(text=self.t("records.chat.share.rate_limited", language, minutes=minutes))]
        issued = {i.position: i for i in self._issued(case_id)}
        chosen = issued.get(position)
        if chosen is None or chosen.revoked:
            return [Reply(text=self.t("records.chat.share.nothing", language))]
        days = records.settings.share_days_default
        try:
            url, share = ShareService(records).create(case_id, position, list(MODES[mode]), days, None, None)
        except CredentialUnknown:
            return [Reply(text=self.t("records.chat.share.nothing", language))]
        except NoIssuerKey as error:
            log.error("records: %s", error)
            return [Reply(text=self.t("records.chat.unavailable", language))]
        log.info("records: chat share link created case_id=%s position=%s mode=%s", case_id, position, mode)
        text = self.t(
            f"records.chat.share.created_{mode}",
            language,
            url=url,
            expires=format_date(share.expires_at, language),
            reference=reference.strip().upper(),
            status_url=f"{records.base_url.rstrip('/')}/fce/status?lang={language}",
        )
        return [Reply(text=text)]

    def _share_requested(self, conversation_id: str, language: str) -> list[Reply]:
        for case_id in self._fresh_grants(conversation_id):
            buttons = self._share_buttons(self._reference(case_id), self._issued(case_id), language)
            if buttons:
                return [Reply(text=self.t("records.chat.share.choose", language), buttons=buttons)]
        return [self._check_first(language, expired=False)]

    def _check_first(self, language: str, *, expired: bool) -> Reply:
        key = "records.chat.share.expired_grant" if expired else "records.chat.share.check_first"
        button = {"title": self.t("records.chat.share.button_check", language), "payload": CHECK_CASE_PAYLOAD}
        return Reply(text=self.t(key, language, minutes=GRANT_MINUTES), buttons=[button])

    # -- the conversation router's interceptor --------------------------------------------------------------

    def intercept(self, conversation_id: str, text: str, busy: bool) -> Intercepted | None:
        token = pasted.find_token(text)
        if token is not None:
            language = self._language(conversation_id)
            oversized = (
                len(text) > pasted.MAX_CHARS or len(token.encode()) > self.parts.records.settings.max_token_bytes
            )
            return Intercepted(
                answer=lambda cid, lang: self._pasted(cid, None if oversized else token, lang),
                stored_text=self.t("records.chat.paste.placeholder", language),
                any_owner=True,
                keep_language=True,
            )
        if not busy and share_requested(text):
            return Intercepted(answer=self._share_requested)
        return None

    # -- pasted credentials ------------------------------------------------------------------------------

    def _pasted(self, conversation_id: str, token: str | None, language: str) -> list[Reply]:
        if token is None:
            log.info("records: chat credential refused reason=too_large")
            return [Reply(text=self.t("records.chat.paste.too_large", language, limit=pasted.MAX_CHARS))]
        records = self.parts.records
        try:
            with records.db.session() as session:
                guards.take(session, f"chat_verify:{conversation_id}", *VERIFY_LIMIT, self.clock())
        except guards.Limited as error:
            minutes = max(1, (error.retry_after + 59) // 60)
            return [Reply(text=self.t("records.chat.paste.rate_limited", language, minutes=minutes))]
        ours = _claimed_issuer(token) == records.did
        verifier = self._local_verifier(records) if ours else self.parts.inbound.verifier
        started = time.perf_counter()
        outcome = verifier.verify(token)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("records: chat credential verified result=%s kakehashi=%s ms=%.1f", outcome.result, ours, elapsed)
        lines = [self.t(f"records.chat.result.{outcome.result}", language)]
        buttons: list[dict[str, str]] = []
        if outcome.credential is not None:
            lines += self._described(outcome, ours, language)
        if not ours and outcome.result in ACCEPTED and outcome.credential is not None:
            cases = self._addable(conversation_id)
            if cases:
                self.secrets.park(conversation_id, PASTE_KIND, token, ttl_seconds=PASTE_MINUTES * 60)
                buttons = [
                    {
                        "title": self.t("records.chat.add.button", language, reference=reference),
                        "payload": _payload(ADD_INTENT, {"reference": reference}),
                    }
                    for reference in cases
                ]
                lines.append(self.t("records.chat.add.offer", language, minutes=PASTE_MINUTES))
            else:
                lines.append(self.t("records.chat.add.how", language))
        return [Reply(text="\n".join(lines), buttons=buttons)]

    def _local_verifier(self, records: RecordsService) -> Verifier:
        verifier = self._verifiers.get(records)
        if verifier is None:
            verifier = self._verifiers[records] = local.verifier(records)
        return verifier

    def _described(self, outcome: Outcome, ours: bool, language: str) -> list[str]:
        """The issuer (recognised or not) and the achievement, from the verified claims only."""
        assert outcome.credential is not None
        credential = credential_of(outcome.credential)
        issuer = credential.get("issuer")
        issuer_id = str(issuer.get("id") if isinstance(issuer, dict) else issuer or "")[:200]
        issuer_name = _text(issuer.get("name")) if isinstance(issuer, dict) else None
        if ours:
            lines = [self.t("records.chat.issuer.kakehashi", language)]
            subject = credential.get("credentialSubject")
            evaluation = (subject.get("evaluation") if isinstance(subject, dict) else None) or {}
            names = (evaluation.get("credential") or {}).get("names") or {}
            equivalent = (evaluation.get("comparableJapaneseQualification") or {}).get("names") or {}
            achievement = _pick(names, language)
            if achievement:
                lines.append(
                    self.t(
                        "records.chat.achievement.evaluation",
                        language,
                        credential=achievement,
                        equivalent=_pick(equivalent, language) or "–",
                    )
                )
            return lines
        recognised = self.parts.inbound.issuers.find(issuer_id)
        shown = issuer_name or issuer_id
        if recognised is not None:
            lines = [
                self.t("records.chat.issuer.recognised", language, issuer=recognised.name(language), did=issuer_id)
            ]
        else:
            lines = [self.t("records.chat.issuer.unrecognised", language, issuer=shown, did=issuer_id)]
        subject = credential.get("credentialSubject")
        subject = subject[0] if isinstance(subject, list) and subject else subject
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        achievement = achievement[0] if isinstance(achievement, list) and achievement else achievement
        name = _text(achievement.get("name")) if isinstance(achievement, dict) else None
        if name:
            lines.append(self.t("records.chat.achievement.name", language, achievement=name[:200]))
        return lines

    def _addable(self, conversation_id: str, *, any_status: bool = False) -> list[str]:
        """References of the cases this conversation may add a credential to: its own chat applications
        and the cases it holds a fresh grant for, while they are not yet under evaluation (`any_status`:
        whatever their status)."""
        granted = self._fresh_grants(conversation_id)
        query = select(FceCase.reference).where((FceCase.conversation_id == conversation_id) | FceCase.id.in_(granted))
        if not any_status:
            query = query.where(FceCase.status.in_([status.value for status in ADD_BROUGHT_STATUSES]))
        with self.parts.db.session() as session:
            rows = session.scalars(query.order_by(FceCase.id.desc()).limit(3)).all()
        return [str(reference) for reference in rows]

    def add_intent(self, conversation_id: str, entities: dict[str, Any]) -> list[Reply]:
        """ "Add to my application FCE-…" pressed: the pasted credential joins the case as on the web."""
        language = self._language(conversation_id)
        reference = str(entities.get("reference") or "").strip().upper()[:32]
        if reference not in self._addable(conversation_id, any_status=True):
            log.info("records: chat credential not added reason=no_grant")
            return [self._check_first(language, expired=True)]
        if reference not in self._addable(conversation_id):
            return [Reply(text=self.t("records.chat.add.closed", language, reference=reference))]
        token = self.secrets.take(conversation_id, PASTE_KIND)
        if token is None:
            return [Reply(text=self.t("records.chat.add.paste_again", language, minutes=PASTE_MINUTES))]
        case_id = self._case_id(reference)
        digest = _sha256(token)
        with self.parts.db.session() as session:
            already = session.scalar(
                select(RecordInbound.id).where(RecordInbound.case_id == case_id, RecordInbound.token_sha256 == digest)
            )
        if already is not None:
            return [Reply(text=self.t("records.chat.add.already", language, reference=reference))]
        try:
            brought = self.parts.inbound.check([token], language)
        except BroughtRefused as refused:
            log.info("records: chat credential not added reason=%s", refused.kind)
            return [Reply(text=refused.message)]
        try:
            position = self.parts.fce.cases.add_brought(case_id, brought[0])
        except CaseClosedForDocuments:
            return [Reply(text=self.t("records.chat.add.closed", language, reference=reference))]
        except IntegrityError:
            return [Reply(text=self.t("records.chat.add.already", language, reference=reference))]
        log.info("records: chat credential added case_id=%s prefilled=%s", case_id, position is not None)
        summary = brought[0].summary
        text = self.t("records.chat.add.done", language, reference=reference) + "\n" + str(summary.get("message", ""))
        return [Reply(text=text)]

    # -- helpers -------------------------------------------------------------------------------------------

    def _language(self, conversation_id: str) -> str:
        with self.parts.db.session() as session:
            language = session.scalar(select(Conversation.language).where(Conversation.id == conversation_id))
        return str(language or "en")

    def _case_id(self, reference: str) -> int:
        with self.parts.db.session() as session:
            return int(session.scalar(select(FceCase.id).where(FceCase.reference == reference)) or 0)


def _payload(intent: str, entities: dict[str, Any]) -> str:
    return f"/{intent}{json.dumps(entities, separators=(',', ':'), ensure_ascii=True)}"


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _claimed_issuer(token: str) -> str | None:
    """Who the token says issued it (unverified: it only chooses which verifier checks it)."""
    try:
        _header, payload = jose.parse(token.split("~", 1)[0])
    except jose.Unparseable:
        return None
    issuer = credential_of(payload).get("issuer")
    found = issuer.get("id") if isinstance(issuer, dict) else issuer
    return found if isinstance(found, str) else None


def _pick(names: Any, language: str) -> str | None:
    if not isinstance(names, dict):
        return None
    value = names.get(language) or names.get("en") or names.get("ja")
    return str(value)[:200] if value else None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        for key in ("en", *sorted(value)):
            found = _text(value.get(key))
            if found:
                return found
    return None
