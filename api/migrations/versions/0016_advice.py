"""Advice cases (issue #17 item 2): access codes, time zone, outcome on the request; advisors' slots
(booked by a conditional update, one request per slot) and their notes and follow-ups.

Revision ID: 0016_advice
Revises: 0012_privacy
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_advice"
down_revision = "0015_atrest"
branch_labels = None
depends_on = None

NEW_COLUMNS = (
    sa.Column("access_code_hash", sa.String(200), nullable=True),
    sa.Column("sealed_code", sa.LargeBinary, nullable=True),
    sa.Column("conversation_id", sa.String(32), nullable=True),
    sa.Column("time_zone", sa.String(64), nullable=True),
    sa.Column("outcome", sa.String(32), nullable=True),
    sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
)


def upgrade() -> None:
    with op.batch_alter_table("advice_requests") as batch:
        for column in NEW_COLUMNS:
            batch.add_column(column)
    op.create_table(
        "advice_slots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("advisor_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("advice_requests.id", ondelete="SET NULL"),
            nullable=True,
            unique=True,
        ),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("advisor_id", "starts_at", name="uq_advice_slots_advisor_start"),
    )
    op.create_index("ix_advice_slots_starts_at", "advice_slots", ["starts_at"])
    op.create_table(
        "advice_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("advice_requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("follow_up_on", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_advice_notes_request_id", "advice_notes", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_advice_notes_request_id", table_name="advice_notes")
    op.drop_table("advice_notes")
    op.drop_index("ix_advice_slots_starts_at", table_name="advice_slots")
    op.drop_table("advice_slots")
    with op.batch_alter_table("advice_requests") as batch:
        for column in reversed(NEW_COLUMNS):
            batch.drop_column(column.name)
