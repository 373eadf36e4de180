"""A one-off bank holiday proclaimed by an administrator: stored, open cases' due dates recomputed, owners told.

Shared by the chat command (Communications Team only) and `python -m bot calendar add-holiday`.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from chat.workdays import working_calendar
from chat.errors import BadInput
from policy.calendar import MAX_YEAR, MIN_YEAR
from storage.events import record_event
from storage.models import ProclaimedHoliday

from . import texts
from .cases import recompute_due_dates
from .rules import day_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HolidayResult:
    day: date
    name: str
    changed: list            # (owner, reference, old, new)
    owners_told: int


def check_holiday(day: date, name: str) -> str:
    name = " ".join((name or "").split())
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise BadInput(f"{day.isoformat()} is out of range.")
    if not name:
        raise BadInput("Give the holiday a name, e.g. `State funeral`.")
    if len(name) > 200:
        raise BadInput("That name is too long (200 characters at most).")
    if day.weekday() >= 5:
        raise BadInput(f"{day_text(day)} is a {day:%A}: weekends are never working days, so there is nothing "
                       "to add.")
    return name


async def add_holiday(svc, day: date, name: str, by: str) -> HolidayResult:
    name = check_holiday(day, name)
    existing = (await working_calendar(svc)).holiday_name(day)
    if existing:
        raise BadInput(f"{day_text(day)} is already a holiday ({existing}); nothing was changed.")
    try:
        async with svc.db.transaction() as s:
            s.add(ProclaimedHoliday(day=day.isoformat(), name=name, added_by=by, added_at=svc.now()))
            await s.flush()
            await record_event(s, at=svc.now(), actor=by, subject_kind="calendar", subject_id=day.isoformat(),
                               action="holiday_added", details={"name": name})
    except IntegrityError:
        raise BadInput(f"{day_text(day)} has just been added by someone else; nothing more to do.") from None
    changed = await recompute_due_dates(svc, await working_calendar(svc), by)
    by_owner: dict[str, list] = defaultdict(list)
    for owner, ref, old, new in changed:
        by_owner[owner].append((ref, old, new))
    told = 0
    why = f"{day_text(day)} has been proclaimed a bank holiday ({name})"
    for owner, items in by_owner.items():
        try:
            if await svc.notifier.dm(owner, texts.due_changed_dm(items, why)) is not None:
                told += 1
        except Exception as exc:
            log.warning("could not tell an owner about new due dates: %s", exc)
    return HolidayResult(day, name, changed, told)
