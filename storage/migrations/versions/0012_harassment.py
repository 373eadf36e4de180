"""online harassment reports and the blocked-accounts list (3.9)"""
from storage.migrations.parts import create_table, drop_table

revision = "0012_harassment"
down_revision = "0001_core"
branch_labels = ("harassment",)


def upgrade() -> None:
    create_table("blocked_accounts", """
        platform           str(20)
        handle             str(100)
        reports            int
        first_reported_at  utc
        last_reported_at   utc
        """,
        unique=(("platform", "handle"),),
    )
    create_table("harassment_reports", """
        reference   str(20)?
        account_id  int
        created_at  utc
        """,
        foreign=(("account_id", "blocked_accounts.id", None),),
        unique=(("reference",),),
    )


def downgrade() -> None:
    drop_table("harassment_reports")
    drop_table("blocked_accounts")
