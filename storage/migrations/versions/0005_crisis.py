"""crisis tables"""
from storage.migrations.parts import create_table, drop_table

revision = "0005_crisis"
down_revision = "0001_core"
branch_labels = ("crisis",)


def upgrade() -> None:
    create_table("crises", """
        status             str(20)
        platform           str(10)
        room_id            str(300)?
        room_name          str(100)
        card_id            str(200)?
        checklist_id       str(200)?
        accounts           json
        summary            text
        indicators         json?
        link               str(1000)?
        started_by         email
        starter_user       str(200)?
        started_at         utc
        approver           email?
        administrators     json
        checkin_minutes    int
        next_checkin_at    utc?
        evening_prompt_at  utc?
        extended_until     utc?
        ended_at           utc?
        ended_by           email?
        review_due_on      str(10)?
        review             json?
        review_by          email?
        review_at          utc?
        """,
        indexes={"ix_crises_room": ["platform", "room_id"], "ix_crises_status": ["status"]},
    )
    create_table("crisis_members", """
        crisis_id   int
        person      email
        user_id     str(200)?
        name        str(200)
        role        str(40)
        status      str(20)
        reason      text?
        updated_at  utc
        """,
        foreign=(("crisis_id", "crises.id", None),),
        unique=(("crisis_id", "person"),),
    )
    create_table("crisis_ticks", """
        crisis_id       int
        item            str(40)
        ticked_by       email
        ticked_by_name  str(200)
        ticked_at       utc
        """,
        foreign=(("crisis_id", "crises.id", None),),
        unique=(("crisis_id", "item"),),
    )


def downgrade() -> None:
    drop_table("crisis_ticks")
    drop_table("crisis_members")
    drop_table("crises")
