"""The advice feature's knobs, read from ADVICE_* environment variables (none is a secret)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AdviceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADVICE_", env_file=".env", extra="ignore")

    # How often the reminder job looks for sessions (0: never, for tests and one-off processes),
    # and how long before a session its one reminder goes out.
    reminder_interval_seconds: int = Field(default=300, ge=0)
    reminder_hours: int = Field(default=24, ge=1, le=168)
    # Reference + access code checks: per-IP budget, and the lockout per reference and client.
    ip_status_limit: int = Field(default=60, ge=1)
    ip_status_window_seconds: int = Field(default=600, ge=1)
    lockout_failures: int = Field(default=10, ge=1)
    lockout_window_seconds: int = Field(default=3600, ge=1)
    lockout_seconds: int = Field(default=3600, ge=1)
    # Slots the applicant sees: from now to this many days ahead.
    booking_horizon_days: int = Field(default=60, ge=1)
