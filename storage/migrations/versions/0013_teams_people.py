"""identities: the Azure AD object id Teams gives each person (its people picker answers with it)

Revision ID: 0013_teams_people
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_teams_people"
down_revision = "0001_core"
branch_labels = ("teams_people",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identities") as batch:
        batch.add_column(sa.Column("aad_object_id", sa.String(length=100), nullable=True))
        batch.create_index("ix_identities_aad_object_id", ["aad_object_id"])


def downgrade() -> None:
    with op.batch_alter_table("identities") as batch:
        batch.drop_index("ix_identities_aad_object_id")
        batch.drop_column("aad_object_id")
