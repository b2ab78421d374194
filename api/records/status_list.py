"""Bitstring Status List v1.0 (W3C Recommendation, 2025): the lists and their entries.

Two lists, one per purpose (`revocation` — permanent — and `suspension` — reversible), each of
RECORDS_STATUS_LIST_SIZE bits (≥ 131,072, the spec's minimum for group privacy). A credential gets
one random index, used in both lists, so neither its position nor its issue order says anything.
Index 0 is the left-most bit of the first byte. `encodedList` is multibase base64url (prefix `u`, no
padding) of the GZIP-compressed bitstring. The list is itself a `vc+jwt` BitstringStatusListCredential,
signed when served and valid for RECORDS_STATUS_LIST_TTL_SECONDS.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
PURPOSES = ("revocation", "suspension")
# A decoded list larger than this is refused (a gzip bomb from a foreign issuer's URL).
MAX_LIST_BYTES = 2 * 1024 * 1024


def list_url(base_url: str, purpose: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/records/status/{purpose}"


def entries(base_url: str, index: int) -> list[dict[str, Any]]:
    """The credentialStatus entries for a credential at `index` (one per purpose)."""
    return [
        {
            "id": f"{list_url(base_url, purpose)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": list_url(base_url, purpose),
        }
        for purpose in PURPOSES
    ]


def encode(size_bits: int, set_indexes: Iterable[int]) -> str:
    bits = bytearray(size_bits // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same bits always encode to the same text.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    """The raw bitstring; ValueError when it is not multibase base64url GZIP, or too large."""
    if not isinstance(encoded, str) or not encoded.startswith("u") or len(encoded) < 2:
        raise ValueError("encodedList must be multibase base64url ('u' prefix)")
    data = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        inflater = zlib.decompressobj(wbits=31)
        raw = inflater.decompress(compressed, MAX_LIST_BYTES + 1)
    except (ValueError, zlib.error):
        raise ValueError("encodedList is not base64url GZIP") from None
    if len(raw) > MAX_LIST_BYTES or inflater.unconsumed_tail:
        raise ValueError("status list too large")
    return raw


def bit(raw: bytes, index: int) -> bool:
    if index < 0 or index // 8 >= len(raw):
        raise IndexError("status index outside the list")
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


def list_credential(
    base_url: str, issuer: str, purpose: str, encoded: str, now: datetime, ttl_seconds: int
) -> dict[str, Any]:
    """The BitstringStatusListCredential body (payload of its vc+jwt)."""
    url = list_url(base_url, purpose)
    valid_until = now + timedelta(seconds=ttl_seconds)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _iso(now),
        "validUntil": _iso(valid_until),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
        "iss": issuer,
        "jti": url,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(valid_until.timestamp()),
    }


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")
