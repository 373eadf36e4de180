"""each sweep's last success and last failure, shared by every instance (readiness, /metrics)"""
from storage.migrations.parts import create_table, drop_table

revision = "0008_sweep_runs"
down_revision = "0007_claim_leases"


def upgrade() -> None:
    create_table("sweep_runs", """
        name          str(60)
        last_success  utc?
        last_failure  utc?
        last_error    str(300)?
        last_outcome  str(10)?
        runs          int  default 0
        failures      int  default 0
        """,
        key="name",
    )


def downgrade() -> None:
    drop_table("sweep_runs")
