"""Settings the messaging channels share, and the base of each platform's own settings.

Each platform (LINE, Telegram, ...) declares its own settings in `api/channels/<name>/settings.py`:
its secrets, its API base and its rate limits, with the same environment names as ever
(LINE_CHANNEL_SECRET, TELEGRAM_BOT_TOKEN...). `ChannelSettings.platforms` holds them by channel name,
read from the environment for every registered platform unless given (tests give their own). A
platform without its secrets is off: its webhook answers 404 and /healthz lists it as disabled.
What every platform shares (webhook size, the inbox and outbox workers) is read here.
"""

from __future__ import annotations

from abc import abstractmethod
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    """One platform's settings. The API base exists so tests (and a staging proxy) can point the SDK at a
    local server."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    @property
    @abstractmethod
    def enabled(self) -> bool:
        """On when its secrets are set."""

    @abstractmethod
    def secrets(self) -> list[str]:
        """The values no log may show (api/core/redact.py)."""


def _registered_platforms() -> dict[str, PlatformSettings]:
    # Imported here: the registry imports the platforms, whose modules import this one.
    from api.channels.registry import CHANNELS

    return {plugin.name: plugin.settings() for plugin in CHANNELS}


class ChannelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Each platform's settings by channel name; a name missing here is off.
    platforms: dict[str, PlatformSettings] = Field(default_factory=_registered_platforms)

    # Webhook bodies are small (LINE batches a few events; a Telegram update is one); anything
    # larger is refused before it is parsed.
    max_webhook_bytes: int = Field(default=512 * 1024, ge=1024)
    # Inbound events are handled by this many worker threads; one user's events always go to the
    # same worker, so they are handled in order.
    inbound_workers: int = Field(default=4, ge=1, le=32)
    # How often idle inbox workers look for events stored by another process (webhooks in this one
    # wake them at once).
    inbound_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # An event claimed by a worker that died is taken again after this long (a live worker renews its
    # lease every quarter of it, however long the turn takes).
    claim_seconds: int = Field(default=20, ge=5)
    # Outbox: attempts before a send is given up and an alert raised, and the backoff curve.
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_backoff_base_seconds: float = Field(default=2.0, gt=0)
    outbox_backoff_max_seconds: float = Field(default=600.0, gt=0)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    http_timeout_seconds: float = Field(default=10.0, gt=0)
    # With Redis, each platform's send limit is counted there, shared by every sending process
    # (api/channels/outgoing/ratelimit.py); the same REDIS_URL as the api's.
    redis_url: str | None = None

    def secrets(self) -> list[str]:
        """Every platform's secrets, for the log redaction `create_app` installs."""
        return [secret for platform in self.platforms.values() for secret in platform.secrets()]


@lru_cache(maxsize=1)
def get_channel_settings() -> ChannelSettings:
    return ChannelSettings()
