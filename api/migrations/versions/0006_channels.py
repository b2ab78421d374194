"""Channels: inbound events (LINE, Telegram), the outbox, long button payloads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "channel_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("lane", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _when("claimed_until"),
        sa.Column("payload", sa.JSON, nullable=False),
        _when("received_at", nullable=False),
        _when("processed_at"),
        sa.Column("error", sa.String(200), nullable=True),
        sa.UniqueConstraint("channel", "external_id", name="uq_channel_events_external"),
    )
    op.create_index("ix_channel_events_status_id", "channel_events", ["status", "id"])
    op.create_table(
        "channel_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column(
            "conversation_id", sa.String(32), sa.ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("destination", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("reply_token", sa.String(256), nullable=True),
        _when("reply_token_expires_at"),
        sa.Column("retry_key", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _when("next_attempt_at", nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        _when("created_at", nullable=False),
        _when("sent_at"),
        _when("acknowledged_at"),
    )
    op.create_index("ix_channel_outbox_status_next", "channel_outbox", ["status", "next_attempt_at"])
    op.create_index("ix_channel_outbox_destination_id", "channel_outbox", ["destination", "id"])
    op.create_table(
        "channel_button_payloads",
        sa.Column("key", sa.String(24), primary_key=True),
        sa.Column("payload", sa.String(512), nullable=False),
        _when("created_at", nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channel_button_payloads")
    op.drop_index("ix_channel_outbox_destination_id", "channel_outbox")
    op.drop_index("ix_channel_outbox_status_next", "channel_outbox")
    op.drop_table("channel_outbox")
    op.drop_index("ix_channel_events_status_id", "channel_events")
    op.drop_table("channel_events")
