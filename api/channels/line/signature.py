"""LINE's X-Line-Signature: base64 of HMAC-SHA256 over the raw body, keyed by the channel secret."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def verify(secret: str, body: bytes, signature: str | None) -> bool:
    if not signature or not secret:
        return False
    # Constant time: a byte-by-byte comparison would let an attacker learn the signature.
    return hmac.compare_digest(sign(secret, body).encode("ascii"), signature.encode("utf-8"))
