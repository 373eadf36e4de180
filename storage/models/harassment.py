"""Online harassment reported by staff (3.9), and the accounts the Communications Team blocks across channels.

Only what the policy needs is kept: the offending account's handle and platform (to block it from all
channels) and when it was reported. Who reported it is in the event log (the actor); what happened goes to
the person's manager, HR and the Communications Team in their messages, and is not stored here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class BlockedAccount(Base):
    __tablename__ = "blocked_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))          # facebook | x | instagram | ...
    handle: Mapped[str] = mapped_column(String(100))           # as the platform shows it, without the @
    reports: Mapped[int] = mapped_column(Integer, default=1)
    first_reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_reported_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("platform", "handle", name="uq_blocked_accounts_platform_handle"),)


class HarassmentReport(Base):
    __tablename__ = "harassment_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)     # HA-2026-0001
    account_id: Mapped[int] = mapped_column(ForeignKey("blocked_accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
