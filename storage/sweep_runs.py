"""Each sweep's outcome, recorded where every instance can see it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .db import Database
from .identity import _insert
from .models import SweepRun


async def record(db: Database, name: str, at: datetime, error: str | None = None) -> None:
    await record_all(db, [(name, at, error)])


async def record_all(db: Database, outcomes: list[tuple[str, datetime, str | None]]) -> None:
    """Several sweeps' outcomes (name, when, the error or None; each name once) in one transaction of at most
    two statements, the successes and the failures: a run of every sweep writes once, not once per sweep."""
    succeeded = [{"name": name, "runs": 1, "failures": 0, "last_outcome": "ok", "last_success": at}
                 for name, at, error in outcomes if not error]
    failed = [{"name": name, "runs": 1, "failures": 1, "last_outcome": "failed", "last_failure": at,
               "last_error": error[:300]} for name, at, error in outcomes if error]
    if not outcomes:
        return
    async with db.transaction() as session:
        if succeeded:
            stmt = _insert(db, SweepRun).values(succeeded)
            await session.execute(stmt.on_conflict_do_update(index_elements=[SweepRun.name], set_={
                "runs": SweepRun.runs + 1, "last_outcome": stmt.excluded.last_outcome,
                "last_success": stmt.excluded.last_success}))
        if failed:
            stmt = _insert(db, SweepRun).values(failed)
            await session.execute(stmt.on_conflict_do_update(index_elements=[SweepRun.name], set_={
                "runs": SweepRun.runs + 1, "last_outcome": stmt.excluded.last_outcome,
                "failures": SweepRun.failures + 1, "last_failure": stmt.excluded.last_failure,
                "last_error": stmt.excluded.last_error}))


async def all_runs(db: Database) -> dict[str, SweepRun]:
    async with db.sessions() as session:
        return {row.name: row for row in await session.scalars(select(SweepRun))}
