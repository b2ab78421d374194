"""The platform event being handled, so that handling it again has no second effect.

The inbox promises each stored event is handled, which after a crash means handled again: a worker killed
after the person's message was stored, or after the replies were queued, leaves an event whose lease runs
out and which another worker takes. The inbox sets the event's key ("line:<inbox id>") for the duration
of the handler; the conversation service stores it on the person's message (a unique column), finds it
there on the second run, and neither stores the message twice nor answers it twice.

Kept in core, not in channels: the conversation service reads it and must not import the channels.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("kakehashi_event_key", default=None)


def current() -> str | None:
    """The key of the event this thread is handling, or None outside an inbox handler."""
    return _current.get()


@contextlib.contextmanager
def handling(key: str) -> Iterator[None]:
    reset = _current.set(key)
    try:
        yield
    finally:
        _current.reset(reset)
