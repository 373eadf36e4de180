"""The one way every workflow writes to the event log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Event


async def record_event(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    subject_kind: str,
    subject_id: str | int,
    action: str,
    from_state: str | None = None,
    to_state: str | None = None,
    details: dict | None = None,
) -> Event:
    """Append one row. Never put a checked post's text or a secret in `details`."""
    row = Event(
        at=at,
        actor=actor,
        subject_kind=subject_kind,
        subject_id=str(subject_id),
        action=action,
        from_state=from_state,
        to_state=to_state,
        details=details or {},
    )
    session.add(row)
    await session.flush()
    return row


async def events_for(session: AsyncSession, subject_kind: str, subject_id: str | int) -> list[Event]:
    rows = await session.scalars(
        select(Event)
        .where(Event.subject_kind == subject_kind, Event.subject_id == str(subject_id))
        .order_by(Event.at, Event.id)
    )
    return list(rows)


async def events_between(session: AsyncSession, start: datetime, end: datetime) -> list[Event]:
    rows = await session.scalars(
        select(Event).where(Event.at >= start, Event.at < end).order_by(Event.at, Event.id)
    )
    return list(rows)
