"""Verifiable records: issued credentials and their status, share links and their views, inbound credentials.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "records_credentials",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("fce_cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("verify_id", sa.String(24), nullable=False, unique=True),
        sa.Column("jti", sa.String(64), nullable=False, unique=True),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("status_index", sa.Integer, nullable=False, unique=True),
        sa.Column("token", sa.Text, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        _when("issued_at", nullable=False),
        _when("revoked_at"),
        sa.Column("suspended", sa.Boolean, nullable=False),
        sa.Column("status_reason", sa.String(500), nullable=True),
        _when("status_changed_at"),
        sa.UniqueConstraint("case_id", "position", name="uq_records_credentials_case_position"),
    )
    op.create_table(
        "records_shares",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("share_id", sa.String(24), nullable=False, unique=True),
        sa.Column(
            "credential_id",
            sa.Integer,
            sa.ForeignKey("records_credentials.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("disclosed", sa.JSON, nullable=False),
        sa.Column("presentation", sa.Text, nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=True),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("revoked_at"),
        sa.Column("pin_failures", sa.Integer, nullable=False),
        _when("locked_until"),
    )
    op.create_table(
        "records_share_views",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("share_id", sa.Integer, sa.ForeignKey("records_shares.id", ondelete="CASCADE"), nullable=False),
        _when("at", nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
    )
    op.create_index("ix_records_share_views_share_id", "records_share_views", ["share_id"])
    op.create_table(
        "records_inbound",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("fce_cases.id", ondelete="CASCADE"), nullable=True),
        sa.Column("position", sa.Integer, nullable=True),
        sa.Column("token", sa.Text, nullable=False),
        sa.Column("result", sa.String(24), nullable=False),
        sa.Column("issuer", sa.String(500), nullable=True),
        sa.Column("recognised_issuer", sa.String(80), nullable=True),
        sa.Column("extracted", sa.JSON, nullable=False),
        _when("created_at", nullable=False),
    )


def downgrade() -> None:
    op.drop_table("records_inbound")
    op.drop_index("ix_records_share_views_share_id", table_name="records_share_views")
    op.drop_table("records_share_views")
    op.drop_table("records_shares")
    op.drop_table("records_credentials")
