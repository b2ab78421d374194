"""Settings for verifiable records, read from RECORDS_* environment variables.

Only RECORDS_SIGNING_KEYS is a secret (private JWKs); it has no default and is never logged. Without
it, keys live in RECORDS_KEY_DIR (default var/keys/, outside the database and the repository).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.core.config import REPO_ROOT


class RecordsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECORDS_", env_file=".env", extra="ignore")

    key_dir: Path = REPO_ROOT / "var" / "keys"
    # A JSON array of key entries ({"kid","status","jwk"}) or one private JWK; overrides key_dir.
    signing_keys: str = ""
    # Bitstring Status List length: the spec's minimum (16 KiB) gives group privacy.
    status_list_size: int = Field(default=131_072, ge=131_072)
    # A status list credential is valid this long after it is served; verifiers cache it that long at most.
    status_list_ttl_seconds: int = Field(default=3600, ge=60)
    # How long a verifier keeps a fetched status list (never longer than the list's own validUntil).
    status_cache_seconds: int = Field(default=60, ge=0)
    max_token_bytes: int = Field(default=64 * 1024, ge=1024)
    max_pdf_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    verify_limit: int = Field(default=120, ge=1)
    verify_window_seconds: int = Field(default=600, ge=1)
    share_days_default: int = Field(default=30, ge=1)
    share_days_max: int = Field(default=365, ge=1)
    pin_failures: int = Field(default=5, ge=1)
    pin_lock_seconds: int = Field(default=3600, ge=1)
    share_view_limit: int = Field(default=60, ge=1)
    share_view_window_seconds: int = Field(default=600, ge=1)
    # did:web resolution of credentials an applicant brings: private and loopback addresses are
    # refused unless this is set (tests only: their fake universities run on 127.0.0.1).
    allow_private_fetch: bool = False
    fetch_timeout_seconds: float = Field(default=5.0, gt=0)
    fetch_max_bytes: int = Field(default=256 * 1024, ge=1024)
    # The curated list of recognised issuers (issuers.py); unknown issuers are flagged, not refused.
    issuers_file: Path = REPO_ROOT / "knowledge_base" / "data" / "issuers.yml"
