"""the checker's feedback queue: verdicts reported wrong, for the Communications Team to review

Revision ID: 0010_check_feedback
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0010_check_feedback"
down_revision = "0001_core"
branch_labels = ("check_feedback",)
depends_on = None


def upgrade() -> None:
    utc = storage.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "check_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=False),
        sa.Column("reporter", sa.String(length=320), nullable=False),
        sa.Column("platform", sa.String(length=10), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("profile", sa.String(length=10), nullable=False),
        sa.Column("has_image", sa.Boolean(), nullable=False),
        sa.Column("checker_verdict", sa.String(length=10), nullable=False),
        sa.Column("checker_categories", sa.JSON(), nullable=False),
        sa.Column("correction", sa.String(length=10), nullable=False),
        sa.Column("correction_category", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("final_verdict", sa.String(length=10), nullable=True),
        sa.Column("final_categories", sa.JSON(), nullable=True),
        sa.Column("corpus_text", sa.Text(), nullable=True),
        sa.Column("corpus_note", sa.Text(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=320), nullable=True),
        sa.Column("reviewed_at", utc, nullable=True),
        sa.Column("cards", sa.JSON(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_feedback")),
        sa.UniqueConstraint("ref", name=op.f("uq_check_feedback_ref")),
    )
    op.create_index("ix_check_feedback_created_at", "check_feedback", ["created_at"])
    op.create_index("ix_check_feedback_state", "check_feedback", ["state"])


def downgrade() -> None:
    op.drop_index("ix_check_feedback_state", table_name="check_feedback")
    op.drop_index("ix_check_feedback_created_at", table_name="check_feedback")
    op.drop_table("check_feedback")
