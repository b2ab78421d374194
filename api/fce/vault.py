"""Uploaded documents encrypted at rest: envelope encryption with AES-256-GCM (`cryptography`).

Contract. Every file under FCE_DOCUMENTS_DIR is written as

    MAGIC (8) | kid (8) | wrap nonce (12) | wrapped data key (32 + 16 tag) | data nonce (12) | ciphertext + tag (16)

- a random 256-bit data key per file encrypts the content (AES-GCM, MAGIC as associated data); a header
  moved onto another file's body unwraps a data key that fails that body's tag;
- the data key is wrapped by the key-encryption key (KEK) from the environment: DOCUMENTS_KEY, base64 of
  32 random bytes. The key id (`kid`) is the first 8 bytes of SHA-256 over a label and the key: it names
  the key without revealing it, so several keys can be held during a rotation;
- DOCUMENTS_KEYS_RETIRED (comma-separated, same format) holds earlier KEKs that can still unwrap;
  `python -m api keys rotate-documents` re-wraps every file's data key with DOCUMENTS_KEY (only the
  header changes; the body is copied) and encrypts any file still stored in plain text. After it
  reports no file left under a retired key, the retired key can be dropped.
- Files written before encryption existed (no MAGIC) are still read, but only when their SHA-256 equals
  the one recorded at upload: a file whose header was damaged cannot pass as "old plain text". The same
  command (or `rotate-documents` with the same key) encrypts them; nothing is re-encrypted lazily on read,
  so a download never writes.

Why envelope encryption: rotating the KEK touches 88 bytes per file instead of every document, and the
KEK never meets the database or the disk (`make run` keeps a development key under var/, outside git).
Reading decrypts a whole file in memory (at most FCE_MAX_DOCUMENT_BYTES, 10 MB): GCM releases nothing
before the tag is checked, so a tampered file is refused before any byte of it leaves the api.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"KKDOCv1\n"
KID_BYTES = 8
NONCE_BYTES = 12
TAG_BYTES = 16
WRAPPED_BYTES = 32 + TAG_BYTES
HEADER_BYTES = len(MAGIC) + KID_BYTES + NONCE_BYTES + WRAPPED_BYTES
BODY_OFFSET = HEADER_BYTES + NONCE_BYTES


class DocumentKeyError(Exception):
    """DOCUMENTS_KEY (or a retired key) is missing or malformed; the message says which and how to fix it."""


class DocumentUnreadable(Exception):
    """A stored document cannot be decrypted (unknown key, wrong key, tampered or truncated file).

    The message is for the log only (it names the key id, never a key); callers answer with a generic text.
    """


def _decode(value: str, name: str) -> bytes:
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise DocumentKeyError(f"{name} is not base64") from None
    if len(key) != 32:
        raise DocumentKeyError(f"{name} must be 32 bytes (base64 of 32 random bytes), got {len(key)}")
    return key


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"kakehashi documents kek\x00" + key).digest()[:KID_BYTES]


def new_key() -> str:
    """A fresh KEK in the DOCUMENTS_KEY format (what `make run` writes to var/documents.key)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


@dataclass(frozen=True)
class DocumentKeys:
    """The current KEK (wraps new files) and the retired ones (still unwrap), by key id."""

    current: bytes
    retired: tuple[bytes, ...] = ()

    @classmethod
    def parse(cls, current: str, retired: str = "") -> DocumentKeys:
        if not current.strip():
            raise DocumentKeyError(
                "DOCUMENTS_KEY is not set: the api refuses to store documents unencrypted. Set it to base64 of "
                "32 random bytes (`python -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())'`); "
                "`make run` creates a development key in var/documents.key"
            )
        old = tuple(
            _decode(part, f"DOCUMENTS_KEYS_RETIRED[{i}]") for i, part in enumerate(retired.split(",")) if part.strip()
        )
        return cls(_decode(current, "DOCUMENTS_KEY"), old)

    @property
    def current_id(self) -> bytes:
        return key_id(self.current)

    def find(self, kid: bytes) -> bytes | None:
        for key in (self.current, *self.retired):
            if hmac.compare_digest(key_id(key), kid):
                return key
        return None


def _header(keys: DocumentKeys, data_key: bytes) -> bytes:
    kid = keys.current_id
    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(keys.current).encrypt(nonce, data_key, MAGIC + kid)
    return MAGIC + kid + nonce + wrapped


class Sealer:
    """Encrypts one file as it is written, chunk by chunk (uploads are streamed with their cap enforced)."""

    def __init__(self, keys: DocumentKeys) -> None:
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(NONCE_BYTES)
        self.prefix = _header(keys, data_key) + nonce
        self._encryptor = Cipher(algorithms.AES(data_key), modes.GCM(nonce)).encryptor()
        self._encryptor.authenticate_additional_data(MAGIC)

    def update(self, chunk: bytes) -> bytes:
        return self._encryptor.update(chunk)

    def finish(self) -> bytes:
        tail = self._encryptor.finalize()
        return tail + self._encryptor.tag


def seal(plaintext: bytes, keys: DocumentKeys) -> bytes:
    sealer = Sealer(keys)
    return sealer.prefix + sealer.update(plaintext) + sealer.finish()


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(MAGIC)


def unseal(blob: bytes, keys: DocumentKeys) -> bytes:
    """The plaintext of an encrypted file; DocumentUnreadable when it cannot be proven authentic."""
    if len(blob) < BODY_OFFSET + TAG_BYTES:
        raise DocumentUnreadable("encrypted document truncated")
    kid = blob[len(MAGIC) : len(MAGIC) + KID_BYTES]
    kek = keys.find(kid)
    if kek is None:
        raise DocumentUnreadable(f"document key {kid.hex()} is neither DOCUMENTS_KEY nor a retired key")
    wrap_nonce = blob[len(MAGIC) + KID_BYTES : len(MAGIC) + KID_BYTES + NONCE_BYTES]
    wrapped = blob[len(MAGIC) + KID_BYTES + NONCE_BYTES : HEADER_BYTES]
    try:
        data_key = AESGCM(kek).decrypt(wrap_nonce, wrapped, MAGIC + kid)
        return AESGCM(data_key).decrypt(blob[HEADER_BYTES:BODY_OFFSET], blob[BODY_OFFSET:], MAGIC)
    except InvalidTag:
        raise DocumentUnreadable(
            f"document under key {kid.hex()} failed authentication (tampered or wrong key)"
        ) from None


def read(path: Path, keys: DocumentKeys, sha256: str) -> bytes:
    """A stored document's original bytes. Plain-text files from before encryption are accepted only
    when they match the digest recorded at upload. FileNotFoundError when the file is gone."""
    blob = path.read_bytes()
    plaintext = unseal(blob, keys) if is_sealed(blob) else blob
    if not hmac.compare_digest(hashlib.sha256(plaintext).hexdigest(), sha256):
        raise DocumentUnreadable("document does not match the digest recorded at upload")
    return plaintext


def _replace(path: Path, content: bytes) -> None:
    """Write beside the file and rename over it: a crash leaves the old or the new file, never half."""
    temporary = path.with_name(path.name + ".rewrap")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


@dataclass
class RewrapReport:
    rewrapped: int = 0
    encrypted: int = 0
    current: int = 0
    failed: int = 0


def rewrap(path: Path, keys: DocumentKeys, sha256: str) -> str:
    """Bring one file under the current KEK: 'current', 'rewrapped' or 'encrypted' (was plain text).

    Re-wrapping keeps the data key and the body; only the wrapped key and the key id change. Raises
    DocumentUnreadable when the file cannot be read with the keys held (it is then left as it is).
    """
    blob = path.read_bytes()
    if not is_sealed(blob):
        _replace(path, seal(read(path, keys, sha256), keys))
        return "encrypted"
    kid = blob[len(MAGIC) : len(MAGIC) + KID_BYTES]
    if hmac.compare_digest(kid, keys.current_id):
        return "current"
    unseal(blob, keys)  # proves the whole file authentic before anything is rewritten
    kek = keys.find(kid)
    assert kek is not None
    offset = len(MAGIC) + KID_BYTES
    wrapped = blob[offset + NONCE_BYTES : HEADER_BYTES]
    data_key = AESGCM(kek).decrypt(blob[offset : offset + NONCE_BYTES], wrapped, MAGIC + kid)
    _replace(path, _header(keys, data_key) + blob[HEADER_BYTES:])
    return "rewrapped"


def rewrap_all(directory: Path, keys: DocumentKeys, files: Iterable[tuple[str, str]]) -> RewrapReport:
    """Every (storage name, sha256) under `directory`; files missing on disk are skipped."""
    report = RewrapReport()
    for storage_name, sha256 in files:
        path = directory / storage_name
        if not path.is_file():
            continue
        try:
            outcome = rewrap(path, keys, sha256)
        except DocumentUnreadable:
            report.failed += 1
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
