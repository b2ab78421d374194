"""Credential evaluation cases, credentials, documents, timeline, idempotency, lockouts, rate limits.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _case_fk() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("case_id", sa.Integer, sa.ForeignKey("fce_cases.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "fce_cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("access_code_hash", sa.String(200), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("applicant_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("conversation_id", sa.String(32), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("residence_country", sa.String(2), nullable=False),
        sa.Column("nationality", sa.String(2), nullable=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("documents_available", sa.String(8), nullable=False),
        sa.Column("interview_path", sa.Boolean, nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clock_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.String(16), nullable=True),
    )
    op.create_index("ix_fce_cases_status_created", "fce_cases", ["status", "created_at"])
    op.create_table(
        "fce_credentials",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _case_fk(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("credential_id", sa.String(64), nullable=True),
        sa.Column("credential_name", sa.String(300), nullable=True),
        sa.Column("institution", sa.String(300), nullable=False),
        sa.Column("field_of_study", sa.String(200), nullable=False),
        sa.Column("start_year", sa.Integer, nullable=False),
        sa.Column("end_year", sa.Integer, nullable=True),
        sa.Column("language_of_instruction", sa.String(64), nullable=False),
    )
    op.create_index("ix_fce_credentials_case", "fce_credentials", ["case_id"])
    op.create_index("ix_fce_credentials_country_case", "fce_credentials", ["country", "case_id"])
    op.create_table(
        "fce_case_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _case_fk(),
        sa.Column("from_status", sa.String(24), nullable=True),
        sa.Column("to_status", sa.String(24), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fce_case_events_case", "fce_case_events", ["case_id", "id"])
    op.create_table(
        "fce_documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _case_fk(),
        sa.Column("storage_name", sa.String(64), nullable=False, unique=True),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fce_documents_case", "fce_documents", ["case_id"])
    op.create_table(
        "fce_idempotency_keys",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        _case_fk(),
        sa.Column("sealed_code", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "fce_reference_counters",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "fce_access_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fce_access_failures_reference_at", "fce_access_failures", ["reference", "at"])
    op.create_table(
        "fce_locks",
        sa.Column("reference", sa.String(20), primary_key=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "fce_rate_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("bucket", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fce_rate_events_bucket_at", "fce_rate_events", ["bucket", "at"])


def downgrade() -> None:
    op.drop_index("ix_fce_rate_events_bucket_at", "fce_rate_events")
    op.drop_table("fce_rate_events")
    op.drop_table("fce_locks")
    op.drop_index("ix_fce_access_failures_reference_at", "fce_access_failures")
    op.drop_table("fce_access_failures")
    op.drop_table("fce_reference_counters")
    op.drop_table("fce_idempotency_keys")
    op.drop_index("ix_fce_documents_case", "fce_documents")
    op.drop_table("fce_documents")
    op.drop_index("ix_fce_case_events_case", "fce_case_events")
    op.drop_table("fce_case_events")
    op.drop_index("ix_fce_credentials_country_case", "fce_credentials")
    op.drop_index("ix_fce_credentials_case", "fce_credentials")
    op.drop_table("fce_credentials")
    op.drop_index("ix_fce_cases_status_created", "fce_cases")
    op.drop_table("fce_cases")
