"""durable work after the acknowledgement: the inbox of acknowledged interactions and the outbox of messages"""
from storage.migrations.parts import create_table, drop_table

revision = "0009_durable_work"
down_revision = "0008_sweep_runs"


def upgrade() -> None:
    create_table("inbox", """
        key          str(300)
        platform     str(10)
        kind         str(10)
        name         str(200)
        body         json
        state        str(10)
        attempts     int
        lease_until  utc
        received_at  utc
        done_at      utc?
        error        str(300)?
        """,
        big_id=True,
        unique=(("key",),),
        indexes={"ix_inbox_state_lease": ["state", "lease_until"]},
    )
    create_table("outbox", """
        key           str(300)
        kind          str(10)
        platform      str(10)?
        target        email
        body          json
        state         str(10)
        attempts      int
        not_before    utc
        lease_until   utc?
        created_at    utc
        sent_at       utc?
        sent_ref      json?
        error         str(300)?
        notify        email?
        receipt       str(80)?
        receipt_args  json?
        """,
        big_id=True,
        unique=(("key",),),
        indexes={"ix_outbox_state_due": ["state", "not_before"]},
    )


def downgrade() -> None:
    drop_table("outbox")
    drop_table("inbox")
