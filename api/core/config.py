"""Settings, read once from the environment (and an optional .env file). Secrets never have defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{REPO_ROOT / 'var' / 'kakehashi.db'}")
    redis_url: str | None = None
    # Redis pub/sub channels ignore the database number in REDIS_URL, so deployments sharing one
    # Redis keep apart by prefix.
    redis_prefix: str = "kakehashi:"
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    rasa_timeout_seconds: float = 10.0
    # Shared secret between the api and the action server (internal endpoints) and Rasa's NLG
    # calls. Empty means internal endpoints refuse everything.
    internal_token: str = ""
    index_dir: Path = REPO_ROOT / "var" / "index"
    knowledge_enabled: bool = True
    domain_file: Path = REPO_ROOT / "bot" / "domain"  # Rasa's domain: a folder of files, one per flow
    locales_dir: Path = REPO_ROOT / "locales"
    max_message_chars: int = 2000
    default_language: str = "en"
    public_base_url: str = "http://127.0.0.1:8000"
    # Start the LINE/Telegram inbox and outbox workers with the app (tests drive them by hand).
    channel_workers: bool = True
    # Components /healthz checks; tests and single-process deployments can narrow it.
    health_components: tuple[str, ...] = ("database", "rasa", "action_server", "index")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
