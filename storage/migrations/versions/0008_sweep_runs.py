"""each sweep's last success and last failure, shared by every instance (readiness, /metrics)

Revision ID: 0008_sweep_runs
Revises: 0007_claim_leases
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0008_sweep_runs"
down_revision = "0007_claim_leases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = storage.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "sweep_runs",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("last_success", utc, nullable=True),
        sa.Column("last_failure", utc, nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("last_outcome", sa.String(length=10), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sweep_runs")),
    )


def downgrade() -> None:
    op.drop_table("sweep_runs")
