"""Knowledge answers and their feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("topic_id", sa.String(64), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("confident", sa.Boolean, nullable=False),
        sa.Column("feedback", sa.String(8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_answers_language_created", "answers", ["language", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_answers_language_created", "answers")
    op.drop_table("answers")
