"""Tables every workflow shares: the event log, identities, Teams conversation references, send claims."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

BigIntId = BigInteger().with_variant(Integer(), "sqlite")


class Event(Base):
    """Append-only: the audit trail (6.2), the crisis timeline and the source of reports."""
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(320))          # email, platform id, or "system"
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    __table_args__ = (Index("ix_events_subject", "subject_kind", "subject_id"),)


class Identity(Base):
    """A platform user id linked to an email, filled from the platform, so configuration by email works."""
    __tablename__ = "identities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Teams only: the person's Azure AD object id, which the people picker answers with (migration 0013).
    aad_object_id: Mapped[str | None] = mapped_column(String(100), index=True)
    __table_args__ = (UniqueConstraint("platform", "user_id"),)


class ConversationRef(Base):
    """What the Teams SDK needs to message someone (or a channel) proactively, stored on first contact."""
    __tablename__ = "conversation_refs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(300))           # a user id (personal chat) or conversation id
    reference: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("platform", "key"),)


class SendClaim(Base):
    """A lease on one reminder: inserted (or taken over once expired) before sending, marked sent after.

    Only the process holding the lease sends. A process that dies between claiming and sending leaves a claim
    whose lease runs out, and the next sweep that day takes it over, so the reminder is late, never lost."""
    __tablename__ = "send_claims"
    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(60))
    item: Mapped[str] = mapped_column(String(200))
    day: Mapped[str] = mapped_column(String(20))              # local date (or slot) the send belongs to
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="claimed", server_default="sent")  # claimed|sent|failed
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    __table_args__ = (UniqueConstraint("kind", "item", "day"), Index("ix_send_claims_day_state", "day", "state"))


class ProcessedRequest(Base):
    """Platform deliveries already handled, so a retried request or a double click is applied once."""
    __tablename__ = "processed_requests"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Setting(Base):
    """Small operator-set values that must survive restarts (proclaimed holidays live in their own table)."""
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProclaimedHoliday(Base):
    """A one-off bank holiday proclaimed after the `holidays` package was released (added by an administrator)."""
    __tablename__ = "proclaimed_holidays"
    day: Mapped[str] = mapped_column(String(10), primary_key=True)   # ISO date
    name: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(320))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SweepRun(Base):
    """When each scheduled sweep last succeeded and last failed (any instance): readiness and metrics read it."""
    __tablename__ = "sweep_runs"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_success: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failure: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    last_outcome: Mapped[str | None] = mapped_column(String(10), nullable=True)   # "ok" or "failed"
    runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class InboxItem(Base):
    """An acknowledged interaction whose work is still to do or done: written before the platform is answered.

    `key` is the delivery's request key (a Slack trigger id or a digest of the signed body, a Teams activity
    id), so a redelivery finds its row and is not handled again. The row is a lease like a send claim: the
    process working on it holds `lease_until`; one that dies leaves a lease that runs out, and the recovery
    sweep on any instance takes it over and runs the work again."""
    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    platform: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))            # command | shortcut | action | form
    name: Mapped[str] = mapped_column(String(200))           # the command, shortcut, action or form id
    body: Mapped[dict] = mapped_column(JSON)                 # the neutral invocation and where replies go (ids only)
    state: Mapped[str] = mapped_column(String(10))           # working | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    __table_args__ = (Index("ix_inbox_state_lease", "state", "lease_until"),)


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the change that causes it, sent after commit.

    A sender claims it (pending -> sending, with a lease), sends, and marks it sent; a failure goes back to
    pending with a later `not_before` (honouring Retry-After) and, after the last attempt, is reported to
    `notify`. A lease that runs out while sending is taken over; the new sender first asks the platform
    whether the message did go (each one carries its `key`), so a crash after sending does not send it twice."""
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)   # the idempotency key
    kind: Mapped[str] = mapped_column(String(10))                # dm | post | update | reply | job
    platform: Mapped[str | None] = mapped_column(String(10), nullable=True)
    target: Mapped[str] = mapped_column(String(320))             # an email, a platform user or channel id
    body: Mapped[dict] = mapped_column(JSON)                     # the neutral message (or reply) serialised
    state: Mapped[str] = mapped_column(String(10))               # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_ref: Mapped[dict | None] = mapped_column(JSON, nullable=True)   # where the message landed
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    notify: Mapped[str | None] = mapped_column(String(320), nullable=True)   # who to tell if it never goes
    receipt: Mapped[str | None] = mapped_column(String(80), nullable=True)   # a workflow's hook, run when sent
    receipt_args: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    __table_args__ = (Index("ix_outbox_state_due", "state", "not_before"),)
