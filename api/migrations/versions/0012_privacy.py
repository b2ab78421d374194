"""Privacy: consent records (what was agreed, when, to which version of the privacy notice), and the
client of each wrong FCE access code (lockouts count per reference and client).

Revision ID: 0012_privacy
Revises: 0011_plan
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_privacy"
down_revision = "0011_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("notice_version", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_consent_records_subject", "consent_records", ["subject_kind", "subject_id"])
    with op.batch_alter_table("fce_access_failures") as batch:
        batch.add_column(sa.Column("client", sa.String(64), nullable=True))
    op.create_index("ix_fce_access_failures_reference_client_at", "fce_access_failures", ["reference", "client", "at"])


def downgrade() -> None:
    op.drop_index("ix_fce_access_failures_reference_client_at", table_name="fce_access_failures")
    with op.batch_alter_table("fce_access_failures") as batch:
        batch.drop_column("client")
    op.drop_index("ix_consent_records_subject", table_name="consent_records")
    op.drop_table("consent_records")
