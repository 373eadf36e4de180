"""Send claims and processed requests: how a reminder goes out once and a retried click is applied once.

Both rely on a unique constraint, which works the same whether one process or several share the database.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from .db import Database
from .models import ProcessedRequest, SendClaim


async def try_claim(db: Database, kind: str, item: str, day: str, now: datetime) -> bool:
    """True if this process inserted the claim and so is the one to send."""
    try:
        async with db.transaction() as session:
            session.add(SendClaim(kind=kind, item=item, day=day, claimed_at=now))
        return True
    except IntegrityError:
        return False


async def release_claim(db: Database, kind: str, item: str, day: str) -> None:
    """The send failed: let the next sweep try again."""
    async with db.transaction() as session:
        await session.execute(
            delete(SendClaim).where(SendClaim.kind == kind, SendClaim.item == item, SendClaim.day == day)
        )


async def first_delivery(db: Database, key: str, now: datetime) -> bool:
    """True the first time a platform delivery key is seen (Slack retries carry the same key)."""
    try:
        async with db.transaction() as session:
            session.add(ProcessedRequest(key=key[:300], at=now))
        return True
    except IntegrityError:
        return False
