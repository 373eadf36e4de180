"""Send claims and processed requests: how a reminder goes out once and a change is applied once per delivery.

Both rely on a unique constraint, which works the same whether one process or several share the database.
A claim is a lease: claim (insert, or take over one whose lease has run out and was never sent), send, then
mark it sent. A crash between claim and send leaves an expired lease that the next sweep takes over.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .db import Database
from .models import ProcessedRequest, SendClaim

# Longer than any one send can take with pacing and a Retry-After or two, short enough that a reminder whose
# sender died still goes out within the same morning (the retry sweeps run every few minutes).
LEASE = timedelta(minutes=5)


def _key(kind: str, item: str, day: str):
    return (SendClaim.kind == kind, SendClaim.item == item, SendClaim.day == day)


async def try_claim(db: Database, kind: str, item: str, day: str, now: datetime) -> bool:
    """True if this process now holds the lease and so is the one to send."""
    try:
        async with db.transaction() as session:
            session.add(SendClaim(kind=kind, item=item, day=day, claimed_at=now, state="claimed",
                                  lease_until=now + LEASE))
        return True
    except IntegrityError:
        pass
    async with db.transaction() as session:   # taken over only if unsent and its holder's lease has run out
        result = await session.execute(
            update(SendClaim).where(*_key(kind, item, day), SendClaim.state != "sent",
                                    SendClaim.lease_until <= now)
            .values(state="claimed", claimed_at=now, lease_until=now + LEASE)
        )
    return result.rowcount == 1


async def mark_sent(db: Database, kind: str, item: str, day: str) -> None:
    async with db.transaction() as session:
        await session.execute(update(SendClaim).where(*_key(kind, item, day)).values(state="sent"))


async def release_claim(db: Database, kind: str, item: str, day: str, now: datetime | None = None) -> None:
    """The send failed: any process may take it over at once (the retry sweep looks for these)."""
    async with db.transaction() as session:
        values: dict = {"state": "failed"}
        if now is not None:
            values["lease_until"] = now
        else:
            values["lease_until"] = SendClaim.claimed_at
        await session.execute(update(SendClaim).where(*_key(kind, item, day), SendClaim.state != "sent")
                              .values(**values))


async def unfinished_claims(db: Database, kind: str, day: str, now: datetime) -> list[str]:
    """Items of `kind` claimed for `day` but never sent, whose lease has run out: a retry sweep resends them."""
    async with db.sessions() as session:
        rows = await session.scalars(select(SendClaim.item).where(
            SendClaim.kind == kind, SendClaim.day == day, SendClaim.state != "sent", SendClaim.lease_until <= now))
    return list(rows)


async def first_delivery(db: Database, key: str, now: datetime) -> bool:
    """True the first time a platform delivery key is seen (Slack retries carry the same key)."""
    try:
        async with db.transaction() as session:
            session.add(ProcessedRequest(key=key[:300], at=now))
        return True
    except IntegrityError:
        return False


class Repeated(Exception):
    """This delivery's change was made already (an earlier run of the same work, before its process died)."""


async def once(session, key: str, now: datetime) -> None:
    """Mark a delivery's change as made, in the transaction that makes it: a second run of the same work (the
    inbox re-running it after a crash) raises Repeated here and its transaction rolls back, so the change and
    the messages queued with it happen once. (A dedupe committed before the change would lose the change.)"""
    session.add(ProcessedRequest(key=f"once:{key}"[:300], at=now))
    try:
        await session.flush()
    except IntegrityError:
        raise Repeated(key) from None


async def any_unfinished_since(db: Database, since: datetime, now: datetime) -> bool:
    """Is there a claim made since `since` that was never sent and whose lease has run out?"""
    async with db.sessions() as session:
        found = await session.scalar(select(SendClaim.id).where(
            SendClaim.state != "sent", SendClaim.claimed_at >= since, SendClaim.lease_until <= now).limit(1))
    return found is not None
