"""Prompts that keep a crisis on the policy's track: check-ins, the 5pm question, the post-crisis review chase.

Each prompt has a due time stored on the crisis. A sweep posts it under a claim keyed by that due time, so it
goes out once however many processes sweep the same database; only the process that sent it moves the due
time on, with a conditional update. A snooze simply sets a new due time (and so a new claim key).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from chat.messages import PersonRef
from chat.replies import UpdateOriginal
from chat.workdays import working_calendar
from chat.errors import BadInput

from . import cards, repo, room
from .people import comms_candidates, name_of, unique


def _slot(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%MZ")


def _at_local(svc, day: date, t) -> datetime:
    return datetime.combine(day, t, svc.config.tz)


def in_working_hours(svc, calendar, now: datetime, crisis) -> bool:
    """Normal working hours on a working day, or any time the group agreed to keep working."""
    if crisis.extended_until and now < crisis.extended_until:
        return True
    local = now.astimezone(svc.config.tz)
    return (calendar.is_working_day(local.date())
            and svc.config.work_start <= local.time() < svc.config.work_end)


async def sweep(svc, now: datetime) -> None:
    """Everything due as at `now`; safe to run often, and from several processes at once."""
    calendar = await working_calendar(svc)
    for crisis in await repo.active(svc.db):
        await _checkin(svc, calendar, now, crisis)
        await _evening(svc, calendar, now, crisis)
    await _reviews(svc, calendar, now)


async def _checkin(svc, calendar, now: datetime, crisis) -> None:
    due = crisis.next_checkin_at
    if due is None or now < due or not in_working_hours(svc, calendar, now, crisis):
        return
    sent = await room.say(svc, crisis, cards.checkin_message(crisis), claim=("crisis_checkin", str(crisis.id),
                                                                              _slot(due)))
    if sent is None:
        return  # another process sent it (or the room refused: the claim is released for the next sweep)
    following = due + timedelta(minutes=crisis.checkin_minutes)
    if following <= now:  # the bot was down for a while: count from now, don't fire a burst
        following = now + timedelta(minutes=crisis.checkin_minutes)
    if await repo.set_if(svc.db, crisis.id, "next_checkin_at", due, next_checkin_at=following):
        await repo.record(svc.db, now, "system", crisis.id, "checkin_sent", due=due.isoformat())


async def _evening(svc, calendar, now: datetime, crisis) -> None:
    due = crisis.evening_prompt_at
    if due is None or now < due:
        return
    sent = await room.say(svc, crisis, cards.evening_message(crisis), claim=("crisis_evening", str(crisis.id),
                                                                              _slot(due)))
    if sent is None:
        return
    local = now.astimezone(svc.config.tz)
    following = _at_local(svc, calendar.add_working_days(local.date(), 1), svc.config.work_end)
    if await repo.set_if(svc.db, crisis.id, "evening_prompt_at", due, evening_prompt_at=following):
        await repo.record(svc.db, now, "system", crisis.id, "evening_prompt_sent", due=due.isoformat())


# --- answers to the prompts -------------------------------------------------------------------------------------

def _parse(value: str) -> tuple[int, list[str]]:
    head, *rest = (value or "").split(":")
    if not head.isdigit():
        raise BadInput("That button is not one I recognise.")
    return int(head), rest


async def snooze(svc, inv):
    crisis_id, rest = _parse(inv.value)
    kind, minutes = (rest + ["checkin", "30"])[:2]
    if kind not in ("checkin", "evening") or not minutes.isdigit() or not 5 <= int(minutes) <= 240:
        raise BadInput("That snooze button is not one I recognise.")
    crisis = await room.find(svc, inv, crisis_id)
    await room.require_group(svc, crisis, inv.user.email, "snooze its prompts")
    now = svc.now()
    until = now + timedelta(minutes=int(minutes))
    column = "next_checkin_at" if kind == "checkin" else "evening_prompt_at"
    await repo.change_active(svc.db, crisis.id, now, inv.user.email, "snoozed", {"prompt": kind,
                             "until": until.isoformat()}, **{column: until})
    who = await name_of(svc, inv.user.email)
    prompt = cards.checkin_message(crisis) if kind == "checkin" else cards.evening_message(crisis)
    return UpdateOriginal(cards.decided(prompt, f"Snoozed by {who} until {cards.clock(until, svc.config.tz)}."))


async def checkin_done(svc, inv):
    crisis_id, _ = _parse(inv.value)
    crisis = await room.find(svc, inv, crisis_id)
    await room.require_group(svc, crisis, inv.user.email, "answer its check-ins")
    now = svc.now()
    await repo.record(svc.db, now, inv.user.email, crisis.id, "checkin_done")
    who = await name_of(svc, inv.user.email)
    return UpdateOriginal(cards.decided(cards.checkin_message(crisis), f"{who} confirmed at "
                                        f"{cards.clock(now, svc.config.tz)}: listened again and reviewed the group."))


async def extend(svc, inv, keep_working: bool):
    """The 5pm answer: keep working (check-ins carry on until the next working morning) or stop for today."""
    crisis_id, _ = _parse(inv.value)
    crisis = await room.find(svc, inv, crisis_id)
    await room.require_group(svc, crisis, inv.user.email, "decide on working late")
    now = svc.now()
    calendar = await working_calendar(svc)
    local = now.astimezone(svc.config.tz)
    morning = _at_local(svc, calendar.add_working_days(local.date(), 1), svc.config.work_start)
    until = morning if keep_working else None
    await repo.change_active(svc.db, crisis.id, now, inv.user.email, "extended" if keep_working else "stopped_today",
                             {"until": until.isoformat() if until else None}, extended_until=until)
    who = await name_of(svc, inv.user.email)
    line = (f"{who} decided at {cards.clock(now, svc.config.tz)}: the group keeps working tonight; check-ins carry "
            f"on until {cards.when(morning, svc.config.tz)}." if keep_working else
            f"{who} decided at {cards.clock(now, svc.config.tz)}: the group stops for today and picks up at "
            f"{cards.when(morning, svc.config.tz)}. Keep an eye on the account if you can.")
    return UpdateOriginal(cards.decided(cards.evening_message(crisis), line))


# --- the post-crisis review chase ------------------------------------------------------------------------------

def review_recipients(svc, crisis) -> list[str]:
    comms = list(svc.config.members("comms_team")) or comms_candidates(svc.config)
    return unique([crisis.started_by] + comms)


async def _reviews(svc, calendar, now: datetime) -> None:
    local = now.astimezone(svc.config.tz)
    if not calendar.is_working_day(local.date()) or local.time() < svc.config.work_start:
        return
    for crisis in await repo.ended_awaiting_review(svc.db):
        due = date.fromisoformat(crisis.review_due_on)
        if local.date() < due:
            continue
        msg = cards.review_request(crisis, svc.config.tz, reminder=local.date() > due)
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
            await repo.record(svc.db, now, "system", crisis.id,
                              "review_chased" if local.date() > due else "review_requested", to=sent)


async def review_due_date(svc, ended: datetime) -> str:
    """The post-crisis review goes out on the next working day after the crisis ends."""
    calendar = await working_calendar(svc)
    return calendar.add_working_days(ended.astimezone(svc.config.tz).date(), 1).isoformat()

