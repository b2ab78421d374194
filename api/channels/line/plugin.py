"""LINE as a channel plugin: its parts, named for the registry (api/channels/registry.py)."""

from __future__ import annotations

from typing import Any

from api.channels.config import ChannelSettings
from api.channels.incoming.inbox import EventHandler
from api.channels.line import events, webhook
from api.channels.line.client import LineProfiles, LineSender
from api.channels.line.enqueue import LineOutbound
from api.channels.line.settings import LineSettings
from api.channels.outgoing.ratelimit import RateLimits
from api.channels.plugin import ChannelPlugin, Receiving


def handler(settings: LineSettings, receiving: Receiving) -> EventHandler:
    # The profile's language is asked only when an event starts a new conversation.
    profiles = LineProfiles(settings, receiving.settings.http_timeout_seconds)

    def handle(payload: dict[str, Any]) -> None:
        inbound = events.normalise(payload, profiles.language, settings.line_reply_token_seconds)
        if inbound is not None:
            receiving.dispatch(inbound)

    return handle


def sender(settings: LineSettings, shared: ChannelSettings) -> LineSender:
    return LineSender(settings, shared.http_timeout_seconds)


def limits(settings: LineSettings) -> RateLimits:
    return RateLimits(settings.line_global_per_second)


PLUGIN = ChannelPlugin(
    name=events.CHANNEL,
    settings=LineSettings,
    router=webhook.router,
    handler=handler,
    sender=sender,
    limits=limits,
    outbound=LineOutbound,
)
