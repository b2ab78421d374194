"""Telegram's settings (environment: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_BASE...)."""

from __future__ import annotations

from pydantic import Field

from api.channels.config import PlatformSettings


class TelegramSettings(PlatformSettings):
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_base: str = "https://api.telegram.org"
    # Telegram asks for about 30 messages/s overall and 1/s per chat (short bursts are tolerated).
    telegram_global_per_second: float = Field(default=30.0, gt=0)
    telegram_chat_per_second: float = Field(default=1.0, gt=0)
    telegram_chat_burst: int = Field(default=3, ge=1)

    @property
    def enabled(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_webhook_secret)

    def secrets(self) -> list[str]:
        # The token also appears in every Bot API URL, which httpx logs.
        return [self.telegram_bot_token, self.telegram_webhook_secret]
