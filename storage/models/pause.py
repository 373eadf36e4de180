"""Mourning pauses (4.4, Operation Menai Bridge / London Bridge): posting stops for the mourning period."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class MourningPause(Base):
    """One pause, from `started_at` until `ends_at` (or until someone ends it early).

    `active` is 1 while the pause is on and NULL once it has ended. It is unique, and NULLs never clash, so
    the database itself refuses a second pause while one is on, even from a second bot instance at the
    same moment.
    """
    __tablename__ = "mourning_pauses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reason: Mapped[str] = mapped_column(String(300))
    days: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(String(320))
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)       # the set end: local midnight after the last day
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(320))    # a person, or "system" when it ran out
    active: Mapped[int | None] = mapped_column(Integer, default=1)
    # Set once everyone has been told the pause is over, so a sweep after a crash finishes the telling.
    told_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("active"),)
