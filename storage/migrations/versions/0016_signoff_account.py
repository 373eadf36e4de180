"""sign-off requests: the account a draft is for, and the crisis account whose one approver must decide it (4.3)"""
from storage.migrations.parts import add_columns, drop_columns

revision = "0016_signoff_account"
down_revision = "0002_signoff"


def upgrade() -> None:
    add_columns("signoff_requests", """
        account_name    str(200)?
        crisis_account  str(200)?
        """)


def downgrade() -> None:
    drop_columns("signoff_requests", "crisis_account", "account_name")
