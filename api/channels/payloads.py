"""Button payloads on platforms that limit their size.

Telegram's callback data holds at most 64 bytes and LINE's postback data 300 characters; Kakehashi's
payloads ("/set_language{...}", "/rate{...}") can be longer. A payload that fits travels as itself;
a longer one is stored once and travels as "k:<key>". Whatever comes back is untrusted and goes
through the same intent allow-list as the widget's payloads.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.channels.models import ButtonPayload

KEY_PREFIX = "k:"


def encode(session: Session, payload: str, max_bytes: int) -> str:
    if len(payload.encode("utf-8")) <= max_bytes and not payload.startswith(KEY_PREFIX):
        return payload
    # The key is derived from the payload, so the same button always gets the same key.
    key = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]
    if session.get(ButtonPayload, key) is None:
        try:
            with session.begin_nested():
                session.add(ButtonPayload(key=key, payload=payload))
        except IntegrityError:
            pass  # another worker stored the same button a moment ago
    return KEY_PREFIX + key


def decode(session: Session, data: str) -> str | None:
    if not data.startswith(KEY_PREFIX):
        return data
    row = session.get(ButtonPayload, data[len(KEY_PREFIX) :])
    return row.payload if row is not None else None
