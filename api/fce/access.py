"""Access codes: generated once, shown once, stored only as an argon2id hash.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits, shown
as XXXX-XXXX-XXXX; people may type it with or without dashes and in any case.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
# OWASP's minimum argon2id profile (19 MiB, 2 passes): about 50 ms here, cheap enough for a status
# check yet costly for anyone who steals the table and tries every code.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when a reference does not exist, so unknown references and wrong codes take equal time.
_DUMMY_HASH = HASHER.hash("NO-SUCH-CASE")


def new_access_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return HASHER.hash(normalise(code))


def verify_code(code: str, stored_hash: str | None) -> bool:
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, normalise(code)) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# Idempotent replays. The database keeps sha256 of the Idempotency-Key and the access code XORed
# with a SHAKE-256 stream derived from the key; only a client that still holds the key can get the
# code back. Each key seals exactly one code, so the stream is never reused.
_KEY_DOMAIN = b"kakehashi/fce/idempotency-key\x00"
_SEAL_DOMAIN = b"kakehashi/fce/replay-seal\x00"


def idempotency_key_hash(key: str) -> str:
    return hashlib.sha256(_KEY_DOMAIN + key.encode()).hexdigest()


def seal_code(code: str, key: str) -> bytes:
    data = code.encode()
    stream = hashlib.shake_256(_SEAL_DOMAIN + key.encode()).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def unseal_code(sealed: bytes, key: str) -> str:
    stream = hashlib.shake_256(_SEAL_DOMAIN + key.encode()).digest(len(sealed))
    return bytes(a ^ b for a, b in zip(sealed, stream, strict=True)).decode()
