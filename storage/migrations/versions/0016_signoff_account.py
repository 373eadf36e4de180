"""sign-off requests: the account a draft is for, and the crisis account whose one approver must decide it (4.3)

Revision ID: 0016_signoff_account
Revises: 0002_signoff
"""
from alembic import op
import sqlalchemy as sa

revision = "0016_signoff_account"
down_revision = "0002_signoff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signoff_requests") as batch:
        batch.add_column(sa.Column("account_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("crisis_account", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signoff_requests") as batch:
        batch.drop_column("crisis_account")
        batch.drop_column("account_name")
