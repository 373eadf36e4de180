"""A one-off bank holiday proclaimed by an administrator: stored, open cases' due dates recomputed, owners told.

Shared by the chat command (Communications Team only, add_from_chat) and `python -m bot calendar add-holiday`.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from chat.errors import BadInput, NotAllowed
from chat.messages import Message, Text, message
from chat.quoting import inert
from chat.services import Services
from chat.wording import count
from chat.workdays import working_calendar
from policy.calendar import MAX_YEAR, MIN_YEAR
from storage.events import record_event
from storage.models import ProclaimedHoliday

from . import messages
from .rules import day_text
from .store import recompute_due_dates

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


async def add_holiday(svc: Services, day: date, name: str, by: str) -> HolidayResult:
    name = check_holiday(day, name)
    existing = (await working_calendar(svc)).holiday_name(day)
    if existing:
        raise BadInput(f"{day_text(day)} is already a holiday ({inert(existing)}); nothing was changed.")
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
    why = f"{day_text(day)} has been proclaimed a bank holiday ({inert(name)})"
    for owner, items in by_owner.items():
        try:
            if await svc.notifier.dm(owner, messages.due_changed_dm(items, why)) is not None:
                told += 1
        except Exception as exc:
            log.warning("could not tell an owner about new due dates: %s", exc)
    return HolidayResult(day, name, changed, told)


async def add_from_chat(svc: Services, email: str | None, words: list[str]) -> Message:
    """`foi holiday add YYYY-MM-DD NAME` (the words after `holiday`), for the Communications Team."""
    if not svc.config.has_role(email, "comms_team", "head_of_comms"):
        raise NotAllowed("Only the Communications Team can add a bank holiday.")
    if len(words) < 3 or words[0].lower() != "add":
        raise BadInput("Use `/smpolicy foi holiday add YYYY-MM-DD NAME`, for example "
                       "`/smpolicy foi holiday add 2026-09-21 State "
                       "funeral`.")
    try:
        day = date.fromisoformat(words[1])
    except ValueError:
        raise BadInput(f"`{inert(words[1])}` isn't a date; write it as YYYY-MM-DD.") from None
    result = await add_holiday(svc, day, " ".join(words[2:]), email)
    return message(Text(
        f"Added *{day_text(result.day)}* ({inert(result.name)}) as a bank holiday: it is no longer a working day for "
        f"statutory time limits. {count(len(result.changed), 'open case')} now "
        f"{'has' if len(result.changed) == 1 else 'have'} a new due date; {count(result.owners_told, 'owner')} told."))
