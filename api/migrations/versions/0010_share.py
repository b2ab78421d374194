"""Share links: the applicant's label for each link, and the coarse client of each view.

Revision ID: 0010_share
Revises: 0007 (0007_records.py)
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_share"
down_revision = "0009_bring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("records_shares", sa.Column("label", sa.String(80), nullable=True))
    op.add_column("records_share_views", sa.Column("client", sa.String(40), nullable=True))


def downgrade() -> None:
    op.drop_column("records_share_views", "client")
    op.drop_column("records_shares", "label")
