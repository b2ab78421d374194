"""Export links asked for in chat (issue #15 item 2): a token's hash, its conversation, expiry and use.

Revision ID: 0018_privacy_chat
Revises: 0017_chat_grants
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_privacy_chat"
down_revision = "0017_chat_grants"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_export_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "conversation_id", sa.String(32), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_privacy_export_links_conversation_id", "privacy_export_links", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_privacy_export_links_conversation_id", table_name="privacy_export_links")
    op.drop_table("privacy_export_links")
