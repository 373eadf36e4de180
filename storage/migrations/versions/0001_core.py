"""core tables"""
from storage.migrations.parts import create_table, drop_table

revision = "0001_core"
down_revision = None


def upgrade() -> None:
    create_table("conversation_refs", """
        platform    str(10)
        key         str(300)
        reference   json
        updated_at  utc
        """,
        unique=(("platform", "key"),),
    )
    create_table("events", """
        at            utc
        actor         email
        subject_kind  str(40)
        subject_id    str(80)
        action        str(60)
        from_state    str(40)?
        to_state      str(40)?
        details       json
        """,
        big_id=True,
        indexes={"ix_events_at": ["at"], "ix_events_subject": ["subject_kind", "subject_id"]},
    )
    create_table("identities", """
        platform  str(10)
        user_id   str(200)
        email     email?
        name      str(200)?
        seen_at   utc
        """,
        unique=(("platform", "user_id"),),
        indexes={"ix_identities_email": ["email"]},
    )
    create_table("processed_requests", """
        key  str(300)
        at   utc
        """,
        key="key",
    )
    create_table("proclaimed_holidays", """
        day       str(10)
        name      str(200)
        added_by  email
        added_at  utc
        """,
        key="day",
    )
    create_table("send_claims", """
        kind        str(60)
        item        str(200)
        day         str(20)
        claimed_at  utc
        """,
        big_id=True,
        unique=(("kind", "item", "day"),),
    )
    create_table("settings", """
        key         str(100)
        value       json
        updated_at  utc
        """,
        key="key",
    )


def downgrade() -> None:
    drop_table("proclaimed_holidays")
    drop_table("settings")
    drop_table("send_claims")
    drop_table("processed_requests")
    drop_table("identities")
    drop_table("events")
    drop_table("conversation_refs")
