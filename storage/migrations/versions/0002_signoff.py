"""sign-off requests from the checker"""
from storage.migrations.parts import create_table, drop_table

revision = "0002_signoff"
down_revision = "0001_core"
branch_labels = ("signoff",)


def upgrade() -> None:
    create_table("signoff_requests", """
        requester   email
        approver    email
        draft       text?
        verdict     str(10)
        categories  json
        state       str(12)
        decided_by  email?
        decided_at  utc?
        reason      text?
        cards       json
        created_at  utc
        """,
    )


def downgrade() -> None:
    drop_table("signoff_requests")
