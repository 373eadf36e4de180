"""the accounts register as the list of who has access (5.5): the single access platform, accounts registered
after the fact, when the password was last changed and two-factor last confirmed (5.6), who added an administrator

Revision ID: 0011_register_access
Revises: 0003_accounts
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0011_register_access"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = storage.models.base.UTCDateTime(timezone=True)
    with op.batch_alter_table("social_accounts") as batch:
        batch.add_column(sa.Column("on_access_platform", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("registered_by", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("password_changed_at", utc, nullable=True))
        batch.add_column(sa.Column("twofa_confirmed_at", utc, nullable=True))
    with op.batch_alter_table("social_account_admins") as batch:
        batch.add_column(sa.Column("added_by", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("social_account_admins") as batch:
        batch.drop_column("added_by")
    with op.batch_alter_table("social_accounts") as batch:
        for name in ("twofa_confirmed_at", "password_changed_at", "registered_by", "on_access_platform"):
            batch.drop_column(name)
