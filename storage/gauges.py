"""Counts for /metrics read from the database at scrape time (so every instance reports the same figures)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from .db import Database
from .models.accounts import ApprovalRequest
from .models.core import InboxItem, OutboxMessage
from .models.crisis import Crisis
from .models.foi import FoiCase
from .models.signoff import SignOffRequest

OPEN_FOI = ("open", "clarifying")
OPEN_APPROVALS = ("pending", "info_requested")
AGE_BUCKETS = ((1, "under_1_day"), (3, "1_to_3_days"), (7, "3_to_7_days"), (None, "over_7_days"))


def _bucket(age: timedelta) -> str:
    for days, name in AGE_BUCKETS:
        if days is None or age < timedelta(days=days):
            return name
    return AGE_BUCKETS[-1][1]


async def read(db: Database, today: date, now: datetime) -> dict:
    async with db.sessions() as s:
        foi_open = await s.scalar(select(func.count()).select_from(FoiCase).where(FoiCase.state.in_(OPEN_FOI)))
        foi_overdue = await s.scalar(select(func.count()).select_from(FoiCase).where(
            FoiCase.state == "open", FoiCase.due < today))
        crises = await s.scalar(select(func.count()).select_from(Crisis).where(Crisis.status == "active"))
        waiting = list(await s.execute(select(ApprovalRequest.kind, ApprovalRequest.step_started_at).where(
            ApprovalRequest.state.in_(OPEN_APPROVALS))))
        signoffs = list(await s.scalars(select(SignOffRequest.created_at).where(SignOffRequest.state == "pending")))
        # Unsent messages and unfinished work: growing numbers mean a platform is refusing or an instance died.
        outbox = dict((await s.execute(select(OutboxMessage.state, func.count()).where(
            OutboxMessage.state.in_(("pending", "sending", "failed"))).group_by(OutboxMessage.state))).all())
        unfinished = await s.scalar(select(func.count()).select_from(InboxItem).where(InboxItem.state == "working"))
    approvals: dict[tuple[str, str], int] = {}
    for kind, since in waiting:
        key = (kind, _bucket(now - since))
        approvals[key] = approvals.get(key, 0) + 1
    for since in signoffs:
        key = ("signoff", _bucket(now - since))
        approvals[key] = approvals.get(key, 0) + 1
    return {"foi_open": foi_open or 0, "foi_overdue": foi_overdue or 0, "crises_active": crises or 0,
            "approvals": approvals, "inbox_unfinished": unfinished or 0,
            "outbox": {state: outbox.get(state, 0) for state in ("pending", "sending", "failed")}}
