"""The one place JOSE is done (joserfc): compact JWS signing and checking for `vc+jwt` credentials.

Algorithms are tied to key types and listed here only: an Ed25519 OKP key verifies `EdDSA` or
`Ed25519` (RFC 9864's fully specified name), a P-256 EC key verifies `ES256` (universities' wallets
and did:key issuers use it; Kakehashi itself only signs with Ed25519), nothing else; `none` and
every HMAC are refused before a key is even looked up. We sign with `EdDSA`: verifiers in the field
(PyJWT, Open Badges 3.0 tools) know it, while RFC 9864's `Ed25519` is new. joserfc warns that EdDSA
is deprecated by RFC 9864; that warning is silenced exactly around our calls, since the choice is
deliberate.
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey

SIGNING_ALG = "EdDSA"
ALGORITHMS_BY_KEY = {("OKP", "Ed25519"): ("EdDSA", "Ed25519"), ("EC", "P-256"): ("ES256",)}
# The public members of each key type: nothing else of a published JWK is imported.
PUBLIC_MEMBERS = {"OKP": ("kty", "crv", "x"), "EC": ("kty", "crv", "x", "y")}
ALLOWED_ALGS = frozenset(alg for algs in ALGORITHMS_BY_KEY.values() for alg in algs)


class Unparseable(Exception):
    """Not a compact JWS with a JSON header and a JSON object payload."""


class BadSignature(Exception):
    pass


def sign(payload: dict[str, Any], key: OKPKey | ECKey, kid: str, typ: str = "vc+jwt", alg: str = SIGNING_ALG) -> str:
    """Kakehashi signs with EdDSA; `alg` is another only where tests play a foreign issuer (ES256)."""
    header = {"alg": alg, "typ": typ, "kid": kid}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jws.serialize_compact(header, body, key, algorithms=[alg])


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2): any other character is an error."""
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _b64json(part: str) -> Any:
    try:
        return json.loads(b64url_decode(part))
    except (ValueError, TypeError, RecursionError, binascii.Error):
        raise Unparseable("not base64url JSON") from None


def parse(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, unverified."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise Unparseable("a compact JWS has three base64url parts")
    header, payload = _b64json(parts[0]), _b64json(parts[1])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise Unparseable("header and payload must be JSON objects")
    return header, payload


def alg_fits_key(alg: object, jwk: dict[str, Any]) -> bool:
    return alg in ALGORITHMS_BY_KEY.get((str(jwk.get("kty")), str(jwk.get("crv"))), ())


def check_signature(token: str, public_jwk: dict[str, Any], alg: str) -> None:
    """Raise BadSignature unless `token` is signed by `public_jwk` with `alg` (which must fit the key)."""
    if not alg_fits_key(alg, public_jwk):
        raise BadSignature("algorithm does not fit the key type")
    try:
        members = {k: public_jwk[k] for k in PUBLIC_MEMBERS[str(public_jwk["kty"])]}
        key = ECKey.import_key(members) if members["kty"] == "EC" else OKPKey.import_key(members)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            jws.deserialize_compact(token.strip(), key, algorithms=[alg])
    except (JoseError, KeyError, ValueError, TypeError) as error:
        raise BadSignature(type(error).__name__) from None
