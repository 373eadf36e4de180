"""online harassment reports and the blocked-accounts list (3.9)

Revision ID: 0012_harassment
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0012_harassment"
down_revision = "0001_core"
branch_labels = ("harassment",)
depends_on = None


def upgrade() -> None:
    utc = storage.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "blocked_accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("handle", sa.String(length=100), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("first_reported_at", utc, nullable=False),
        sa.Column("last_reported_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_accounts")),
        sa.UniqueConstraint("platform", "handle", name="uq_blocked_accounts_platform_handle"),
    )
    op.create_table(
        "harassment_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["blocked_accounts.id"],
                                name=op.f("fk_harassment_reports_account_id_blocked_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harassment_reports")),
        sa.UniqueConstraint("reference", name=op.f("uq_harassment_reports_reference")),
    )


def downgrade() -> None:
    op.drop_table("harassment_reports")
    op.drop_table("blocked_accounts")
