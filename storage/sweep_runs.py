"""Each sweep's outcome, recorded where every instance can see it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .db import Database
from .identity import _insert
from .models import SweepRun


async def record(db: Database, name: str, at: datetime, error: str | None = None) -> None:
    values = {"name": name, "runs": 1, "failures": 1 if error else 0, "last_outcome": "failed" if error else "ok"}
    if error:
        values.update(last_failure=at, last_error=error[:300])
    else:
        values.update(last_success=at)
    stmt = _insert(db, SweepRun).values(**values)
    changes = {"runs": SweepRun.runs + 1, "last_outcome": stmt.excluded.last_outcome}
    if error:
        changes.update(failures=SweepRun.failures + 1, last_failure=stmt.excluded.last_failure,
                       last_error=stmt.excluded.last_error)
    else:
        changes.update(last_success=stmt.excluded.last_success)
    async with db.transaction() as session:
        await session.execute(stmt.on_conflict_do_update(index_elements=[SweepRun.name], set_=changes))


async def all_runs(db: Database) -> dict[str, SweepRun]:
    async with db.sessions() as session:
        return {row.name: row for row in await session.scalars(select(SweepRun))}
