"""The declarative base every feature's tables register on, and the id default they share.

Feature packages own their tables (`api/<package>/models.py`); `api/tables.py` imports them all so
Alembic and the migration test see one complete metadata. This package imports no feature, so any
package may depend on it.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy import JSON
from sqlalchemy.orm import DeclarativeBase


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}
