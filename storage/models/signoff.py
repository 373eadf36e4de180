"""Sign-off requests made from a checker verdict ("Ask for sign-off", 4.2)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class SignOffRequest(Base):
    __tablename__ = "signoff_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester: Mapped[str] = mapped_column(String(320))
    approver: Mapped[str] = mapped_column(String(320))
    # The draft is kept only while the approver needs to read it; it is removed once decided.
    draft: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(10))
    categories: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    cards: Mapped[list] = mapped_column(JSON, default=list)     # where the approver's card was posted
    account_name: Mapped[str | None] = mapped_column(String(200))   # the account it is for, when known
    # Set when it went to a crisis's one approver (4.3): then only they (or a deputy the organisation file
    # names) may decide it.
    crisis_account: Mapped[str | None] = mapped_column(String(200))
    crisis_id: Mapped[int | None] = mapped_column(Integer, index=True)    # that crisis (not a name match)
    account_key: Mapped[str | None] = mapped_column(String(100))          # the organisation file's key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
