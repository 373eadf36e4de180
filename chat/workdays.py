"""The statutory working-day calendar with the administrator's proclaimed holidays from the database."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Iterator

from sqlalchemy import select

from policy.calendar import WorkingCalendar
from storage.models import ProclaimedHoliday

from .services import Services


class _SharedRead:
    """One calendar for the length of a run of the sweeps; closed when the run ends, so work the run started
    (which inherits its context) reads afresh after it."""

    def __init__(self) -> None:
        self.calendar: WorkingCalendar | None = None
        self.open = True


_shared: ContextVar[_SharedRead | None] = ContextVar("working_calendar_shared", default=None)


async def proclaimed_holidays(db) -> list[date]:
    async with db.sessions() as session:
        rows = await session.scalars(select(ProclaimedHoliday.day))
        return [date.fromisoformat(d) for d in rows]


async def working_calendar(svc: Services) -> WorkingCalendar:
    """A WorkingCalendar (policy/calendar.py) that also knows the proclaimed one-off holidays."""
    shared = _shared.get()
    if shared is not None and shared.open and shared.calendar is not None:
        return shared.calendar
    calendar = WorkingCalendar(extra_holidays=await proclaimed_holidays(svc.db))
    if shared is not None and shared.open:
        shared.calendar = calendar
    return calendar


@contextmanager
def one_calendar_read() -> Iterator[None]:
    """Inside this block, working_calendar reads the proclaimed holidays once and every caller shares the
    result (and its indexed years): a run of the sweeps asks for the calendar in half of them, each of which
    would otherwise query the database and index the year again. Nothing in a sweep proclaims a holiday."""
    shared = _SharedRead()
    token = _shared.set(shared)
    try:
        yield
    finally:
        shared.open, shared.calendar = False, None
        _shared.reset(token)
