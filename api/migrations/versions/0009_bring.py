"""Credentials an applicant brings: the verifier's checks, flags, a hash for duplicates, the evaluator's confirmation.

Revision ID: 0009_bring
Revises: 0008_review
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_bring"
down_revision = "0008_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key or a unique constraint to an existing table in place.
    with op.batch_alter_table("records_inbound") as batch:
        batch.add_column(sa.Column("token_sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("checks", sa.JSON, nullable=True))
        batch.add_column(sa.Column("flags", sa.JSON, nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("confirmed_by", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_records_inbound_confirmed_by_users", "users", ["confirmed_by"], ["id"], ondelete="SET NULL"
        )
        batch.create_unique_constraint("uq_records_inbound_case_token", ["case_id", "token_sha256"])
        batch.create_index("ix_records_inbound_token_sha256", ["token_sha256"])


def downgrade() -> None:
    with op.batch_alter_table("records_inbound") as batch:
        batch.drop_index("ix_records_inbound_token_sha256")
        batch.drop_constraint("uq_records_inbound_case_token", type_="unique")
        batch.drop_constraint("fk_records_inbound_confirmed_by_users", type_="foreignkey")
        for column in ("confirmed_by", "confirmed_at", "flags", "checks", "token_sha256"):
            batch.drop_column(column)
