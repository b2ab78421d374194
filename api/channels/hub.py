"""The LINE and Telegram channels, assembled: settings, inbox workers, outbox worker, adapters.

Each channel is a slice (as in Chatwoot): its webhook verifies and stores, an inbox worker
normalises and routes the event, and the outbox sends. A channel without its settings is off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from api.advisors.service import ADVISORS_TOPIC
from api.channels.config import ChannelSettings
from api.channels.inbound import ChannelInbound
from api.channels.inbox import EventHandler, InboundWorkers
from api.channels.line import events as line_events
from api.channels.line.client import LineProfiles, LineSender
from api.channels.line.outbound import LineOutbound
from api.channels.outbox import OutboxWorker, Sender
from api.channels.ratelimit import RateLimits
from api.channels.telegram import events as telegram_events
from api.channels.telegram.client import KIND_CALLBACK_ANSWER, TelegramSender
from api.channels.telegram.outbound import TelegramOutbound, enqueue_callback_answer
from api.conversations.responses import ResponseTemplates
from api.conversations.service import ConversationService, Outbound
from api.core.i18n import Catalogs
from api.db.session import Database
from api.live.broadcast import Broadcaster

log = logging.getLogger(__name__)


def outbound_adapters(settings: ChannelSettings, catalogs: Catalogs, wake: Callable[[], None]) -> dict[str, Outbound]:
    """The sending side of each enabled channel, for the conversation router: it queues every stored
    message in the outbox within the same transaction, then calls `wake` (the outbox worker's)."""
    adapters: dict[str, Outbound] = {}
    if settings.line_enabled:
        adapters[line_events.CHANNEL] = LineOutbound(catalogs, wake)
    if settings.telegram_enabled:
        adapters[telegram_events.CHANNEL] = TelegramOutbound(catalogs, wake)
    return adapters


class Channels:
    def __init__(
        self,
        settings: ChannelSettings,
        db: Database,
        conversations: ConversationService,
        catalogs: Catalogs,
        templates: ResponseTemplates,
        broadcaster: Broadcaster,
        max_message_chars: int,
    ) -> None:
        self.settings = settings
        self.db = db
        self.broadcaster = broadcaster
        self.inbound = ChannelInbound(db, conversations, catalogs, templates, max_message_chars)
        handlers: dict[str, EventHandler] = {}
        senders: dict[str, Sender] = {}
        limits: dict[str, RateLimits] = {}
        if settings.line_enabled:
            self.line_profiles = LineProfiles(settings)
            handlers[line_events.CHANNEL] = self._handle_line
            senders[line_events.CHANNEL] = LineSender(settings)
            limits[line_events.CHANNEL] = RateLimits(settings.line_global_per_second)
        if settings.telegram_enabled:
            handlers[telegram_events.CHANNEL] = self._handle_telegram
            senders[telegram_events.CHANNEL] = TelegramSender(settings)
            limits[telegram_events.CHANNEL] = RateLimits(
                settings.telegram_global_per_second, settings.telegram_chat_per_second, settings.telegram_chat_burst
            )
        self.workers = InboundWorkers(
            db, handlers, settings.inbound_workers, settings.claim_seconds, settings.inbound_poll_seconds
        )
        self.outbox = OutboxWorker(
            db,
            senders,
            limits,
            max_attempts=settings.outbox_max_attempts,
            backoff_base=settings.outbox_backoff_base_seconds,
            backoff_max=settings.outbox_backoff_max_seconds,
            poll_seconds=settings.outbox_poll_seconds,
            on_failed=self._alert,
        )
        self.enabled = bool(handlers)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self.enabled:
            self.workers.start()
            self.outbox.start()

    def stop(self) -> None:
        self.workers.stop()
        self.outbox.stop()

    def wake_inbound(self) -> None:
        self.workers.wake()

    def wake_outbox(self) -> None:
        self.outbox.wake()

    def health(self) -> dict[str, str]:
        """Configured or not; a platform outage shows as alerts, not as a broken api."""
        return {
            "line": "ok" if self.settings.line_enabled else "disabled",
            "telegram": "ok" if self.settings.telegram_enabled else "disabled",
        }

    # -- event handlers (inbox worker threads) --------------------------------------------------

    def _handle_line(self, payload: dict[str, Any]) -> None:
        inbound = line_events.normalise(payload, self.line_profiles.language, self.settings.line_reply_token_seconds)
        if inbound is not None:
            self.inbound.handle(inbound)

    def _handle_telegram(self, payload: dict[str, Any]) -> None:
        query_id = telegram_events.callback_query_id(payload)
        if query_id is not None:
            with self.db.session() as session:
                enqueue_callback_answer(session, query_id)
            self.wake_outbox()
        inbound = telegram_events.normalise(payload)
        if inbound is not None:
            self.inbound.handle(inbound)

    def _alert(self, alert: dict[str, Any]) -> None:
        if alert["kind"] == KIND_CALLBACK_ANSWER:
            return  # a button's spinner that timed out: nothing a person wrote was lost
        self.broadcaster.publish(ADVISORS_TOPIC, {"type": "delivery_failed", "alert": alert})
