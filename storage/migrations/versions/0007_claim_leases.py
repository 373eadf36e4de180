"""send claims become leases: claimed -> sent, an expired claim is taken over

Revision ID: 0007_claim_leases
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0007_claim_leases"
down_revision = "0001_core"
branch_labels = ("reliability",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("send_claims") as batch:
        # Claims made before this revision were sent (or lost before we could know): treat them as sent.
        batch.add_column(sa.Column("state", sa.String(length=10), nullable=False, server_default="sent"))
        batch.add_column(sa.Column("lease_until", storage.models.base.UTCDateTime(timezone=True), nullable=True))
        batch.create_index("ix_send_claims_day_state", ["day", "state"])


def downgrade() -> None:
    with op.batch_alter_table("send_claims") as batch:
        batch.drop_index("ix_send_claims_day_state")
        batch.drop_column("lease_until")
        batch.drop_column("state")
