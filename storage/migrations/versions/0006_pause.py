"""mourning pauses

Revision ID: 0006_pause
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0006_pause"
down_revision = "0001_core"
branch_labels = ("pause",)
depends_on = None


def upgrade() -> None:
    utc = storage.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "mourning_pauses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("started_at", utc, nullable=False),
        sa.Column("started_by", sa.String(length=320), nullable=False),
        sa.Column("ends_at", utc, nullable=False),
        sa.Column("ended_at", utc, nullable=True),
        sa.Column("ended_by", sa.String(length=320), nullable=True),
        sa.Column("active", sa.Integer(), nullable=True),
        sa.Column("told_ended_at", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mourning_pauses")),
        sa.UniqueConstraint("active", name=op.f("uq_mourning_pauses_active")),
    )


def downgrade() -> None:
    op.drop_table("mourning_pauses")
