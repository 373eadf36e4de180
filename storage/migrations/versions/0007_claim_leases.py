"""send claims become leases: claimed -> sent, an expired claim is taken over"""
from storage.migrations.parts import add_columns, drop_columns

revision = "0007_claim_leases"
down_revision = "0001_core"
branch_labels = ("reliability",)


def upgrade() -> None:
    # Claims made before this revision were sent (or lost before we could know): treat them as sent.
    add_columns("send_claims", """
        state        str(10)  default sent
        lease_until  utc?
        """, indexes={"ix_send_claims_day_state": ["day", "state"]})


def downgrade() -> None:
    drop_columns("send_claims", "lease_until", "state", indexes=("ix_send_claims_day_state",))
