"""The statutory working-day calendar with the administrator's proclaimed holidays from the database."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from policy.calendar import WorkingCalendar
from storage.models import ProclaimedHoliday

from .services import Services


async def proclaimed_holidays(db) -> list[date]:
    async with db.sessions() as session:
        rows = await session.scalars(select(ProclaimedHoliday.day))
        return [date.fromisoformat(d) for d in rows]


async def working_calendar(svc: Services) -> WorkingCalendar:
    """A WorkingCalendar (policy/calendar.py) that also knows the proclaimed one-off holidays."""
    return WorkingCalendar(extra_holidays=await proclaimed_holidays(svc.db))
