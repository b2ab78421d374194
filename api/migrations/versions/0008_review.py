"""Specialist reviews of knowledge articles (api/reviews): who marked which article reviewed, when,
against which English text.

Revision ID: 0008_review
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_review"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("topic_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_hash", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(16), nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
    )
    op.create_index("ix_article_reviews_article", "article_reviews", ["topic_id", "language", "id"])


def downgrade() -> None:
    op.drop_index("ix_article_reviews_article", table_name="article_reviews")
    op.drop_table("article_reviews")
