"""Field types shared by request bodies, and the JSON API's reading of multipart bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import HTTPException, Path, Request, status
from pydantic import AfterValidator
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException


def _stripped_not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("text must not be empty")
    return value


# Message text: surrounding white space removed; empty after that is a 422 naming the field.
NonBlankText = Annotated[str, AfterValidator(_stripped_not_blank)]

# A table row's integer id in a URL: an id no column can hold (PostgreSQL's integer, SQLite's 64 bits)
# is a 422 naming the parameter, not a driver overflow answered as a 500.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@asynccontextmanager
async def multipart_form(request: Request, *, max_files: int, max_fields: int) -> AsyncIterator[FormData]:
    """`request.form()` for the JSON API's uploads. Starlette answers a body that is not valid
    multipart with a 400 and its parser's message; the API answers it as it answers malformed JSON:
    422, naming the body. Other refusals (413 from the body cap) pass through unchanged."""
    try:
        form = await request.form(max_files=max_files, max_fields=max_fields)
    except StarletteHTTPException as error:
        if error.status_code != status.HTTP_400_BAD_REQUEST:
            raise
        problem = {"loc": ["body"], "msg": str(error.detail), "type": "multipart_invalid"}
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[problem]) from None
    try:
        yield form
    finally:
        await form.close()
