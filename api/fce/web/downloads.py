"""Responses for files that leave the system: uploaded documents (to evaluators) and statements.

Always downloads, never rendered in our origin: an uploaded PDF must not run in the console's pages,
and no cache may keep either (they hold personal data). Documents are decrypted in memory (api/fce/vault.py)
and sent only once their tag and digest are checked; a file that cannot be decrypted (a wrong or missing
DOCUMENTS_KEY, tampering) answers 503 with a generic text, and the reason goes to the log, never the client.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, status
from fastapi.responses import Response

from api.fce.documents import EXTENSIONS, download_name
from api.fce.evaluations import IssuedStatement
from api.fce.models import FceDocument
from api.fce.vault import DocumentKeys, DocumentUnreadable, read

log = logging.getLogger(__name__)
# `sandbox` stops scripts even if a browser is talked into showing the file inline.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "sandbox; default-src 'none'",
}

# What /openapi.json says these routes answer (route `responses=`, with `response_class=Response`): a
# file of the named type, not the JSON FastAPI would otherwise document, so clients and schemathesis
# check the real Content-Type.
STATEMENT_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "the evaluation statement (PDF)"},
    503: {"description": "the statement cannot be rendered (a font is missing)"},
}
DOCUMENT_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {media_type: {} for media_type in EXTENSIONS}, "description": "the uploaded file, as uploaded"}
}


def document_response(reference: str, document: FceDocument, path: Path, keys: DocumentKeys) -> Response:
    try:
        content = read(path, keys, document.sha256)
    except FileNotFoundError:
        log.error("fce document file missing: document_id=%s", document.id)
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="the stored file is missing") from None
    except DocumentUnreadable as error:
        log.error("fce document unreadable: document_id=%s: %s", document.id, error)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail="the stored file cannot be read; an administrator must check it"
        ) from None
    name = download_name(reference.strip().upper(), document.id, document.media_type)
    return Response(
        content, media_type=document.media_type, headers={**HEADERS, "Content-Disposition": _attachment(name)}
    )


def _attachment(filename: str) -> str:
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"


def statement_response(issued: IssuedStatement) -> Response:
    headers = {**HEADERS, "Content-Disposition": _attachment(issued.filename), "ETag": f'"{issued.sha256}"'}
    return Response(issued.pdf, media_type="application/pdf", headers=headers)
