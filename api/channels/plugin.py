"""What a messaging platform gives Kakehashi: the parts every folder `api/channels/<name>/` provides.

A platform is a slice (as in Chatwoot). Its folder holds the same modules in every platform:

- `settings.py`  its settings (a `PlatformSettings`: secrets, API base, rate limits); on when its secrets are set
- `webhook.py`   `POST /webhooks/<name>`: verifies, checks the body's shape, stores the events in the inbox
- `events.py`    `parse_body` (before storing) and `normalise` (a stored event → an `Inbound`)
- `render.py`    an `Outgoing` → the platform's messages, within its limits
- `enqueue.py`   its outbound adapter: rendered messages queued in the outbox with the reply they carry
- `client.py`    the platform's SDK: the outbox's `Sender`
- `plugin.py`    `PLUGIN`, the `ChannelPlugin` below, naming those parts

and `api/channels/registry.py` lists every `PLUGIN`: the app's webhook routers, `/healthz` entries,
redacted secrets, inbox handlers, outbox senders and rate limits all derive from that list
(tests/channels/test_registry.py fails when a folder is missing from it or lacks a part).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from fastapi import APIRouter

from api.channels.config import ChannelSettings, PlatformSettings
from api.channels.incoming.dispatch import Inbound
from api.channels.incoming.inbox import EventHandler
from api.channels.outgoing.outbox import Sender
from api.channels.outgoing.ratelimit import RateLimits
from api.conversations.service import Outbound
from api.core.i18n import Catalogs
from api.db.session import Database

S = TypeVar("S", bound=PlatformSettings)


@dataclass(frozen=True)
class Receiving:
    """What a platform's inbox handler may use: the shared settings, the database, `dispatch` (routes an
    `Inbound` like a widget message) and `wake_outbox` (after queueing a send of its own)."""

    settings: ChannelSettings
    db: Database
    dispatch: Callable[[Inbound], None]
    wake_outbox: Callable[[], None]


@dataclass(frozen=True)
class ChannelPlugin(Generic[S]):
    # The channel's name: its webhook path, the `channel` of its conversations, events and sends, its
    # /healthz component.
    name: str
    settings: type[S]
    # Its webhook route(s).
    router: APIRouter
    # The inbox handler of one stored event (run by an inbox worker thread).
    handler: Callable[[S, Receiving], EventHandler]
    # The outbox's sender for its rows (the shared settings give the HTTP timeout).
    sender: Callable[[S, ChannelSettings], Sender]
    limits: Callable[[S], RateLimits]
    # Its outbound adapter, given the catalogs and the outbox's wake-up.
    outbound: Callable[[Catalogs, Callable[[], None]], Outbound]
    # Outbox kinds whose failure is no alert: nothing a person wrote was lost (Telegram's button spinner).
    quiet_kinds: frozenset[str] = field(default_factory=frozenset)

    def configured(self, settings: ChannelSettings) -> S | None:
        """Its settings while it is on; None while it is off (not listed, or without its secrets)."""
        platform = settings.platforms.get(self.name)
        return platform if isinstance(platform, self.settings) and platform.enabled else None
