"""sign-off requests: the crisis a request went to the approver of, and the account's key in the organisation
file, so the approver routing follows that crisis by its id and never by an account's name (4.3)
"""
from storage.migrations.parts import add_columns, drop_columns

revision = "0018_signoff_crisis"
down_revision = "0016_signoff_account"


def upgrade() -> None:
    add_columns("signoff_requests", """
        crisis_id    int?
        account_key  str(100)?
        """, indexes={"ix_signoff_requests_crisis_id": ["crisis_id"]})


def downgrade() -> None:
    drop_columns("signoff_requests", "account_key", "crisis_id", indexes=("ix_signoff_requests_crisis_id",))
