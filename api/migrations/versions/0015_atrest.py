"""Access codes in flight (issue #15, item 5): `turn_secrets` holds, encrypted and for one turn at most,
the code a person typed (for the status check) or the code a chat application was issued (for its one
delivery), so neither is stored in the conversation nor in Rasa's tracker.

Revision ID: 0015_atrest
Revises: 0012_privacy
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_atrest"
down_revision = "0013_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "turn_secrets",
        sa.Column("conversation_id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_turn_secrets_expires_at", "turn_secrets", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_turn_secrets_expires_at", table_name="turn_secrets")
    op.drop_table("turn_secrets")
