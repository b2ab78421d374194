"""Chat grants (issue 13, chat half): a conversation that checked a case's status with its access code
may, for a short time, share that case's credentials and add a pasted credential to it.

Revision ID: 0017_chat_grants
Revises: 0016_advice
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_chat_grants"
down_revision = "0016_advice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "records_chat_grants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(32), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("fce_cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("conversation_id", "case_id", name="uq_records_chat_grants_conversation_case"),
    )
    op.create_index("ix_records_chat_grants_conversation_id", "records_chat_grants", ["conversation_id"])
    op.create_index("ix_records_chat_grants_expires_at", "records_chat_grants", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_records_chat_grants_expires_at", "records_chat_grants")
    op.drop_index("ix_records_chat_grants_conversation_id", "records_chat_grants")
    op.drop_table("records_chat_grants")
