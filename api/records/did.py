"""Decentralised identifiers: Kakehashi's own did:web, and reading did:key / did:web of other issuers.

did:web (W3C CCG did:web method): the host of PUBLIC_BASE_URL, a port percent-encoded
(`did:web:example.org%3A8443`), resolved at https://host/.well-known/did.json. A base URL with a path
is not used in the DID: the document is served only at the host's /.well-known/.

did:key (W3C CCG did:key method): multibase base58btc ('z') of a multicodec-prefixed public key.
Two codecs are read: ed25519-pub (0xed, varint bytes 0xed 0x01, then the 32-byte key) and p256-pub
(0x1200, varint bytes 0x80 0x24, then the 33-byte SEC1 compressed point). No maintained multiformats
package is in the api's virtualenv (multiformats/base58 are not installed and the lock is shared), so
this is a small decoder for exactly these two fixed prefixes: base58btc is arithmetic on one integer,
and the point is decompressed by `cryptography`, never by hand. Every other codec is refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from api.records import jose
from api.records.keys import KeyRing

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"]
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_MULTICODEC = b"\xed\x01"
_P256_MULTICODEC = b"\x80\x24"


class DidError(Exception):
    """A DID this service cannot resolve (malformed, unsupported method, or no such key)."""


def did_web(base_url: str) -> str:
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise DidError(f"PUBLIC_BASE_URL has no host: {base_url!r}")
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return "did:web:" + quote(host, safe="")


def did_web_url(did: str) -> str:
    """Where a did:web's document lives (https, or http for a host that is an IP with a port in tests)."""
    if not did.startswith("did:web:"):
        raise DidError("not a did:web")
    segments = [unquote(segment) for segment in did[len("did:web:") :].split(":")]
    if not segments[0] or any(not s or "/" in s or "@" in s for s in segments):
        raise DidError("malformed did:web")
    path = "/".join(segments[1:])
    return f"https://{segments[0]}/" + (f"{path}/did.json" if path else ".well-known/did.json")


def method_id(did: str, kid: str) -> str:
    return f"{did}#{kid}"


def document(ring: KeyRing, did: str) -> dict[str, Any]:
    """The issuer's DID document: every published key (active and retired) as a JsonWebKey."""
    methods = [
        {
            "id": method_id(did, key.kid),
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": {**key.public_jwk, "kid": key.kid},
        }
        for key in ring.published()
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": DID_CONTEXT,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": [],
    }


def jwk_from_document(doc: Any, did: str, kid: str) -> dict[str, Any]:
    """The public JWK that `kid` (absolute `did#frag` or `#frag`) names in `doc`, listed for assertion."""
    if not isinstance(doc, dict) or doc.get("id") != did:
        raise DidError("the DID document is for another DID")
    full = did + kid if kid.startswith("#") else kid
    if full.split("#", 1)[0] != did:
        raise DidError("the kid names another DID")
    assertion = doc.get("assertionMethod") or []
    for method in doc.get("verificationMethod") or []:
        if isinstance(method, dict) and method.get("id") == full and full in assertion:
            jwk = method.get("publicKeyJwk")
            if isinstance(jwk, dict):
                members = jose.PUBLIC_MEMBERS.get(str(jwk.get("kty")), ())
                return {k: v for k, v in jwk.items() if k in members}
    raise DidError("the kid is not an assertion key of the DID")


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise DidError("did:key is not base58btc")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def _b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + out


def did_key_jwk(did: str) -> dict[str, Any]:
    """The public JWK a did:key encodes: Ed25519 (OKP) or P-256 (EC); any other codec is refused."""
    if not did.startswith("did:key:z"):
        raise DidError("not a base58btc did:key")
    encoded = did[len("did:key:z") :].split("#", 1)[0]
    if not encoded or len(encoded) > 128:
        raise DidError("malformed did:key")
    raw = _b58decode(encoded)
    if len(raw) == 34 and raw[:2] == _ED25519_MULTICODEC:
        return {"kty": "OKP", "crv": "Ed25519", "x": jose.b64url_encode(raw[2:])}
    if len(raw) == 35 and raw[:2] == _P256_MULTICODEC:
        try:
            point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
        except ValueError:
            raise DidError("did:key holds no valid P-256 point") from None
        numbers = point.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": jose.b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": jose.b64url_encode(numbers.y.to_bytes(32, "big")),
        }
    raise DidError("did:key is neither an Ed25519 nor a P-256 key")


def did_key_for(public_jwk: dict[str, Any]) -> str:
    """The did:key of an Ed25519 or P-256 public JWK (tests and the bench make foreign issuers with it)."""
    x = jose.b64url_decode(str(public_jwk["x"]))
    if public_jwk.get("kty") == "EC":
        y = jose.b64url_decode(str(public_jwk["y"]))
        compressed = bytes([2 + (y[-1] & 1)]) + x
        return "did:key:z" + _b58encode(_P256_MULTICODEC + compressed)
    return "did:key:z" + _b58encode(_ED25519_MULTICODEC + x)
