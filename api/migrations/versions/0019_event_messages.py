"""A person's message remembers the inbox event it came from (issue #16: exactly once after a crash).

Revision ID: 0019_event_messages
Revises: 0018_privacy_chat
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_event_messages"
down_revision = "0018_privacy_chat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("source_event", sa.String(48), nullable=True))
    op.create_index("uq_messages_source_event", "messages", ["source_event"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_messages_source_event", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("source_event")
