"""How Kakehashi's own verifier finds keys and status lists: from its key ring and database, no network.

/api/v1/verify and /v/<id> verify Kakehashi's credentials only; a credential naming another issuer
is `unknown_issuer` there (credentials an applicant brings are verified by inbound.py instead).
The status list is still produced, signed and checked exactly as a remote verifier would see it.
"""

from __future__ import annotations

from typing import Any

from api.records import status_list
from api.records.issuing import NoIssuerKey, RecordsService
from api.records.verify import KeyUnknown, StatusCache, Verifier


def resolver(service: RecordsService) -> Any:
    def resolve(issuer: str, kid: str) -> dict[str, Any]:
        if issuer != service.did:
            raise KeyUnknown("not Kakehashi's DID")
        fragment = kid.split("#", 1)[1] if "#" in kid else ""
        try:
            key = service.ring().by_kid.get(fragment)
        except NoIssuerKey:
            raise KeyUnknown("the issuer's keys are not available") from None
        if key is None:
            raise KeyUnknown("no such key in the issuer's DID document")
        if key.status == "revoked":
            raise KeyUnknown("the key was revoked (compromised)")
        return key.public_jwk

    return resolve


def fetcher(service: RecordsService) -> Any:
    prefixes = {status_list.list_url(service.base_url, purpose): purpose for purpose in status_list.PURPOSES}

    def fetch(url: str) -> str:
        purpose = prefixes.get(url)
        if purpose is None:
            raise ValueError("the status list is not Kakehashi's")
        return service.status_list_token(purpose)

    return fetch


def verifier(service: RecordsService, cache: StatusCache | None = None) -> Verifier:
    return Verifier(resolver(service), fetcher(service), cache or StatusCache(service.settings.status_cache_seconds))
