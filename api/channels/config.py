"""Settings for the LINE and Telegram channels, read from the environment.

A channel without its secrets is off: its webhook answers 404 and /healthz lists it as disabled.
The API bases exist so tests (and a staging proxy) can point the SDKs at a local server.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ChannelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base: str = "https://api.line.me"
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_base: str = "https://api.telegram.org"

    # Webhook bodies are small (LINE batches a few events; a Telegram update is one); anything
    # larger is refused before it is parsed.
    max_webhook_bytes: int = Field(default=512 * 1024, ge=1024)
    # Inbound events are handled by this many worker threads; one user's events always go to the
    # same worker, so they are handled in order.
    inbound_workers: int = Field(default=4, ge=1, le=32)
    # How often idle inbox workers look for events stored by another process (webhooks in this one
    # wake them at once).
    inbound_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # An event claimed by a worker that died is taken again after this long.
    claim_seconds: int = Field(default=120, ge=5)
    # LINE's reply token is single-use and short-lived; after this many seconds we push instead.
    line_reply_token_seconds: int = Field(default=50, ge=1)
    # Outbox: attempts before a send is given up and an alert raised, and the backoff curve.
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_backoff_base_seconds: float = Field(default=2.0, gt=0)
    outbox_backoff_max_seconds: float = Field(default=600.0, gt=0)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    http_timeout_seconds: float = Field(default=10.0, gt=0)
    # Telegram asks for about 30 messages/s overall and 1/s per chat (short bursts are tolerated).
    telegram_global_per_second: float = Field(default=30.0, gt=0)
    telegram_chat_per_second: float = Field(default=1.0, gt=0)
    telegram_chat_burst: int = Field(default=3, ge=1)
    line_global_per_second: float = Field(default=100.0, gt=0)

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_webhook_secret)


@lru_cache(maxsize=1)
def get_channel_settings() -> ChannelSettings:
    return ChannelSettings()
