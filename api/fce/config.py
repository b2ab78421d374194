"""Limits and storage for credential evaluation, read from FCE_* environment variables.

Kept apart from api.core.config so this feature's knobs live with it; every value has a safe default
because none of them is a secret.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.core.config import REPO_ROOT
from api.fce import fonts
from api.fce.vault import DocumentKeys


class FceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FCE_", env_file=".env", extra="ignore")

    # Outside api/static and api/templates, so no route can ever serve an upload by accident.
    documents_dir: Path = REPO_ROOT / "var" / "fce-documents"
    # The key-encryption key of the documents (api/fce/vault.py), a secret without default: base64 of
    # 32 random bytes. Earlier keys stay readable from DOCUMENTS_KEYS_RETIRED until `python -m api keys
    # rotate-documents` has re-wrapped every file.
    documents_key: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("DOCUMENTS_KEY", "documents_key")
    )
    documents_keys_retired: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("DOCUMENTS_KEYS_RETIRED", "documents_keys_retired")
    )
    comparability_dir: Path = REPO_ROOT / "knowledge_base" / "data" / "comparability"
    max_document_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    max_documents_per_case: int = Field(default=20, ge=1)
    # Wrong access codes per reference before it is locked, and for how long (both in one hour).
    lockout_failures: int = Field(default=10, ge=1)
    lockout_window_seconds: int = Field(default=3600, ge=1)
    lockout_seconds: int = Field(default=3600, ge=1)
    # Per-IP budgets: (requests, window). Status checks are cheap to ask and costly to answer (argon2).
    ip_status_limit: int = Field(default=60, ge=1)
    ip_status_window_seconds: int = Field(default=600, ge=1)
    ip_create_limit: int = Field(default=20, ge=1)
    ip_create_window_seconds: int = Field(default=3600, ge=1)
    ip_upload_limit: int = Field(default=60, ge=1)
    ip_upload_window_seconds: int = Field(default=3600, ge=1)
    # How long a retried submission gets the original access code back.
    idempotency_replay_seconds: int = Field(default=24 * 3600, ge=1)
    # Where the statement's Noto fonts are looked up (Debian: fonts-noto-core, fonts-noto-cjk).
    font_dirs: tuple[Path, ...] = fonts.DEFAULT_DIRS
    # The statement's letterhead (FCE_ISSUER_NAME, _ADDRESS, _CONTACT); the contact defaults to the
    # public status page, where the applicant and anyone they show it to can check the case.
    issuer_name: str = "Kakehashi 架け橋"
    issuer_address: str = "Tokyo, Japan"
    issuer_contact: str = ""

    @property
    def document_keys(self) -> DocumentKeys:
        """Raises vault.DocumentKeyError when DOCUMENTS_KEY is missing or malformed (the api then refuses to start)."""
        return DocumentKeys.parse(self.documents_key.get_secret_value(), self.documents_keys_retired.get_secret_value())


class MailSettings(BaseSettings):
    """SMTP for e-mails to applicants (SMTP_URL, SMTP_FROM). Without SMTP_URL no e-mail is sent;
    chat notices are sent either way.

    SMTP_URL is smtp://host:port (STARTTLS when the server offers it) or smtps://host:port (TLS from
    the start), with user:password@ before the host when the server wants a login.
    """

    model_config = SettingsConfigDict(env_prefix="SMTP_", env_file=".env", extra="ignore", populate_by_name=True)

    url: str = ""
    from_: str = Field(default="", validation_alias="SMTP_FROM")
    timeout_seconds: float = Field(default=10.0, gt=0)

    @property
    def enabled(self) -> bool:
        return bool(self.url and self.from_)
