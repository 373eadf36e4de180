"""sign-off requests from the checker

Revision ID: 0002_signoff
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0002_signoff"
down_revision = "0001_core"
branch_labels = ("signoff",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signoff_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester", sa.String(length=320), nullable=False),
        sa.Column("approver", sa.String(length=320), nullable=False),
        sa.Column("draft", sa.Text(), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.Column("decided_at", storage.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("cards", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signoff_requests")),
    )


def downgrade() -> None:
    op.drop_table("signoff_requests")
