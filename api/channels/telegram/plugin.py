"""Telegram as a channel plugin: its parts, named for the registry (api/channels/registry.py)."""

from __future__ import annotations

from typing import Any

from api.channels.config import ChannelSettings
from api.channels.incoming.inbox import EventHandler
from api.channels.outgoing.ratelimit import RateLimits
from api.channels.plugin import ChannelPlugin, Receiving
from api.channels.telegram import events, webhook
from api.channels.telegram.client import KIND_CALLBACK_ANSWER, TelegramSender
from api.channels.telegram.enqueue import TelegramOutbound, enqueue_callback_answer
from api.channels.telegram.settings import TelegramSettings


def handler(settings: TelegramSettings, receiving: Receiving) -> EventHandler:
    def handle(payload: dict[str, Any]) -> None:
        query_id = events.callback_query_id(payload)
        if query_id is not None:
            with receiving.db.session() as session:
                enqueue_callback_answer(session, query_id)
            receiving.wake_outbox()
        inbound = events.normalise(payload)
        if inbound is not None:
            receiving.dispatch(inbound)

    return handle


def sender(settings: TelegramSettings, shared: ChannelSettings) -> TelegramSender:
    return TelegramSender(settings, shared.http_timeout_seconds)


def limits(settings: TelegramSettings) -> RateLimits:
    return RateLimits(
        settings.telegram_global_per_second, settings.telegram_chat_per_second, settings.telegram_chat_burst
    )


PLUGIN = ChannelPlugin(
    name=events.CHANNEL,
    settings=TelegramSettings,
    router=webhook.router,
    handler=handler,
    sender=sender,
    limits=limits,
    outbound=TelegramOutbound,
    # A button's spinner that timed out: nothing a person wrote was lost.
    quiet_kinds=frozenset({KIND_CALLBACK_ANSWER}),
)
