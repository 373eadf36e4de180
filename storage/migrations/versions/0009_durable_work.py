"""durable work after the acknowledgement: the inbox of acknowledged interactions and the outbox of messages

Revision ID: 0009_durable_work
Revises: 0008_sweep_runs
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0009_durable_work"
down_revision = "0008_sweep_runs"
branch_labels = None
depends_on = None


def _id():
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                     nullable=False)


def upgrade() -> None:
    utc = storage.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "inbox",
        _id(),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("platform", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", utc, nullable=False),
        sa.Column("received_at", utc, nullable=False),
        sa.Column("done_at", utc, nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("key", name=op.f("uq_inbox_key")),
    )
    op.create_index("ix_inbox_state_lease", "inbox", ["state", "lease_until"])
    op.create_table(
        "outbox",
        _id(),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("platform", sa.String(length=10), nullable=True),
        sa.Column("target", sa.String(length=320), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", utc, nullable=False),
        sa.Column("lease_until", utc, nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("sent_at", utc, nullable=True),
        sa.Column("sent_ref", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("notify", sa.String(length=320), nullable=True),
        sa.Column("receipt", sa.String(length=80), nullable=True),
        sa.Column("receipt_args", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    op.create_index("ix_outbox_state_due", "outbox", ["state", "not_before"])


def downgrade() -> None:
    op.drop_index("ix_outbox_state_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_inbox_state_lease", table_name="inbox")
    op.drop_table("inbox")
