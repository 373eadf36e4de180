"""suspected information security breaches reported to Information Management (2.10)"""
from storage.migrations.parts import create_table, drop_table

revision = "0017_security_reports"
down_revision = "0001_core"
branch_labels = ("security_reports",)


def upgrade() -> None:
    create_table("security_reports", """
        reference       str(20)?
        token           str(40)
        reporter        email
        platform        str(10)
        categories      json
        email_state     str(10)
        email_attempts  int
        created_at      utc
        emailed_at      utc?
        """,
        unique=(("reference",), ("token",),),
    )


def downgrade() -> None:
    drop_table("security_reports")
