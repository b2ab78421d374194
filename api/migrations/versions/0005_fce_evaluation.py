"""Credential evaluation: evaluations, internal notes, issued statements, messages to the applicant on events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _case_fk(primary_key: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "case_id",
        sa.Integer,
        sa.ForeignKey("fce_cases.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def _user_fk(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


def upgrade() -> None:
    op.add_column("fce_case_events", sa.Column("message", sa.Text, nullable=True))
    op.create_table(
        "fce_evaluations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _case_fk(),
        sa.Column(
            "credential_id",
            sa.Integer,
            sa.ForeignKey("fce_credentials.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("japan_equivalent", sa.String(32), nullable=False),
        sa.Column("isced_level", sa.Integer, nullable=False),
        sa.Column("jqf_level", sa.Integer, nullable=False),
        sa.Column("field", sa.String(200), nullable=False),
        sa.Column("substantial_differences", sa.JSON, nullable=False),
        sa.Column("remarks", sa.Text, nullable=True),
        _user_fk("evaluator_id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fce_evaluations_case", "fce_evaluations", ["case_id"])
    op.create_table(
        "fce_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _case_fk(),
        _user_fk("author_id"),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fce_notes_case", "fce_notes", ["case_id", "id"])
    op.create_table(
        "fce_statements",
        _case_fk(primary_key=True),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("languages", sa.String(16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("fce_statements")
    op.drop_index("ix_fce_notes_case", "fce_notes")
    op.drop_table("fce_notes")
    op.drop_index("ix_fce_evaluations_case", "fce_evaluations")
    op.drop_table("fce_evaluations")
    # Batch mode: SQLite rebuilds the table, PostgreSQL drops the column in place.
    with op.batch_alter_table("fce_case_events") as batch:
        batch.drop_column("message")
