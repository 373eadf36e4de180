"""The crisis workflow's tables (§4.3): one row a crisis, its group, its ticked checklist items.

The timeline itself is the shared `events` table (subject_kind "crisis"); these tables hold only what the
bot must read back quickly: who is in the room, what is ticked, when the next prompt is due.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class Crisis(Base):
    __tablename__ = "crises"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(20), default="active")       # active | ended
    platform: Mapped[str] = mapped_column(String(10))                       # where the room lives
    room_id: Mapped[str | None] = mapped_column(String(300))
    room_name: Mapped[str] = mapped_column(String(100))
    card_id: Mapped[str | None] = mapped_column(String(200))                # the pinned crisis card
    checklist_id: Mapped[str | None] = mapped_column(String(200))           # the response checklist card
    accounts: Mapped[list] = mapped_column(JSON, default=list)              # [{"key": str|None, "name": str}]
    summary: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[list | None] = mapped_column(JSON)                   # None: not asked (started directly)
    link: Mapped[str | None] = mapped_column(String(1000))
    started_by: Mapped[str] = mapped_column(String(320))                    # email (or platform:id)
    starter_user: Mapped[str | None] = mapped_column(String(200))           # platform user id, for DMs
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approver: Mapped[str | None] = mapped_column(String(320))
    administrators: Mapped[list] = mapped_column(JSON, default=list)        # emails told to STOP posting
    checkin_minutes: Mapped[int] = mapped_column(Integer, default=120)
    next_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evening_prompt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)    # the group agreed to work late
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(320))
    review_due_on: Mapped[str | None] = mapped_column(String(10))           # ISO date
    review: Mapped[dict | None] = mapped_column(JSON)
    review_by: Mapped[str | None] = mapped_column(String(320))
    review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_crises_room", "platform", "room_id"), Index("ix_crises_status", "status"))


class CrisisMember(Base):
    """Someone the group includes (or tried to): `status` in_room | failed | removed, `reason` when failed."""
    __tablename__ = "crisis_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    crisis_id: Mapped[int] = mapped_column(ForeignKey("crises.id"))
    person: Mapped[str] = mapped_column(String(320))                        # email, or platform:user id
    user_id: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("crisis_id", "person"),)


class CrisisTick(Base):
    """One ticked response-checklist item; the unique key makes a double click tick it once."""
    __tablename__ = "crisis_ticks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    crisis_id: Mapped[int] = mapped_column(ForeignKey("crises.id"))
    item: Mapped[str] = mapped_column(String(40))
    ticked_by: Mapped[str] = mapped_column(String(320))
    ticked_by_name: Mapped[str] = mapped_column(String(200))
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("crisis_id", "item"),)
