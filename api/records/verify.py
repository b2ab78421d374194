"""Verifying a `vc+jwt` credential or a `vc+sd-jwt` presentation: checks in a fixed order, one result.

Order (issue 13): parseable → algorithm on the allow-list → `kid` resolves to a published key of the
issuer's DID → `iss` equals `issuer.id` (and the kid's DID) → signature → validity dates → status
lists, each fetched and itself verified. The first failure decides the result:

    parseable, algorithm, issuer, signature  → tampered      (no claims are returned)
    key                                       → unknown_issuer (no claims: nobody vouches for them)
    validity                                  → not_yet_valid | expired
    status                                    → revoked | suspended | status_unknown (a list that
                                                cannot be fetched, is unsigned, expired or for
                                                another purpose is never taken as "not revoked")

Two encodings are read: VC-JOSE-COSE (VC 2.0: the payload is the credential) and the VC 1.1 JWT
encoding many Open Badges 3.0 issuers still use (the credential sits in the `vc` claim; `iss`, `jti`,
`sub`, `nbf`, `exp` are the JWT's). In both, `iss` must equal `issuer.id`.

An SD-JWT presentation (`vc+sd-jwt`, RFC 9901; see sdjwt.py) gets one more check after the signature,
`disclosures`: every disclosure hashes to a digest of the signed credential, none is repeated, no digest
appears twice. A failure there is `tampered`, with no claims; otherwise the credential returned is
the signed one with the disclosed claims put back, and the hidden ones absent.

Keys come from a resolver, so the same checks serve Kakehashi's own credentials (its key ring, no
network) and credentials an applicant brings (did:key offline, did:web through fetch.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from api.records import jose, sdjwt, status_list

CHECKS = ("parseable", "algorithm", "key", "issuer", "signature", "validity", "status")
SD_CHECKS = ("parseable", "algorithm", "key", "issuer", "signature", "disclosures", "validity", "status")
LEEWAY_SECONDS = 60
TYPS = frozenset({"vc+jwt", "vc+ld+jwt", "JWT", "jwt"})


class KeyUnknown(Exception):
    """The kid names no published assertion key of that DID (or the DID cannot be resolved)."""


Resolver = Callable[[str, str], dict[str, Any]]  # (issuer DID, kid) -> public JWK, or KeyUnknown
StatusFetcher = Callable[[str], str]  # list URL -> its vc+jwt, or any exception


@dataclass
class Outcome:
    result: str
    checks: list[dict[str, Any]] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    header: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"result": self.result, "checks": self.checks}
        if self.credential is not None:
            body["credential"] = self.credential
        return body


def _issuer_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def credential_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential a JWT payload carries: the payload itself (VC 2.0), or its `vc` claim (VC 1.1)."""
    inner = payload.get("vc")
    if "type" not in payload and isinstance(inner, dict):
        return inner
    return payload


def _when(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    return None


class StatusCache:
    """Fetched status lists by URL, kept until the earlier of the cache time and the list's validUntil."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        self._lists: dict[str, tuple[float, str, str, bytes]] = {}  # url -> (until, issuer, purpose, bits)
        self._lock = threading.Lock()

    def get(self, url: str, now: float) -> tuple[str, str, bytes] | None:
        with self._lock:
            hit = self._lists.get(url)
        if hit is None or hit[0] <= now:
            return None
        return hit[1], hit[2], hit[3]

    def put(self, url: str, until: float, issuer: str, purpose: str, bits: bytes) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            self._lists[url] = (until, issuer, purpose, bits)

    def clear(self) -> None:
        with self._lock:
            self._lists.clear()


class Verifier:
    def __init__(
        self,
        resolve: Resolver,
        fetch_status: StatusFetcher,
        cache: StatusCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.resolve = resolve
        self.fetch_status = fetch_status
        self.cache = cache or StatusCache(0)
        self.clock = clock

    def verify(self, token: str) -> Outcome:
        out = Outcome("valid")
        disclosures: list[str] | None = None
        order: tuple[str, ...] = CHECKS

        def done(name: str, ok: bool, result: str | None = None, detail: str | None = None) -> bool:
            entry: dict[str, Any] = {"check": name, "status": "passed" if ok else "failed"}
            if detail:
                entry["detail"] = detail
            out.checks.append(entry)
            if not ok and result is not None:
                out.result = result
                for rest in order[order.index(name) + 1 :]:
                    out.checks.append({"check": rest, "status": "skipped"})
            return ok

        if sdjwt.is_sd_jwt(token):
            order = SD_CHECKS
            try:
                token, disclosures = sdjwt.split(token)
            except sdjwt.BadDisclosure as error:
                done("parseable", False, "tampered", str(error))
                return out
        try:
            header, payload = jose.parse(token)
        except jose.Unparseable as error:
            done("parseable", False, "tampered", str(error))
            return out
        if disclosures is not None and header.get("typ") != sdjwt.TYP:
            done("parseable", False, "tampered", "typ is not vc+sd-jwt")
            return out
        if disclosures is None and (("typ" in header and header["typ"] not in TYPS) or "_sd_alg" in payload):
            done("parseable", False, "tampered", "typ is not vc+jwt")
            return out
        done("parseable", True)
        out.header = header
        alg = header.get("alg")
        if alg not in jose.ALLOWED_ALGS or header.get("crit"):
            done("algorithm", False, "tampered", f"algorithm {alg!r} is not accepted")
            return out
        done("algorithm", True)
        credential = credential_of(payload)
        issuer = _issuer_id(credential.get("issuer"))
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid or issuer is None:
            done("key", False, "unknown_issuer", "no kid, or no issuer")
            return out
        kid_did = issuer if kid.startswith("#") else kid.split("#", 1)[0]
        try:
            if kid_did != issuer:
                raise KeyUnknown("the kid names a key of another DID")
            jwk = self.resolve(issuer, kid)
        except KeyUnknown as error:
            done("key", False, "unknown_issuer", str(error))
            return out
        if not jose.alg_fits_key(alg, jwk):
            done("key", False, "tampered", "the algorithm does not fit the issuer's key type")
            return out
        done("key", True)
        if payload.get("iss") != issuer or (
            "jti" in payload and "id" in credential and payload["jti"] != credential["id"]
        ):
            done("issuer", False, "tampered", "iss or jti does not match the credential")
            return out
        types = credential.get("type")
        if not isinstance(types, list) or "VerifiableCredential" not in types:
            done("issuer", False, "tampered", "not a VerifiableCredential")
            return out
        done("issuer", True)
        try:
            jose.check_signature(token, jwk, str(alg))
        except jose.BadSignature:
            done("signature", False, "tampered", "the signature does not match")
            return out
        done("signature", True)
        if disclosures is not None:
            try:
                payload = sdjwt.disclose(payload, disclosures)
            except sdjwt.BadDisclosure as error:
                done("disclosures", False, "tampered", str(error))
                return out
            done("disclosures", True)
        out.credential = payload
        now = self.clock()
        begin = ("validFrom", "issuanceDate")
        finish = ("validUntil", "expirationDate")
        starts = [t for t in [_when(payload.get("nbf"))] + [_when(credential.get(k)) for k in begin] if t is not None]
        ends = [t for t in [_when(payload.get("exp"))] + [_when(credential.get(k)) for k in finish] if t is not None]
        if any(t > now + LEEWAY_SECONDS for t in starts):
            done("validity", False, "not_yet_valid")
            return out
        if any(t < now - LEEWAY_SECONDS for t in ends):
            done("validity", False, "expired")
            return out
        done("validity", True)
        result, detail = self.status(credential, issuer, now)
        done("status", result == "valid", result if result != "valid" else None, detail)
        return out

    # -- status ---------------------------------------------------------------------------------------

    def status(self, payload: dict[str, Any], issuer: str, now: float) -> tuple[str, str | None]:
        entries = payload.get("credentialStatus")
        if entries is None:
            return "valid", "the credential has no status list"
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list):
            return "status_unknown", "credentialStatus is malformed"
        found: set[str] = set()
        for entry in entries:
            try:
                purpose, is_set = self._entry(entry, issuer, now)
            except Exception as error:  # noqa: BLE001 - every failure means the same: status unknown
                return "status_unknown", str(error)[:200] or type(error).__name__
            if is_set:
                found.add(purpose)
        if "revocation" in found:
            return "revoked", None
        if "suspension" in found:
            return "suspended", None
        return "valid", None

    def _entry(self, entry: Any, issuer: str, now: float) -> tuple[str, bool]:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            raise ValueError("unsupported status entry")
        purpose, url = entry.get("statusPurpose"), entry.get("statusListCredential")
        if purpose not in status_list.PURPOSES or not isinstance(url, str):
            raise ValueError("unsupported status purpose")
        index = int(str(entry.get("statusListIndex")))
        cached = self.cache.get(url, now)
        if cached is None:
            list_issuer, list_purpose, bits, until = self._load_list(url, now)
            self.cache.put(url, min(until, now + self.cache.seconds), list_issuer, list_purpose, bits)
        else:
            list_issuer, list_purpose, bits = cached
        if list_issuer != issuer or list_purpose != purpose:
            raise ValueError("the status list is from another issuer or for another purpose")
        return purpose, status_list.bit(bits, index)

    def _load_list(self, url: str, now: float) -> tuple[str, str, bytes, float]:
        token = self.fetch_status(url)
        header, payload = jose.parse(token)
        alg, kid = header.get("alg"), header.get("kid")
        issuer = _issuer_id(payload.get("issuer"))
        if alg not in jose.ALLOWED_ALGS or not isinstance(kid, str) or issuer is None:
            raise ValueError("the status list is not signed")
        if (issuer if kid.startswith("#") else kid.split("#", 1)[0]) != issuer:
            raise ValueError("the status list's key is of another DID")
        jwk = self.resolve(issuer, kid)
        jose.check_signature(token, jwk, str(alg))
        types = payload.get("type")
        if not isinstance(types, list) or "BitstringStatusListCredential" not in types or payload.get("id") != url:
            raise ValueError("not the status list credential named")
        ends = [t for t in (_when(payload.get("exp")), _when(payload.get("validUntil"))) if t is not None]
        starts = [t for t in (_when(payload.get("nbf")), _when(payload.get("validFrom"))) if t is not None]
        if not ends or min(ends) < now - LEEWAY_SECONDS:
            raise ValueError("the status list has expired")
        if any(t > now + LEEWAY_SECONDS for t in starts):
            raise ValueError("the status list is not valid yet")
        subject = payload.get("credentialSubject")
        if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
            raise ValueError("the status list has no BitstringStatusList subject")
        bits = status_list.decode(str(subject.get("encodedList")))
        return issuer, str(subject.get("statusPurpose")), bits, min(ends)
