"""Uploaded documents: the type is decided by the bytes, never by the name or the client's header.

Files are written under FCE_DOCUMENTS_DIR (outside every served folder) with random names, encrypted
as they stream in (api/fce/vault.py: a data key per file, wrapped by DOCUMENTS_KEY), and the sha256 of
the original bytes is recorded so an evaluator can show a file is the one the applicant sent.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from api.fce.vault import DocumentKeys, Sealer

# Magic numbers of the three accepted formats, each at offset 0. Readers tolerate "%PDF-" anywhere
# in the first KB, which lets a polyglot (an HTML or script file with a PDF header further in) pass
# as a PDF; only files that start with the signature are accepted (security review, finding 10).
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"
CHUNK = 64 * 1024


class DocumentRejected(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def sniff(head: bytes) -> str | None:
    """The media type the content proves, or None."""
    if head.startswith(_PNG):
        return "image/png"
    if head.startswith(_JPEG):
        return "image/jpeg"
    if head.startswith(_PDF):
        return "application/pdf"
    return None


@dataclass(frozen=True)
class StoredDocument:
    storage_name: str
    media_type: str
    size_bytes: int
    sha256: str


def store(source: BinaryIO, directory: Path, max_bytes: int, keys: DocumentKeys) -> StoredDocument:
    """Encrypt an upload into `directory`, checking type and size as it streams; nothing is left behind on refusal."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    head = source.read(1024)
    if not head:
        raise DocumentRejected(400, "the file is empty")
    media_type = sniff(head)
    if media_type is None:
        raise DocumentRejected(415, "only PDF, JPEG and PNG files are accepted (checked by content)")
    storage_name = secrets.token_hex(16)
    target = directory / storage_name
    digest = hashlib.sha256()
    size = 0
    sealer = Sealer(keys)
    try:
        # O_EXCL: a random name never overwrites an existing file, even in the impossible collision.
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(sealer.prefix)
            chunk = head
            while chunk:
                size += len(chunk)
                if size > max_bytes:
                    raise DocumentRejected(413, f"each file may be at most {max_bytes // (1024 * 1024)} MB")
                digest.update(chunk)
                out.write(sealer.update(chunk))
                chunk = source.read(CHUNK)
            out.write(sealer.finish())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredDocument(storage_name, media_type, size, digest.hexdigest())


def remove(directory: Path, storage_name: str) -> None:
    (directory / storage_name).unlink(missing_ok=True)


EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def download_name(reference: str, document_id: int, media_type: str) -> str:
    """The name a download gets: from the reference and the sniffed type, never the applicant's
    file name or extension (which could make a viewer treat the bytes as something else)."""
    return f"{reference}-document-{document_id}.{EXTENSIONS.get(media_type, 'bin')}"


def safe_label(filename: str | None) -> str:
    """The applicant's file name, only as a label: no directories, no control characters, bounded."""
    name = (filename or "document").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "document"
    return name[:255]
