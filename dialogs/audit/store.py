"""The event log read in batches, so a year's trail is streamed and never held in memory."""
from __future__ import annotations

from datetime import datetime
from typing import AsyncIterator

from sqlalchemy import and_, or_, select

from storage.models import Event

BATCH = 500                  # rows read per query: a year's trail is streamed, never held in memory


async def iter_events(db, start: datetime, end: datetime) -> AsyncIterator[Event]:
    """Events with start <= at < end in time order, read in batches (keyset on (at, id))."""
    last: tuple[datetime, int] | None = None
    while True:
        query = select(Event).where(Event.at >= start, Event.at < end)
        if last is not None:
            query = query.where(or_(Event.at > last[0], and_(Event.at == last[0], Event.id > last[1])))
        async with db.sessions() as session:
            rows = list(await session.scalars(query.order_by(Event.at, Event.id).limit(BATCH)))
        for row in rows:
            yield row
        if len(rows) < BATCH:
            return
        last = (rows[-1].at, rows[-1].id)
