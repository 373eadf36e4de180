"""the accounts register as the list of who has access (5.5): the single access platform, accounts registered
after the fact, when the password was last changed and two-factor last confirmed (5.6), who added an administrator
"""
from storage.migrations.parts import add_columns, drop_columns

revision = "0011_register_access"
down_revision = "0003_accounts"


def upgrade() -> None:
    add_columns("social_accounts", """
        on_access_platform   bool?
        registered_by        email?
        password_changed_at  utc?
        twofa_confirmed_at   utc?
        """)
    add_columns("social_account_admins", "added_by  email?")


def downgrade() -> None:
    drop_columns("social_account_admins", "added_by")
    drop_columns("social_accounts", "twofa_confirmed_at", "password_changed_at", "registered_by", "on_access_platform")
