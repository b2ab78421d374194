"""Field types shared by request bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def _stripped_not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("text must not be empty")
    return value


# Message text: surrounding white space removed; empty after that is a 422 naming the field.
NonBlankText = Annotated[str, AfterValidator(_stripped_not_blank)]
