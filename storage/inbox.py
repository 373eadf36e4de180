"""The inbox: acknowledged interactions, written before the platform is answered, worked under a lease.

A row is inserted (state `working`, leased to the inserting process) before the acknowledgement leaves; its
unique key is the delivery's request key, so a redelivery finds the row and is not handled twice. The worker
marks it `done` (erasing what the person sent) in the same transaction that queues its replies in the outbox.
A process that dies mid-way leaves a lease that runs out; any instance then takes it over (`take_over`) and runs
the work again, so the work is late, never lost. After MAX_ATTEMPTS runs it is given up (`failed`) and the
person is told.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .db import Database
from .models.core import InboxItem
from .outbox import column_text as _text

# Longer than any piece of work may run (chat/inbox.py stops work at WORK_BUDGET), so a live worker never loses
# its lease; short enough that the recovery sweep (every minute) picks up a dead worker's item within minutes.
LEASE = timedelta(minutes=3)
MAX_ATTEMPTS = 3


async def accept(db: Database, *, key: str, platform: str, kind: str, name: str, body: dict,
                 now: datetime) -> bool:
    """Record a delivery; False when this key was seen before (a retry or a redelivery)."""
    try:
        async with db.transaction() as session:
            session.add(InboxItem(key=_text(key, 300), platform=platform, kind=kind, name=_text(name, 200), body=body,
                                  state="working", attempts=1, lease_until=now + LEASE, received_at=now))
        return True
    except IntegrityError:
        return False


async def mark_done(session: AsyncSession, key: str, now: datetime, error: str | None = None) -> None:
    """In the caller's transaction (the one that queues the replies). What the person sent (a draft they had
    checked, say) is erased with it: only the key and the times are kept, to recognise a late redelivery."""
    await session.execute(update(InboxItem).where(InboxItem.key == _text(key, 300), InboxItem.state == "working")
                          .values(state="failed" if error else "done", done_at=now, body={},
                                  error=(error or None) and error[:300])
                          .execution_options(synchronize_session=False))


async def expired(db: Database, now: datetime, limit: int = 50) -> list[InboxItem]:
    """Work whose worker's lease ran out before it finished, oldest first."""
    async with db.sessions() as session:
        rows = await session.scalars(select(InboxItem).where(InboxItem.state == "working",
                                                             InboxItem.lease_until <= now)
                                     .order_by(InboxItem.id).limit(limit))
        return list(rows)


async def take_over(db: Database, item_id: int, now: datetime) -> bool:
    """Lease an expired item to this process; False if another process got there first."""
    async with db.transaction() as session:
        result = await session.execute(
            update(InboxItem).where(InboxItem.id == item_id, InboxItem.state == "working",
                                    InboxItem.lease_until <= now)
            .values(lease_until=now + LEASE, attempts=InboxItem.attempts + 1)
            .execution_options(synchronize_session=False))
    return result.rowcount == 1


async def get(db: Database, key: str) -> InboxItem | None:
    async with db.sessions() as session:
        return await session.scalar(select(InboxItem).where(InboxItem.key == _text(key, 300)))
