"""The `?lang=` query parameter of the JSON APIs and the pathway pages: one check, one 422.

An API client that asks for a language we do not speak is told so, naming the field, rather than
silently getting another language. The FCE and console pages fall back instead (a person followed a
link); both kinds resolve through knowledge_base.languages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query, status

from knowledge_base.languages import LANGUAGES, page_language

LangQuery = Annotated[str | None, Query(max_length=8)]


def checked_lang(lang: str | None) -> str | None:
    """`lang` when it is one of ours or absent; a 422 naming `lang` otherwise."""
    if lang is not None and lang not in LANGUAGES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": ["query", "lang"], "msg": f"lang must be one of {', '.join(LANGUAGES)}", "type": "enum"}],
        )
    return lang


def lang_or_default(lang: str | None) -> str:
    """A checked `lang`, English when absent."""
    return page_language(checked_lang(lang))
