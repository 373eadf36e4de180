"""Prompts that keep a crisis on the policy's track: check-ins, the 5pm question, the post-crisis review chase.

Each prompt has a due time stored on the crisis. A sweep posts it under a claim keyed by that due time, so it
goes out once however many processes sweep the same database; only the process that sent it moves the due
time on, with a conditional update. A snooze simply sets a new due time (and so a new claim key).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from chat.messages import PersonRef
from chat.replies import UpdateOriginal
from chat.services import Services
from chat.workdays import working_calendar

from . import messages, room, store
from .people import name_of
from .rules import comms_candidates, unique


def _slot(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%MZ")


def _at_local(svc: Services, day: date, t) -> datetime:
    return datetime.combine(day, t, svc.config.tz)


def in_working_hours(svc: Services, calendar, now: datetime, crisis) -> bool:
    """Normal working hours on a working day, or any time the group agreed to keep working."""
    if crisis.extended_until and now < crisis.extended_until:
        return True
    local = now.astimezone(svc.config.tz)
    return (calendar.is_working_day(local.date())
            and svc.config.work_start <= local.time() < svc.config.work_end)


def next_checkin(svc: Services, calendar, crisis) -> datetime | None:
    """When the next check-in really comes: its due time if that is in working hours (or while the group keeps
    working late), else the start of the next working day, when the sweep sends it."""
    due = crisis.next_checkin_at
    if due is None or in_working_hours(svc, calendar, due, crisis):
        return due
    local = due.astimezone(svc.config.tz)
    day = local.date()
    if not (calendar.is_working_day(day) and local.time() < svc.config.work_start):
        day = calendar.add_working_days(day, 1)
    return _at_local(svc, day, svc.config.work_start)


async def sweep(svc: Services, now: datetime) -> None:
    """Everything due as at `now`; safe to run often, and from several processes at once."""
    calendar = await working_calendar(svc)
    for crisis in await store.active(svc.db):
        await _checkin(svc, calendar, now, crisis)
        await _evening(svc, calendar, now, crisis)
    await _reviews(svc, calendar, now)


async def _checkin(svc: Services, calendar, now: datetime, crisis) -> None:
    due = crisis.next_checkin_at
    if due is None or now < due or not in_working_hours(svc, calendar, now, crisis):
        return
    sent = await room.say(svc, crisis, messages.checkin_message(crisis), claim=("crisis_checkin", str(crisis.id),
                                                                              _slot(due)))
    if sent is None:
        return  # another process sent it (or the room refused: the claim is released for the next sweep)
    following = due + timedelta(minutes=crisis.checkin_minutes)
    if following <= now:  # the bot was down for a while: count from now, don't fire a burst
        following = now + timedelta(minutes=crisis.checkin_minutes)
    if await store.set_if(svc.db, crisis.id, "next_checkin_at", due, next_checkin_at=following):
        await store.record(svc.db, now, "system", crisis.id, "checkin_sent", due=due.isoformat())


async def _evening(svc: Services, calendar, now: datetime, crisis) -> None:
    due = crisis.evening_prompt_at
    if due is None or now < due:
        return
    sent = await room.say(svc, crisis, messages.evening_message(crisis), claim=("crisis_evening", str(crisis.id),
                                                                              _slot(due)))
    if sent is None:
        return
    local = now.astimezone(svc.config.tz)
    following = _at_local(svc, calendar.add_working_days(local.date(), 1), svc.config.work_end)
    if await store.set_if(svc.db, crisis.id, "evening_prompt_at", due, evening_prompt_at=following):
        await store.record(svc.db, now, "system", crisis.id, "evening_prompt_sent", due=due.isoformat())


# --- answers to the prompts -------------------------------------------------------------------------------------

async def snooze(svc: Services, crisis, actor: str | None, kind: str, minutes: int):
    """A prompt put off for `minutes` (the check-in, or the 5pm question)."""
    await room.require_group(svc, crisis, actor, "snooze its prompts")
    now = svc.now()
    until = now + timedelta(minutes=minutes)
    column = "next_checkin_at" if kind == "checkin" else "evening_prompt_at"
    await store.change_active(svc.db, crisis.id, now, actor, "snoozed", {"prompt": kind,
                             "until": until.isoformat()}, **{column: until})
    who = await name_of(svc, actor)
    prompt = messages.checkin_message(crisis) if kind == "checkin" else messages.evening_message(crisis)
    return UpdateOriginal(messages.decided(prompt, f"Snoozed by {who} until {messages.clock(until, svc.config.tz)}."))


async def checkin_done(svc: Services, crisis, actor: str | None):
    await room.require_group(svc, crisis, actor, "answer its check-ins")
    now = svc.now()
    await store.record(svc.db, now, actor, crisis.id, "checkin_done")
    who = await name_of(svc, actor)
    line = f"{who} confirmed at {messages.clock(now, svc.config.tz)}: listened again and reviewed the group."
    return UpdateOriginal(messages.decided(messages.checkin_message(crisis), line))


async def extend(svc: Services, crisis, actor: str | None, keep_working: bool):
    """The 5pm answer: keep working (check-ins carry on until the next working morning) or stop for today."""
    await room.require_group(svc, crisis, actor, "decide on working late")
    now = svc.now()
    calendar = await working_calendar(svc)
    local = now.astimezone(svc.config.tz)
    morning = _at_local(svc, calendar.add_working_days(local.date(), 1), svc.config.work_start)
    until = morning if keep_working else None
    await store.change_active(svc.db, crisis.id, now, actor, "extended" if keep_working else "stopped_today",
                             {"until": until.isoformat() if until else None}, extended_until=until)
    who = await name_of(svc, actor)
    line = (f"{who} decided at {messages.clock(now, svc.config.tz)}: the group keeps working tonight; check-ins carry "
            f"on until {messages.when(morning, svc.config.tz)}." if keep_working else
            f"{who} decided at {messages.clock(now, svc.config.tz)}: the group stops for today and picks up at "
            f"{messages.when(morning, svc.config.tz)}. Keep an eye on the account if you can.")
    return UpdateOriginal(messages.decided(messages.evening_message(crisis), line))


# --- the post-crisis review chase ------------------------------------------------------------------------------

def review_recipients(svc: Services, crisis) -> list[str]:
    comms = list(svc.config.members("comms_team")) or comms_candidates(svc.config)
    return unique([crisis.started_by] + comms)


async def _reviews(svc: Services, calendar, now: datetime) -> None:
    local = now.astimezone(svc.config.tz)
    if not calendar.is_working_day(local.date()) or local.time() < svc.config.work_start:
        return
    for crisis in await store.ended_awaiting_review(svc.db):
        due = date.fromisoformat(crisis.review_due_on)
        if local.date() < due:
            continue
        msg = messages.review_request(crisis, svc.config.tz, reminder=local.date() > due)
        sent = []
        for person in review_recipients(svc, crisis):
            to = person
            if "@" not in person and crisis.starter_user:  # a starter the bot knows only by platform id
                to = PersonRef(crisis.platform, crisis.starter_user)
            try:
                ref = await svc.notifier.dm(to, msg, claim=("crisis_review", f"{crisis.id}:{person}",
                                                            local.date().isoformat()))
            except Exception:
                ref = None  # unreachable today; the claim was released, so the next sweep tries again
            if ref is not None:
                sent.append(person)
        if sent:
            await store.record(svc.db, now, "system", crisis.id,
                              "review_chased" if local.date() > due else "review_requested", to=sent)


async def review_due_date(svc: Services, ended: datetime) -> str:
    """The post-crisis review goes out on the next working day after the crisis ends."""
    calendar = await working_calendar(svc)
    return calendar.add_working_days(ended.astimezone(svc.config.tz).date(), 1).isoformat()
