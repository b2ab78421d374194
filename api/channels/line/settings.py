"""LINE's settings (environment: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE...)."""

from __future__ import annotations

from pydantic import Field

from api.channels.config import PlatformSettings


class LineSettings(PlatformSettings):
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base: str = "https://api.line.me"
    # LINE's reply token is single-use and short-lived; after this many seconds we push instead.
    line_reply_token_seconds: int = Field(default=50, ge=1)
    line_global_per_second: float = Field(default=100.0, gt=0)

    @property
    def enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    def secrets(self) -> list[str]:
        return [self.line_channel_secret, self.line_channel_access_token]
