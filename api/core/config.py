"""Settings, read once from the environment (and an optional .env file). Secrets never have defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{REPO_ROOT / 'var' / 'kakehashi.db'}")
    # PostgreSQL connections per process: at most db_pool_size + db_max_overflow (SQLAlchemy's 5 + 10).
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    redis_url: str | None = None
    # Redis pub/sub channels ignore the database number in REDIS_URL, so deployments sharing one
    # Redis keep apart by prefix.
    redis_prefix: str = "kakehashi:"
    rasa_url: str = "http://127.0.0.1:5005"
    # Several Rasa replicas, comma separated; each conversation goes to one of them by consistent hashing
    # (api/conversations/rasa_pool.py). Empty: RASA_URL alone.
    rasa_urls: str = ""
    # A replica marked down (connection refused, failed health check) is probed again after this long.
    rasa_retry_seconds: float = 2.0
    action_server_url: str = "http://127.0.0.1:5055"
    rasa_timeout_seconds: float = 10.0
    # One secret per caller, each opening only its own routes (compared in constant time, api/deps.py):
    # the action server's calls to /internal/v1/..., Rasa's calls to /nlg, and the api's calls to Rasa's
    # HTTP API (Rasa's --auth-token: tracker events, executing an action). A leaked one opens one door,
    # not all three. Empty: that caller is refused (/nlg included). INTERNAL_TOKEN, the one shared
    # secret they replace, is no longer read (the api warns when it is still set).
    actions_token: str = ""
    nlg_token: str = ""
    rasa_admin_token: str = ""
    index_dir: Path = REPO_ROOT / "var" / "index"
    knowledge_enabled: bool = True
    # The article files, the English snapshots and the rule data the review workflow reads (api/reviews).
    knowledge_content_dir: Path = REPO_ROOT / "knowledge_base" / "content"
    knowledge_sources_dir: Path = REPO_ROOT / "knowledge_base" / "sources"
    knowledge_data_dir: Path = REPO_ROOT / "knowledge_base" / "data"
    domain_file: Path = REPO_ROOT / "bot" / "domain"  # Rasa's domain: a folder of files, one per flow
    locales_dir: Path = REPO_ROOT / "locales"
    # GET /api/v1/knowledge/search per client (api/core/client_limits.py): a burst, then a rate; 0: no limit.
    knowledge_search_per_minute: int = Field(default=60, ge=0)
    knowledge_search_burst: int = Field(default=20, ge=1)
    max_message_chars: int = 2000
    default_language: str = "en"
    public_base_url: str = "http://127.0.0.1:8000"
    # Start the LINE/Telegram inbox and outbox workers with the app (tests drive them by hand).
    channel_workers: bool = True
    # With channel_workers: also run the outbox sender. Off for extra inbox-only worker processes
    # (`python -m api workers --inbox-only`): one process per deployment sends.
    channel_outbox: bool = True
    # "json": one JSON object per log line with conversation/event/job ids (api/core/logs.py).
    log_format: str = "text"
    log_level: str = "INFO"
    # Components /healthz checks; tests and single-process deployments can narrow it.
    health_components: tuple[str, ...] = ("database", "rasa", "action_server", "index")
    # Retention (APPI; the promises of the privacy article `service.privacy`). Days; 0 keeps forever.
    # Chats: 12 months after the last message. Uploaded documents: 1 year after the case closes.
    # Cases (and their issued statements): 5 years after closing. Raw channel events and outbox rows
    # are only a delivery buffer, answers and feedback belong to the chat, the audit log is kept two
    # years; Rasa's tracker events follow the chats.
    retention_conversation_days: int = Field(default=365, ge=0)
    retention_answer_days: int = Field(default=365, ge=0)
    retention_channel_event_days: int = Field(default=30, ge=0)
    retention_outbox_days: int = Field(default=30, ge=0)
    retention_document_days_after_close: int = Field(default=365, ge=0)
    retention_case_days_after_close: int = Field(default=5 * 365, ge=0)
    retention_audit_days: int = Field(default=2 * 365, ge=0)
    retention_tracker_days: int = Field(default=365, ge=0)
    # How often the api runs the purge itself (seconds); 0 turns the scheduled purge off (tests).
    purge_interval_seconds: int = Field(default=24 * 3600, ge=0)
    # Rasa's SQL tracker store as a SQLAlchemy URL (e.g. sqlite:///var/rasa-tracker.db); empty when
    # the tracker store is not SQL or not reachable from the api: purge and erasure then skip it.
    rasa_tracker_url: str = ""

    # Behind a reverse proxy: the addresses (comma separated, CIDR allowed, "*" for any) whose
    # X-Forwarded-For and X-Forwarded-Proto are believed, for the client address (rate limits, lockouts,
    # audit) and the scheme. The same variable uvicorn's --forwarded-allow-ips reads; its default too.
    forwarded_allow_ips: str = "127.0.0.1"
    # Production: cookies always `Secure` (even when the proxy does not say https), and HSTS for this
    # many seconds on every response (0: no header).
    secure_cookies: bool = False
    hsts_seconds: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _tokens_differ(self) -> Settings:
        tokens = [t for t in (self.actions_token, self.nlg_token, self.rasa_admin_token) if t]
        if len(set(tokens)) != len(tokens):
            # The same value in two places would let one caller into the other's routes again.
            raise ValueError("ACTIONS_TOKEN, NLG_TOKEN and RASA_ADMIN_TOKEN must all differ")
        return self

    @property
    def rasa_replicas(self) -> list[str]:
        urls = [url.strip() for url in self.rasa_urls.split(",") if url.strip()]
        return urls or [self.rasa_url]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
