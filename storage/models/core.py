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
