"""mourning pauses"""
from storage.migrations.parts import create_table, drop_table

revision = "0006_pause"
down_revision = "0001_core"
branch_labels = ("pause",)


def upgrade() -> None:
    create_table("mourning_pauses", """
        reason         str(300)
        days           int
        started_at     utc
        started_by     email
        ends_at        utc
        ended_at       utc?
        ended_by       email?
        active         int?
        told_ended_at  utc?
        """,
        unique=(("active",),),
    )


def downgrade() -> None:
    drop_table("mourning_pauses")
