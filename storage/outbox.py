"""The outbox: messages to send, written with the change that causes them, sent under a lease after commit.

pending --claim--> sending --sent--> sent
                      |--failed, attempts left--> pending (not_before later)
                      |--failed, none left--> failed
A `sending` row whose lease has run out (its sender died) is claimed again by any process. The key is unique:
queueing the same message twice (a re-run after a crash) adds nothing. A message's text is erased once it has
gone or been given up (only where it landed and when are kept): the outbox is a queue, not an archive.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from .db import Database
from .models.core import OutboxMessage

# Longer than one send may take (chat/outbox.py stops a send at SEND_BUDGET: a rate limit's Retry-After or
# two included), short enough that a message whose sender died goes out within minutes.
LEASE = timedelta(minutes=3)


def column_text(value: str, size: int = 300) -> str:
    """Text as PostgreSQL will store it in a column: no NUL characters (anyone can type one), cut to size.
    Keys go through this on every write and every look-up, so both databases see the same key."""
    return value.replace("\x00", "")[:size]


def _due(now: datetime):
    return or_((OutboxMessage.state == "pending") & (OutboxMessage.not_before <= now),
               (OutboxMessage.state == "sending") & (OutboxMessage.lease_until <= now))


async def add(session: AsyncSession, *, key: str, kind: str, platform: str | None, target: str, body: dict,
              now: datetime, notify: str | None = None, receipt: str | None = None,
              receipt_args: dict | None = None, claim: bool = False) -> OutboxMessage | None:
    """Queue a message in the caller's transaction; a key already queued is left as it is.

    `claim`: queue it already claimed by this process (`sending`, leased, one attempt), as `claim` would leave
    it, and return it to send after commit without a look-up or a second transaction: the row is committed
    only together with its claim, so a sender that dies before sending it leaves a lease that runs out and
    any instance sends it then, as for any claimed message. None when the key was queued before (that row
    is sent the usual way) or when not claiming."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = dict(key=column_text(key), kind=kind, platform=platform, target=column_text(target, 320), body=body,
                  state="pending", attempts=0, not_before=now, created_at=now,
                  notify=notify and column_text(notify, 320), receipt=receipt, receipt_args=receipt_args)
    claimed = {"state": "sending", "attempts": 1, "lease_until": now + LEASE} if claim else {}
    stmt = insert(OutboxMessage).values({**values, **claimed}).on_conflict_do_nothing(
        index_elements=[OutboxMessage.key])
    if not claim:
        await session.execute(stmt)
        return None
    row_id = (await session.execute(stmt.returning(OutboxMessage.id))).scalar()
    if row_id is None:
        return None
    # As a sender holds a row it has just claimed: the attempts before this one, the state it was claimed from.
    return OutboxMessage(id=row_id, **values)


async def due(db: Database, now: datetime, keys: list[str] | None = None, limit: int = 100) -> list[OutboxMessage]:
    """What may be sent now (all of it, or only these keys), oldest first."""
    query = select(OutboxMessage).where(_due(now))
    if keys is not None:
        query = query.where(OutboxMessage.key.in_([column_text(k) for k in keys]))
    async with db.sessions() as session:
        return list(await session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


async def claim(db: Database, row_id: int, now: datetime) -> str | None:
    """Lease one message to this process. Returns the state it was in (`pending`, or `sending` when its last
    sender died and it may have gone already), or None when another process holds it or it is done."""
    async with db.transaction() as session:
        before = await session.scalar(select(OutboxMessage.state).where(OutboxMessage.id == row_id, _due(now)))
        if before is None:
            return None
        result = await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id, _due(now))
            .values(state="sending", lease_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False))
    return before if result.rowcount == 1 else None


async def mark_sent(session: AsyncSession, row_id: int, now: datetime, ref: dict | None) -> bool:
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.state == "sending")
        .values(state="sent", sent_at=now, sent_ref=ref, lease_until=None, error=None, body={})
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


async def retry_later(db: Database, row_id: int, not_before: datetime, error: str) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.state == "sending")
            .values(state="pending", not_before=not_before, lease_until=None, error=error[:300])
            .execution_options(synchronize_session=False))


async def mark_failed(session: AsyncSession, row_id: int, error: str) -> bool:
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.state == "sending")
        .values(state="failed", lease_until=None, error=error[:300], body={})
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


async def sent_ref(db: Database, key: str) -> tuple[str, dict | None] | None:
    """(state, where it landed) of a queued message, or None when no such key was queued."""
    async with db.sessions() as session:
        row = (await session.execute(select(OutboxMessage.state, OutboxMessage.sent_ref)
                                     .where(OutboxMessage.key == column_text(key)))).first()
    return (row[0], row[1]) if row else None


async def state_of(db: Database, key: str) -> tuple[str | None, str | None]:
    """(state, last error) of a queued message; (None, None) when no such key was queued."""
    async with db.sessions() as session:
        row = (await session.execute(select(OutboxMessage.state, OutboxMessage.error)
                                     .where(OutboxMessage.key == column_text(key)))).first()
    return (row[0], row[1]) if row else (None, None)


async def counts(db: Database) -> dict[str, int]:
    """Messages by state, for /metrics and operators."""
    from sqlalchemy import func

    async with db.sessions() as session:
        rows = await session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
    return {state: n for state, n in rows}


async def queued_update(db: Database, keys: list[str], target: str) -> dict | None:
    """The newest update among `keys` to the message at `target` (channel/message id), while its body is still
    held: what a card clicked just now is about to become."""
    if not keys:
        return None
    async with db.sessions() as session:
        body = await session.scalar(
            select(OutboxMessage.body).where(OutboxMessage.key.in_([column_text(k) for k in keys]),
                                             OutboxMessage.kind == "update",
                                             OutboxMessage.target == column_text(target, 320))
            .order_by(OutboxMessage.id.desc()).limit(1))
    return body if isinstance(body, dict) and body.get("message") else None
