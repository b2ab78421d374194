"""Responses for files that leave the system: uploaded documents (to evaluators) and statements.

Always downloads, never rendered in our origin: an uploaded PDF must not run in the console's pages,
and no cache may keep either (they hold personal data).
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import HTTPException, status
from fastapi.responses import FileResponse, Response

from api.fce.evaluations import IssuedStatement
from api.fce.models import FceDocument

log = logging.getLogger(__name__)
# `sandbox` stops scripts even if a browser is talked into showing the file inline.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "sandbox; default-src 'none'",
}


def document_response(document: FceDocument, path: Path) -> FileResponse:
    if not path.is_file():
        log.error("fce document file missing: document_id=%s", document.id)
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="the stored file is missing")
    return FileResponse(
        path,
        media_type=document.media_type,
        filename=document.original_name,
        content_disposition_type="attachment",
        headers=HEADERS,
    )


def statement_response(issued: IssuedStatement) -> Response:
    disposition = f"attachment; filename=\"{issued.filename}\"; filename*=UTF-8''{quote(issued.filename)}"
    headers = {**HEADERS, "Content-Disposition": disposition, "ETag": f'"{issued.sha256}"'}
    return Response(issued.pdf, media_type="application/pdf", headers=headers)
