"""foi cases

Revision ID: 0004_foi
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base


revision = "0004_foi"
down_revision = "0001_core"
branch_labels = ("foi",)
depends_on = None


def upgrade() -> None:
    utc = storage.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "foi_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("paused_since", sa.Date(), nullable=True),
        sa.Column("owner_email", sa.String(length=320), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("source_platform", sa.String(length=20), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("link", sa.String(length=1000), nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("requester_handle", sa.String(length=200), nullable=True),
        sa.Column("requester_email", sa.String(length=320), nullable=True),
        sa.Column("email_state", sa.String(length=10), nullable=False),
        sa.Column("email_claimed_at", utc, nullable=True),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("email_error", sa.String(length=200), nullable=True),
        sa.Column("emailed_at", utc, nullable=True),
        sa.Column("creator_waiting", sa.Boolean(), nullable=False),
        sa.Column("announced_at", utc, nullable=True),
        sa.Column("closed_at", utc, nullable=True),
        sa.Column("closed_by", sa.String(length=320), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("redacted_at", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foi_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_foi_cases_reference")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_foi_cases_year_seq")),
    )
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.create_index("ix_foi_cases_digest", ["state", "owner_email", "due", "created_at", "kind",
                                                      "extended", "reference"], unique=False)
        batch_op.create_index("ix_foi_cases_email_state", ["email_state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("foi_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_foi_cases_email_state")
        batch_op.drop_index("ix_foi_cases_digest")
    op.drop_table("foi_cases")
