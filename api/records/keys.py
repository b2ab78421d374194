"""Issuer signing keys: Ed25519, from RECORDS_SIGNING_KEYS or a key file, never from the database.

A key is `active` (signs new credentials; exactly one), `retired` (no longer signs, still published
so what it signed still verifies) or `revoked` (compromised: its private half is deleted, it is
no longer published, and the verifier answers `unknown_issuer` for anything it signed — a revoked
key proves nothing about who signed, so the issuer is unknown rather than the data tampered).

The key file is `<key_dir>/keyring.json`, created 0600 in a 0700 folder. `kid` is the key's RFC 7638
thumbprint, so it names the key material itself. Private key values are registered with
api.core.redact so no log line can carry them.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from api.core import redact
from api.records.config import RecordsSettings

KEYRING_FILE = "keyring.json"
STATUSES = ("active", "retired", "revoked")


class KeyError_(Exception):
    """A key file or RECORDS_SIGNING_KEYS value that cannot be used (the message says why)."""


@dataclass(frozen=True)
class IssuerKey:
    kid: str
    status: str
    created_at: str
    public_jwk: dict[str, Any]
    private: OKPKey | None

    @property
    def published(self) -> bool:
        return self.status in ("active", "retired")


def new_key() -> OKPKey:
    return OKPKey.generate_key("Ed25519")


def _entry(key: OKPKey, status: str) -> dict[str, Any]:
    return {
        "kid": key.thumbprint(),
        "status": status,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "jwk": dict(key.as_dict(private=True)),
    }


def _parse(raw: Any, source: str) -> list[IssuerKey]:
    if isinstance(raw, dict) and "keys" in raw:
        raw = raw["keys"]
    if isinstance(raw, dict) and raw.get("kty"):
        raw = [{"status": "active", "jwk": raw}]
    if not isinstance(raw, list) or not raw:
        raise KeyError_(f"{source}: expected a non-empty list of keys")
    keys: list[IssuerKey] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("jwk"), dict):
            raise KeyError_(f"{source}: key {index} has no 'jwk' object")
        jwk = item["jwk"]
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise KeyError_(f"{source}: key {index} is not an Ed25519 OKP key")
        status = item.get("status", "active")
        if status not in STATUSES:
            raise KeyError_(f"{source}: key {index} has status {status!r}; use one of {', '.join(STATUSES)}")
        try:
            key = OKPKey.import_key(jwk)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise KeyError_(f"{source}: key {index} is not a valid Ed25519 JWK ({type(error).__name__})") from None
        private = key if key.is_private and status != "revoked" else None
        if private is not None:
            redact.install([str(jwk["d"])])
        kid = key.thumbprint()
        if item.get("kid") not in (None, kid):
            raise KeyError_(f"{source}: key {index}: kid {item.get('kid')!r} is not the key's thumbprint {kid}")
        keys.append(IssuerKey(kid, status, str(item.get("created_at", "")), dict(key.as_dict(private=False)), private))
    active = [k for k in keys if k.status == "active"]
    if len(active) != 1 or active[0].private is None:
        raise KeyError_(f"{source}: exactly one active key with its private part is needed, found {len(active)}")
    return keys


class KeyRing:
    """The issuer's keys; `signing` is the active one."""

    def __init__(self, keys: list[IssuerKey]) -> None:
        self.keys = keys
        self.by_kid = {k.kid: k for k in keys}
        self.signing = next(k for k in keys if k.status == "active")

    @classmethod
    def load(cls, settings: RecordsSettings) -> KeyRing:
        if settings.signing_keys.strip():
            try:
                raw = json.loads(settings.signing_keys)
            except ValueError:
                raise KeyError_("RECORDS_SIGNING_KEYS is not JSON") from None
            return cls(_parse(raw, "RECORDS_SIGNING_KEYS"))
        path = settings.key_dir / KEYRING_FILE
        if not path.is_file():
            raise KeyError_(f"no issuer key: create one with `python -m api keys init` (looked in {path})")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            raise KeyError_(f"{path} is not JSON") from None
        return cls(_parse(raw, str(path)))

    def published(self) -> list[IssuerKey]:
        return [k for k in self.keys if k.published]


# -- the key file (the CLI and `make run` change it; the api only reads it) ----------------------------


def _write(key_dir: Path, entries: list[dict[str, Any]]) -> None:
    key_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(key_dir, 0o700)
    # Written to a temporary file and renamed: a crash never leaves half a key file.
    handle, temporary = tempfile.mkstemp(dir=key_dir, prefix=".keyring-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"keys": entries}, out, indent=2)
        os.replace(temporary, key_dir / KEYRING_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read(key_dir: Path) -> list[dict[str, Any]]:
    path = key_dir / KEYRING_FILE
    if not path.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["keys"]
    return entries


def ensure_key(key_dir: Path) -> str | None:
    """Create the first key if there is none; its kid, or None when a key file already existed."""
    if _read(key_dir):
        return None
    entry = _entry(new_key(), "active")
    _write(key_dir, [entry])
    return str(entry["kid"])


def rotate(key_dir: Path) -> tuple[str, str | None]:
    """Add a new active key; the previous active one becomes retired. (new kid, retired kid)."""
    entries = _read(key_dir)
    retired = None
    for entry in entries:
        if entry["status"] == "active":
            entry["status"] = "retired"
            retired = str(entry["kid"])
    fresh = _entry(new_key(), "active")
    _write(key_dir, [*entries, fresh])
    return str(fresh["kid"]), retired


def revoke(key_dir: Path, kid: str) -> str:
    """Mark `kid` compromised and delete its private part. Revoking the active key rotates first,
    so the issuer can go on signing. Returns the active kid afterwards."""
    entries = _read(key_dir)
    target = next((e for e in entries if e["kid"] == kid), None)
    if target is None:
        raise KeyError_(f"no key {kid!r} in {key_dir / KEYRING_FILE}")
    if target["status"] == "active":
        rotate(key_dir)
        entries = _read(key_dir)
        target = next(e for e in entries if e["kid"] == kid)
    target["status"] = "revoked"
    target["jwk"] = {name: value for name, value in target["jwk"].items() if name != "d"}
    _write(key_dir, entries)
    return str(next(e["kid"] for e in entries if e["status"] == "active"))
