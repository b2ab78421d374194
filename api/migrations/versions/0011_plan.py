"""Advice requests (issue #17): career and lifelong-learning advice asked for on the web.

Revision ID: 0011_plan
Revises: 0010_share
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_plan"
down_revision = "0010_share"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advice_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("idempotency_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("current_status", sa.String(32), nullable=False),
        sa.Column("qualifications", sa.JSON, nullable=False),
        sa.Column("japanese_level", sa.String(8), nullable=False),
        sa.Column("goal_status", sa.String(32), nullable=False),
        sa.Column("goal_field", sa.String(32), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("suggested_path", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_advice_requests_state_created", "advice_requests", ["state", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_advice_requests_state_created", table_name="advice_requests")
    op.drop_table("advice_requests")
