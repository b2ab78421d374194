"""Settings for staff sessions and the advisor desk, read from the environment."""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    session_secret: str = ""
    # Absolute lifetime of a login, and how long it may go unused before it ends (ASVS 3.3).
    session_ttl_minutes: int = Field(default=8 * 60, ge=1)
    session_idle_minutes: int = Field(default=30, ge=1)
    # How often the console's socket asks whether its session still exists, heartbeat or not.
    session_recheck_seconds: float = Field(default=30, gt=0)
    # Failed logins allowed per e-mail address and per client address within the window.
    login_max_failures_per_email: int = 5
    login_max_failures_per_ip: int = 30
    login_window_seconds: int = 15 * 60
    # "mon-fri 09:00-18:00", Asia/Tokyo.
    office_hours: str = "mon-fri 09:00-18:00"
    # An advisor counts as online for this long after their last request or console heartbeat.
    online_window_seconds: int = 300
    max_advisor_text_chars: int = 4000


@lru_cache(maxsize=1)
def get_auth_settings() -> AuthSettings:
    return AuthSettings()


def resolve_secret(settings: AuthSettings) -> str:
    """The signing secret: SESSION_SECRET, or a random one for this process (sessions end at restart)."""
    if settings.session_secret:
        return settings.session_secret
    log.warning("SESSION_SECRET is not set: generated a random one; console sessions end when the api restarts")
    return secrets.token_urlsafe(48)
