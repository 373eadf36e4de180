"""Account requests and boosts (one approval table for both), the accounts register, onboarding, leaver tasks.

No password or login is ever stored here (5.5): the register records who administers an account, not how.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class ApprovalRequest(Base):
    """An account request (kind `account`) or a boost (kind `boost`) moving through its approval steps.

    `steps` is fixed when the request is made (the routing then); `step` is the index of the one awaited.
    State changes are conditional UPDATEs on (state, step), so a double click is applied once.
    """
    __tablename__ = "approval_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    requester: Mapped[str] = mapped_column(String(320), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)   # pending | info_requested | approved | ...
    step: Mapped[int] = mapped_column(Integer, default=0)
    steps: Mapped[list] = mapped_column(JSON)
    details: Mapped[dict] = mapped_column(JSON)                   # the form, as emails and plain values
    history: Mapped[list] = mapped_column(JSON, default=list)     # [{step, outcome, by, at, reason}]
    thread: Mapped[list] = mapped_column(JSON, default=list)      # [{step, q, by, at, a, answered_at}]
    question: Mapped[str | None] = mapped_column(Text)
    question_by: Mapped[str | None] = mapped_column(String(320))
    question_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    step_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)


class ApprovalCard(Base):
    """Where a card about a request was sent, so every copy can be updated in place when someone decides."""
    __tablename__ = "approval_cards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("approval_requests.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)          # the step it asked about: buttons only while current
    platform: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(200))
    message_id: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20))    # approvers | requester | escalation
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SocialAccount(Base):
    """One entry in the accounts register (2.5, 5.5)."""
    __tablename__ = "social_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int | None] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    service_area: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))          # service | professional | station
    owner: Mapped[str] = mapped_column(String(320), index=True)
    manager: Mapped[str | None] = mapped_column(String(320))
    monitored_hours: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(320))
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 5.5: whether it is managed through the single access platform; None when nobody has said
    on_access_platform: Mapped[bool | None] = mapped_column(Boolean)
    registered_by: Mapped[str | None] = mapped_column(String(320))    # an account that predates the bot
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # last confirmed (5.5)
    twofa_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)    # last confirmed on (5.6)
    __table_args__ = (Index("ix_social_accounts_platform_name", "platform", "name"),)


class AccountAdmin(Base):
    """A person who administers an account; `removed_at` is set when they leave (kept for the audit)."""
    __tablename__ = "social_account_admins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("social_accounts.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str | None] = mapped_column(String(320))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[str | None] = mapped_column(String(320))
    __table_args__ = (UniqueConstraint("account_id", "email"),)


class OnboardingItem(Base):
    """One line of an account's onboarding checklist (5.2–5.6, 2.8, 3.7, 3.8, 8.2 2.4)."""
    __tablename__ = "onboarding_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("social_accounts.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(320))
    __table_args__ = (UniqueConstraint("account_id", "key"),)


class AccountTask(Base):
    """A task for one administrator, e.g. change the password after a leaver (5.5), chased until confirmed."""
    __tablename__ = "account_tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("social_accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    assignee: Mapped[str] = mapped_column(String(320), index=True)
    because_of: Mapped[str] = mapped_column(String(320))      # the leaver
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(320))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(320))
    __table_args__ = (UniqueConstraint("account_id", "kind", "assignee", "because_of"),)
