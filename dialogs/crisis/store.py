"""Storage for the crisis workflow: small functions over the crisis tables, each change with its event row.

State changes that two people (or two processes) might make at once are conditional updates whose row count
says who won, so a double click or a second bot instance never applies anything twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.events import events_for, record_event
from storage.models import SendClaim
from storage.models.crisis import Crisis, CrisisMember, CrisisTick

KIND = "crisis"
# One open crisis per account: a claim row per affected account, inserted with the crisis and deleted when it
# ends, in the same transactions, so two people declaring the same crisis at once get one room between them.
OPEN_CLAIM = "crisis_open"


def open_keys(accounts: list[dict]) -> list[str]:
    return sorted({(a.get("key") or " ".join(a["name"].lower().split()))[:200] for a in accounts})


async def log(session: AsyncSession, at: datetime, actor: str, crisis_id: int, action: str,
              from_state: str | None = None, to_state: str | None = None, **details) -> None:
    """Every crisis event is one row of the shared event log: the timeline and the audit trail."""
    await record_event(session, at=at, actor=actor or "system", subject_kind=KIND, subject_id=crisis_id,
                       action=action, from_state=from_state, to_state=to_state,
                       details={k: v for k, v in details.items() if v is not None})


async def record(db, at: datetime, actor: str, crisis_id: int, action: str, **details) -> None:
    async with db.transaction() as session:
        await log(session, at, actor, crisis_id, action, **details)


async def create(db, now: datetime, then=None, **fields) -> Crisis | None:
    """The new crisis, or None when one of its accounts already has an open crisis. `then(session, crisis)`
    queues what starting it causes (the STOP messages), in the transaction that starts it."""
    try:
        async with db.transaction() as session:
            for key in open_keys(fields["accounts"]):
                session.add(SendClaim(kind=OPEN_CLAIM, item=key, day="open", claimed_at=now))
            await session.flush()
            crisis = Crisis(status="active", started_at=now, **fields)
            session.add(crisis)
            await session.flush()
            await log(session, now, crisis.started_by, crisis.id, "started", None, "active",
                      accounts=[a["name"] for a in crisis.accounts], summary=crisis.summary,
                      indicators=crisis.indicators, link=crisis.link)
            if then is not None:
                await then(session, crisis)
    except IntegrityError:
        return None
    return crisis


async def get(db, crisis_id: int) -> Crisis | None:
    async with db.sessions() as session:
        return await session.get(Crisis, crisis_id)


async def by_room(db, platform: str, room_id: str | None) -> Crisis | None:
    if not room_id:
        return None
    async with db.sessions() as session:
        return await session.scalar(select(Crisis).where(Crisis.platform == platform, Crisis.room_id == room_id)
                                    .order_by(Crisis.id.desc()).limit(1))


async def active(db) -> list[Crisis]:
    async with db.sessions() as session:
        return list(await session.scalars(select(Crisis).where(Crisis.status == "active").order_by(Crisis.id)))


async def active_in(session: AsyncSession) -> list[Crisis]:
    """The active crises, locked for this transaction (a change to one waits for another that is changing it)."""
    return list(await session.scalars(select(Crisis).where(Crisis.status == "active").order_by(Crisis.id)
                                      .with_for_update()))


async def ended_awaiting_review(db) -> list[Crisis]:
    async with db.sessions() as session:
        rows = await session.scalars(select(Crisis).where(Crisis.status == "ended", Crisis.review_at.is_(None),
                                                          Crisis.review_due_on.is_not(None)).order_by(Crisis.id))
        return list(rows)


async def set_fields(db, crisis_id: int, **fields) -> None:
    async with db.transaction() as session:
        await session.execute(update(Crisis).where(Crisis.id == crisis_id).values(**fields))


async def set_if(db, crisis_id: int, column: str, expected, **fields) -> bool:
    """Change `fields` only while `column` still holds `expected`; True if this caller made the change."""
    col = getattr(Crisis, column)
    cond = col.is_(None) if expected is None else col == expected
    async with db.transaction() as session:
        result = await session.execute(update(Crisis).where(Crisis.id == crisis_id, cond).values(**fields))
        return result.rowcount == 1


async def change_active(db, crisis_id: int, at: datetime, actor: str, action: str, details: dict | None = None,
                        **fields) -> bool:
    """Apply `fields` to an active crisis with its event in one transaction; False if it has ended meanwhile."""
    async with db.transaction() as session:
        result = await session.execute(update(Crisis).where(Crisis.id == crisis_id, Crisis.status == "active")
                                       .values(**fields))
        if result.rowcount != 1:
            return False
        await log(session, at, actor, crisis_id, action, **(details or {}))
        return True


async def end(db, crisis_id: int, at: datetime, actor: str, review_due_on: str, then=None) -> bool:
    """End it once; `then(session, crisis)` queues what ending it causes (posting may resume), in its transaction."""
    async with db.transaction() as session:
        result = await session.execute(update(Crisis).where(Crisis.id == crisis_id, Crisis.status == "active")
                                       .values(status="ended", ended_at=at, ended_by=actor,
                                               review_due_on=review_due_on))
        if result.rowcount != 1:
            return False
        crisis = await session.get(Crisis, crisis_id)
        await session.execute(delete(SendClaim).where(SendClaim.kind == OPEN_CLAIM, SendClaim.day == "open",
                                                      SendClaim.item.in_(open_keys(crisis.accounts))))
        await log(session, at, actor, crisis_id, "ended", "active", "ended", review_due_on=review_due_on)
        if then is not None:
            await then(session, crisis)
        return True


async def save_review(db, crisis_id: int, at: datetime, actor: str, answers: dict) -> bool:
    """True for the first completed review; a later one replaces it (and both are in the timeline)."""
    async with db.transaction() as session:
        crisis = await session.get(Crisis, crisis_id)
        first = crisis.review_at is None
        await session.execute(update(Crisis).where(Crisis.id == crisis_id)
                              .values(review=answers, review_by=actor, review_at=at))
        await log(session, at, actor, crisis_id, "review_completed" if first else "review_updated",
                  **{"decision": answers.get("decision")})
        return first


# --- the group ------------------------------------------------------------------------------------------------

async def members(db, crisis_id: int) -> list[CrisisMember]:
    async with db.sessions() as session:
        rows = await session.scalars(select(CrisisMember).where(CrisisMember.crisis_id == crisis_id)
                                     .order_by(CrisisMember.id))
        return list(rows)


async def put_member(db, crisis_id: int, at: datetime, actor: str, *, person: str, name: str, role: str,
                     status: str, user_id: str | None = None, reason: str | None = None) -> None:
    """Insert or update one person's place in the group, with its event."""
    async with db.transaction() as session:
        row = await session.scalar(select(CrisisMember).where(CrisisMember.crisis_id == crisis_id,
                                                              CrisisMember.person == person))
        before = row.status if row else None
        if row is None:
            session.add(CrisisMember(crisis_id=crisis_id, person=person, name=name, role=role, status=status,
                                     user_id=user_id, reason=reason, updated_at=at))
        else:
            row.status, row.reason, row.updated_at = status, reason, at
            row.user_id = user_id or row.user_id
            if role != "added":  # keep the original role (manager, service lead...) when re-added
                row.role = role
        action = {"in_room": "member_added", "failed": "member_not_invited", "removed": "member_removed"}[status]
        await log(session, at, actor, crisis_id, action, before, status, person=person, name=name, role=role,
                  reason=reason)


# --- the response checklist -----------------------------------------------------------------------------------

async def ticks(db, crisis_id: int) -> dict[str, CrisisTick]:
    async with db.sessions() as session:
        rows = await session.scalars(select(CrisisTick).where(CrisisTick.crisis_id == crisis_id))
        return {t.item: t for t in rows}


async def tick(db, crisis_id: int, item: str, at: datetime, actor: str, name: str) -> CrisisTick | None:
    """None when this caller ticked it; otherwise the earlier tick (someone beat us to it)."""
    try:
        async with db.transaction() as session:
            session.add(CrisisTick(crisis_id=crisis_id, item=item, ticked_by=actor, ticked_by_name=name,
                                   ticked_at=at))
            await session.flush()
            await log(session, at, actor, crisis_id, "ticked", item=item)
        return None
    except IntegrityError:
        return (await ticks(db, crisis_id)).get(item)


async def untick(db, crisis_id: int, item: str, at: datetime, actor: str) -> bool:
    async with db.transaction() as session:
        result = await session.execute(delete(CrisisTick).where(CrisisTick.crisis_id == crisis_id,
                                                                CrisisTick.item == item))
        if result.rowcount != 1:
            return False
        await log(session, at, actor, crisis_id, "unticked", item=item)
        return True


async def timeline(db, crisis_id: int):
    async with db.sessions() as session:
        return await events_for(session, KIND, crisis_id)
