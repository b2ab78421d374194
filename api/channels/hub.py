"""The messaging channels, assembled from the registered platforms: inbox workers, outbox worker, adapters.

Each platform is a slice (api/channels/plugin.py): its webhook verifies and stores, an inbox worker
hands the stored event to the platform's handler, which normalises it for the shared dispatcher
(api/channels/incoming/dispatch.py), and the outbox sends through the platform's sender. A platform
without its settings is off: no handler, sender or adapter is built for it.

Processes: the inbox and the outbox run where `start` is called (`python -m api workers`, or the api
itself on `make run`); `start(outbox=False)` runs the inbox alone, for extra processes (`python -m api
workers --inbox-only`), because the outbox's per-chat send spacing lives in its sender's memory. Work
stored by a process that does not run the queue it belongs to (a webhook in a uvicorn worker, a reply
queued by an inbox-only process or by an advisor) wakes the process that does through the broadcaster's
relay (topic `channels.wake`, Redis when REDIS_URL is set), instead of waiting for its next poll; the
poll stays as the fallback when Redis is away.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from api.advisors.service import ADVISORS_TOPIC
from api.channels.config import ChannelSettings, PlatformSettings
from api.channels.incoming.dispatch import Dispatcher
from api.channels.incoming.inbox import EventHandler, InboxWorkers
from api.channels.outgoing.outbox import OutboxWorker, Sender
from api.channels.outgoing.ratelimit import RateLimits, SharedLimit
from api.channels.plugin import ChannelPlugin, Receiving
from api.conversations.responses import ResponseTemplates
from api.conversations.service import ConversationService, Outbound
from api.core.i18n import Catalogs
from api.db.session import Database
from api.live.broadcast import Broadcaster

log = logging.getLogger(__name__)
S = TypeVar("S", bound=PlatformSettings)
WAKE_TOPIC = "channels.wake"
INBOX, OUTBOX = "inbox", "outbox"


def shared_when_redis(
    limits: RateLimits, name: str, platform: PlatformSettings, settings: ChannelSettings
) -> RateLimits:
    """With Redis, the platform's send limit is one count for every sending process (several channel workers)."""
    if settings.redis_url:
        # One count per bot: the key names the platform and a digest of its secrets, never a secret.
        bot = hashlib.sha256("\n".join(platform.secrets()).encode()).hexdigest()[:12]
        limits.shared = SharedLimit(settings.redis_url, f"{name}:{bot}", limits.global_per_second)
    return limits


def outbound_adapters(
    plugins: Sequence[ChannelPlugin[Any]], settings: ChannelSettings, catalogs: Catalogs, wake: Callable[[], None]
) -> dict[str, Outbound]:
    """The sending side of each enabled channel, for the conversation router: it queues every stored
    message in the outbox within the same transaction, then calls `wake` (the outbox worker's)."""
    return {
        plugin.name: plugin.outbound(catalogs, wake) for plugin in plugins if plugin.configured(settings) is not None
    }


class Channels:
    def __init__(
        self,
        settings: ChannelSettings,
        plugins: Sequence[ChannelPlugin[Any]],
        db: Database,
        conversations: ConversationService,
        catalogs: Catalogs,
        templates: ResponseTemplates,
        broadcaster: Broadcaster,
        max_message_chars: int,
    ) -> None:
        self.settings = settings
        self.plugins = tuple(plugins)
        self.db = db
        self.broadcaster = broadcaster
        self.dispatcher = Dispatcher(db, conversations, catalogs, templates, max_message_chars)
        # Outbox kinds of every registered platform (on or off) that raise no alert.
        self.quiet_kinds = frozenset(kind for plugin in self.plugins for kind in plugin.quiet_kinds)
        receiving = Receiving(settings, db, self.dispatcher.handle, self.wake_outbox)
        handlers: dict[str, EventHandler] = {}
        senders: dict[str, Sender] = {}
        limits: dict[str, RateLimits] = {}
        for plugin in self.plugins:
            platform = plugin.configured(settings)
            if platform is None:
                continue
            handlers[plugin.name] = plugin.handler(platform, receiving)
            senders[plugin.name] = plugin.sender(platform, settings)
            limits[plugin.name] = shared_when_redis(plugin.limits(platform), plugin.name, platform, settings)
        self.workers = InboxWorkers(
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
        # The queues this process runs (start), woken in-process; the others are woken by a message.
        self.running: frozenset[str] = frozenset()

    def configured(self, name: str, kind: type[S]) -> S | None:
        """The settings of platform `name` while it is on, as its own settings class; None while it is off
        (what its webhook asks first)."""
        platform = self.settings.platforms.get(name)
        return platform if isinstance(platform, kind) and platform.enabled else None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, outbox: bool = True) -> None:
        if not self.enabled:
            return
        self.workers.start()
        if outbox:
            self.outbox.start()
        self.running = frozenset({INBOX, OUTBOX} if outbox else {INBOX})
        self.broadcaster.listen(WAKE_TOPIC, self._woken)

    def stop(self) -> None:
        self.broadcaster.unlisten(WAKE_TOPIC, self._woken)
        self.running = frozenset()
        self.workers.stop()
        self.outbox.stop()

    def wake_inbound(self) -> None:
        """New events are stored: handle them now, here or in the process that runs the inbox."""
        self._wake(INBOX)

    def wake_outbox(self) -> None:
        """New sends are queued: send them now, here or in the process that runs the outbox."""
        self._wake(OUTBOX)

    def _wake(self, queue: str) -> None:
        if queue in self.running:
            (self.workers if queue == INBOX else self.outbox).wake()
        else:
            self.broadcaster.publish(WAKE_TOPIC, {"queue": queue})

    def _woken(self, event: dict[str, Any]) -> None:
        queue = event.get("queue")
        if queue in self.running:
            (self.workers if queue == INBOX else self.outbox).wake()

    def health(self) -> dict[str, str]:
        """Configured or not; a platform outage shows as alerts, not as a broken api."""
        return {
            plugin.name: "ok" if plugin.configured(self.settings) is not None else "disabled" for plugin in self.plugins
        }

    def _alert(self, alert: dict[str, Any]) -> None:
        if alert["kind"] in self.quiet_kinds:
            return
        self.broadcaster.publish(ADVISORS_TOPIC, {"type": "delivery_failed", "alert": alert})
