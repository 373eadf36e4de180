"""foi cases"""
from storage.migrations.parts import create_table, drop_table

revision = "0004_foi"
down_revision = "0001_core"
branch_labels = ("foi",)


def upgrade() -> None:
    create_table("foi_cases", """
        reference         str(20)
        year              int
        seq               int
        kind              str(10)
        extended          bool
        state             str(16)
        received          date
        due               date
        paused_days       int
        paused_since      date?
        owner_email       email
        created_by        email
        created_at        utc
        source_platform   str(20)
        visibility        str(10)
        link              str(1000)?
        question          text?
        requester_handle  str(200)?
        requester_email   email?
        email_state       str(10)
        email_claimed_at  utc?
        email_attempts    int
        email_error       str(200)?
        emailed_at        utc?
        creator_waiting   bool
        announced_at      utc?
        closed_at         utc?
        closed_by         email?
        outcome           str(20)?
        redacted_at       utc?
        """,
        unique=(("reference",), ("year", "seq"),),
        indexes={"ix_foi_cases_digest": ["state", "owner_email", "due", "created_at", "kind", "extended", "reference"],
                 "ix_foi_cases_email_state": ["email_state"]},
    )


def downgrade() -> None:
    drop_table("foi_cases")
