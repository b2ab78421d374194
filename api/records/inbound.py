"""Credentials an applicant brings (issue 13, point 7): verify, look the issuer up, pre-fill the case.

An applicant attaches a digital credential from their institution to an application: a compact JWT
(`vc+jwt`, VC 2.0 or the VC 1.1 `vc` claim many Open Badges 3.0 issuers use), or a JSON document
carrying one (`{"credential": jwt}`, an OB 3.0 / VC JSON whose `proof` is a JWT proof, or a VC 2.0
`EnvelopedVerifiableCredential` with a `data:application/vc+jwt,` id). It is checked by the same
verifier as Kakehashi's own credentials (verify.py), with other resolvers:

- `did:key` (Ed25519, P-256) offline, from the DID itself (did.py);
- `did:web` through fetch.py's guarded GET: https only, every resolved address public (no private,
  loopback, link-local or 10/8 addresses), peer address checked again after connecting, no
  redirects, a time limit and a size cap. RECORDS_ALLOW_PRIVATE_FETCH (tests only) lets a fake
  university on 127.0.0.1 through, over plain http;
- status lists where the credential names them, fetched the same guarded way.

Results and what happens:

- valid: the claims pre-fill one case credential, labelled "from a verified credential";
- status_unknown: kept with the case, pre-filled, flagged: the evaluator checks the status by hand;
- anything else (tampered, revoked, suspended, expired, not_yet_valid, unknown_issuer): refused, 422
  naming the attachment, a message in the applicant's language, nothing stored.

The issuer is looked up in knowledge_base/data/issuers.yml (issuers.py); an unknown issuer is
flagged, not refused. Nothing is approved: an evaluator confirms each pre-filled credential
(`confirm`), audited. The token is kept with the case (at most 64 KB, checked before storing).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.audit import audit
from api.core.clock import as_utc
from api.core.i18n import Catalogs
from api.db.session import Database
from api.fce.brought import Attachment, Brought, BroughtRefused
from api.fce.models import FceCase
from api.fce.schemas import CredentialIn
from api.records import did, fetch, issuers, jose
from api.records.config import RecordsSettings
from api.records.models import RecordInbound
from api.records.verify import KeyUnknown, Outcome, StatusCache, Verifier, credential_of

log = logging.getLogger(__name__)

# Results that pre-fill (status_unknown is flagged: a failed status fetch is never taken as "fine").
ACCEPTED = ("valid", "status_unknown")
# Open Badges 3.0 / CLR 2.0 achievementType values with a fixed ISCED 2011 level.
ISCED_BY_TYPE = {
    "AssociateDegree": 5,
    "BachelorDegree": 6,
    "MasterDegree": 7,
    "DoctoralDegree": 8,
    "ProfessionalDoctorate": 8,
    "ResearchDoctorate": 8,
}
# What a prefilled credential needs from the claims; the rest has fallbacks the console points out.
REQUIRED = ("institution", "country", "award")
_DATA_URL = re.compile(r"^data:application/(?:vc\+jwt|vc\+ld\+jwt|jwt)(?:;[^,]*)?,(.+)$", re.DOTALL)
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


class NoJwt(ValueError):
    """The attachment carries no compact JWT (the message says what was expected)."""


def token_of(attachment: Attachment) -> str:
    """The compact JWT an attachment carries: itself, or inside a JSON document."""
    if isinstance(attachment, str):
        text = attachment.strip()
        if text.startswith("{"):
            try:
                document = json.loads(text)
            except (ValueError, RecursionError):
                raise NoJwt("not JSON and not a JWT") from None
            return token_of(document) if isinstance(document, dict) else _no_jwt()
        if _JWT.match(text):
            return text
        raise NoJwt("not a compact JWT (three base64url parts)")
    for candidate in _candidates(attachment):
        if isinstance(candidate, str):
            match = _DATA_URL.match(candidate.strip())
            text = match.group(1) if match else candidate.strip()
            if _JWT.match(text):
                return text
    return _no_jwt()


def _no_jwt() -> str:
    raise NoJwt("the JSON carries no JWT: expected a vc+jwt, a JWT proof or an EnvelopedVerifiableCredential")


def _candidates(document: dict[str, Any]) -> list[Any]:
    found: list[Any] = [document.get("credential"), document.get("jwt")]
    if isinstance(document.get("credential"), dict):
        found += _candidates(document["credential"])
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict):
            found += [proof.get("jwt"), proof.get("proofValue") if "Jwt" in str(proof.get("type")) else None]
    kinds = document.get("type")
    if kinds == "EnvelopedVerifiableCredential" or (
        isinstance(kinds, list) and "EnvelopedVerifiableCredential" in kinds
    ):
        found.append(document.get("id"))
    return found


# -- reading the claims --------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A display text from a string, a language map ({"en": …}) or JSON-LD value objects."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        if "@value" in value:
            return _text(value["@value"])
        for key in ("en", *sorted(value)):
            text = _text(value.get(key))
            if text:
                return text
    if isinstance(value, list):
        for item in value:
            text = _text(item)
            if text:
                return text
    return None


def _year(value: Any) -> int | None:
    text = _text(value)
    if text and len(text) >= 4 and text[:4].isdigit():
        return int(text[:4])
    return None


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, dict)), None)
    return value if isinstance(value, dict) else {}


def _country(*values: Any) -> str | None:
    for value in values:
        text = _text(value)
        if text and len(text) == 2 and text.isalpha():
            return text.upper()
    return None


def claims(credential: dict[str, Any], recognised: issuers.Issuer | None) -> dict[str, Any]:
    """What the case needs, read from an Open Badges 3.0 / VC credential: None where it says nothing."""
    subject = _first(credential.get("credentialSubject"))
    achievement = _first(subject.get("achievement"))
    issuer = _first(credential.get("issuer"))
    creator = _first(achievement.get("creator"))
    address = _first(issuer.get("address")) or _first(creator.get("address"))
    achievement_type = _text(achievement.get("achievementType"))
    isced = ISCED_BY_TYPE.get(achievement_type or "")
    for alignment in achievement.get("alignment") or []:
        if isinstance(alignment, dict) and "ISCED" in str(alignment.get("targetFramework", "")).upper():
            code = _text(alignment.get("targetCode"))
            isced = int(code) if code and code.isdigit() else isced
    awarded = (
        _text(subject.get("awardedDate"))
        or _text(credential.get("awardedDate"))
        or _text(credential.get("validFrom"))
        or _text(credential.get("issuanceDate"))
    )
    return {
        "institution": _text(issuer.get("name")) or _text(creator.get("name")),
        "country": _country(address.get("addressCountryCode"), address.get("addressCountry")),
        "award": _text(achievement.get("name")),
        "achievement_type": achievement_type,
        "isced_level": isced,
        "field_of_study": _text(achievement.get("fieldOfStudy")) or _text(achievement.get("specialization")),
        "start_date": _text(subject.get("activityStartDate")),
        "end_date": _text(subject.get("activityEndDate")),
        "awarded_on": awarded,
        "language_of_instruction": _text(achievement.get("inLanguage")),
        "recognised_country": recognised.country if recognised else None,
        "recognised_name": recognised.name("en") if recognised else None,
    }


def prefill(found: dict[str, Any]) -> tuple[CredentialIn | None, list[str]]:
    """The case credential the claims fill in, and the fields the claims did not give.

    A curated issuer's country and name stand in when the credential omits them. Without an
    institution, a country or the award's name nothing is pre-filled (the credential is still kept).
    """
    institution = found["institution"] or found["recognised_name"]
    country = found["country"] or found["recognised_country"]
    missing = [name for name, value in zip(REQUIRED, (institution, country, found["award"]), strict=True) if not value]
    end = _year(found["end_date"]) or _year(found["awarded_on"])
    start = _year(found["start_date"])
    missing += [
        name for name, value in (("field_of_study", found["field_of_study"]), ("start_year", start)) if not value
    ]
    missing += [] if found["language_of_instruction"] else ["language_of_instruction"]
    # Without a start date the end year stands in (the field is required); `missing` says so.
    first_year = start or end
    if any(name in missing for name in REQUIRED) or first_year is None:
        return None, missing + ([] if first_year else ["end_year"])
    try:
        credential = CredentialIn(
            country=str(country),
            credential_name=str(found["award"])[:300],
            institution=str(institution)[:300],
            field_of_study=(found["field_of_study"] or "–")[:200],
            start_year=first_year,
            end_year=end if end is not None and end >= first_year else None,
            language_of_instruction=(found["language_of_instruction"] or "–")[:64],
        )
    except ValidationError as error:
        return None, missing + [str(e["loc"][0]) for e in error.errors() if e["loc"]]
    return credential, missing


# -- the service -----------------------------------------------------------------------------------------


class InboundService:
    """Checks what applicants bring (the FCE feature's `bring` hook) and shows it to evaluators."""

    def __init__(
        self,
        db: Database,
        settings: RecordsSettings,
        catalogs: Catalogs,
        issuer_list: issuers.IssuerList,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.settings = settings
        self.catalogs = catalogs
        self.issuers = issuer_list
        self.clock = clock
        self.verifier = Verifier(self.resolve, self.fetch_status, StatusCache(settings.status_cache_seconds))

    # -- resolving other issuers -----------------------------------------------------------------------

    def _get(self, url: str) -> bytes:
        s = self.settings
        if s.allow_private_fetch and url.startswith("https://"):
            # Tests only: the fake universities on 127.0.0.1 serve plain http.
            url = "http://" + url[len("https://") :]
        return fetch.get(
            url, allow_private=s.allow_private_fetch, timeout=s.fetch_timeout_seconds, max_bytes=s.fetch_max_bytes
        )

    def resolve(self, issuer: str, kid: str) -> dict[str, Any]:
        try:
            if issuer.startswith("did:key:"):
                return did.did_key_jwk(issuer)
            if issuer.startswith("did:web:"):
                document = json.loads(self._get(did.did_web_url(issuer)))
                return did.jwk_from_document(document, issuer, kid)
        except fetch.FetchRefused as error:
            raise KeyUnknown(f"the issuer's DID document could not be fetched: {error}") from None
        except (did.DidError, ValueError, RecursionError) as error:
            raise KeyUnknown(str(error)[:200] or type(error).__name__) from None
        raise KeyUnknown("only did:key and did:web issuers can be verified")

    def fetch_status(self, url: str) -> str:
        return self._get(url).decode("ascii").strip()

    # -- the FCE hook --------------------------------------------------------------------------------

    def check(self, attachments: Sequence[Attachment], language: str) -> list[Brought]:
        """Verify every attachment; raise BroughtRefused for the first that cannot be used."""
        seen: set[str] = set()
        brought: list[Brought] = []
        for index, attachment in enumerate(attachments):
            try:
                token = token_of(attachment)
            except NoJwt:
                raise self._refused(index, language, "no_jwt") from None
            digest = hashlib.sha256(token.encode()).hexdigest()
            if digest in seen:
                raise self._refused(index, language, "duplicate")
            seen.add(digest)
            outcome = self.verifier.verify(token)
            if outcome.result not in ACCEPTED or outcome.credential is None:
                log.info("records: brought credential refused result=%s", outcome.result)
                raise self._refused(index, language, outcome.result)
            brought.append(self._brought(token, digest, outcome, language))
        return brought

    def _refused(self, index: int, language: str, reason: str) -> BroughtRefused:
        message = self.catalogs.gettext(f"bring.error.{reason}", language)
        return BroughtRefused(index, message, reason)

    def _brought(self, token: str, digest: str, outcome: Outcome, language: str) -> Brought:
        assert outcome.credential is not None
        credential = credential_of(outcome.credential)
        issuer_did = str(jose.parse(token)[1].get("iss"))
        recognised = self.issuers.find(issuer_did)
        found = claims(credential, recognised)
        case_credential, missing = prefill(found)
        with self.db.session() as session:
            elsewhere = session.scalar(select(func.count()).where(RecordInbound.token_sha256 == digest)) or 0
        flags = [
            flag
            for flag, on in (
                ("unknown_issuer", recognised is None),
                ("status_unknown", outcome.result == "status_unknown"),
                ("incomplete", bool(missing)),
                ("not_prefilled", case_credential is None),
                ("seen_in_other_case", elsewhere > 0),
            )
            if on
        ]
        extracted = found | {"missing": missing}

        def store(session: Session, case_id: int, position: int | None) -> None:
            session.add(
                RecordInbound(
                    case_id=case_id,
                    position=position,
                    token=token,
                    token_sha256=digest,
                    result=outcome.result,
                    issuer=issuer_did[:500],
                    recognised_issuer=recognised.id if recognised else None,
                    extracted=extracted,
                    checks=outcome.checks,
                    flags=flags,
                    created_at=self.clock(),
                )
            )

        label = "bring.applicant.prefilled" if case_credential is not None else "bring.applicant.kept"
        summary = {
            "result": outcome.result,
            "issuer": issuer_did,
            "recognised_issuer": recognised.name(language) if recognised else None,
            "flags": flags,
            "prefilled": case_credential is not None,
            "message": self.catalogs.gettext(label, language),
        }
        return Brought(case_credential, store, summary)

    # -- evaluators ------------------------------------------------------------------------------------

    def of_case(self, reference: str) -> list[dict[str, Any]]:
        """The case's brought credentials for the evaluator: result, checks, flags, what was read."""
        with self.db.session() as session:
            rows = session.scalars(
                select(RecordInbound)
                .join(FceCase, FceCase.id == RecordInbound.case_id)
                .where(FceCase.reference == reference.strip().upper())
                .order_by(RecordInbound.id)
            ).all()
            return [self._row(row) for row in rows]

    def _row(self, row: RecordInbound) -> dict[str, Any]:
        recognised = next((i for i in self.issuers.issuers if i.id == row.recognised_issuer), None)
        return {
            "id": row.id,
            "position": row.position,
            "result": row.result,
            "issuer": row.issuer,
            "recognised_issuer": (
                {
                    "id": recognised.id,
                    "names": recognised.names,
                    "country": recognised.country,
                    "sources": list(recognised.sources),
                }
                if recognised
                else None
            ),
            "flags": row.flags or [],
            "extracted": row.extracted,
            "checks": row.checks or [],
            "received_at": _iso(row.created_at),
            "confirmed_at": _iso(row.confirmed_at),
            "confirmed_by": row.confirmed_by,
        }

    def confirm(self, user_id: int, reference: str, inbound_id: int) -> dict[str, Any] | None:
        """The evaluator confirms what a brought credential pre-filled; audited. None: no such record."""
        with self.db.session() as session:
            row = session.scalar(
                select(RecordInbound)
                .join(FceCase, FceCase.id == RecordInbound.case_id)
                .where(FceCase.reference == reference.strip().upper(), RecordInbound.id == inbound_id)
            )
            if row is None:
                return None
            if row.confirmed_at is None:
                row.confirmed_at = self.clock()
                row.confirmed_by = user_id
                session.flush()
                audit(
                    session,
                    user_id,
                    "records.inbound_confirm",
                    detail={"reference": reference.strip().upper(), "inbound_id": inbound_id},
                )
            return self._row(row)


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat(timespec="seconds").replace("+00:00", "Z") if value else None
