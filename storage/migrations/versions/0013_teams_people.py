"""identities: the Azure AD object id Teams gives each person (its people picker answers with it)"""
from storage.migrations.parts import add_columns, drop_columns

revision = "0013_teams_people"
down_revision = "0001_core"
branch_labels = ("teams_people",)


def upgrade() -> None:
    add_columns("identities", "aad_object_id  str(100)?", indexes={"ix_identities_aad_object_id": ["aad_object_id"]})


def downgrade() -> None:
    drop_columns("identities", "aad_object_id", indexes=("ix_identities_aad_object_id",))
