"""sign-off requests: the crisis a request went to the approver of, and the account's key in the organisation
file, so the approver routing follows that crisis by its id and never by an account's name (4.3)

Revision ID: 0018_signoff_crisis
Revises: 0016_signoff_account
"""
from alembic import op
import sqlalchemy as sa

revision = "0018_signoff_crisis"
down_revision = "0016_signoff_account"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signoff_requests") as batch:
        batch.add_column(sa.Column("crisis_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("account_key", sa.String(length=100), nullable=True))
        batch.create_index("ix_signoff_requests_crisis_id", ["crisis_id"])


def downgrade() -> None:
    with op.batch_alter_table("signoff_requests") as batch:
        batch.drop_index("ix_signoff_requests_crisis_id")
        batch.drop_column("account_key")
        batch.drop_column("crisis_id")
