"""The mourning pause (4.4, Operation Menai Bridge / London Bridge): posting stops for the mourning period.

The Communications Team starts it (default 10 days, "approximately 10 days" in 4.4) and may end it early.
While it is on, "Is this OK to post?" says stop, boosts are refused and every reply carries a banner (both
through the posting-state provider here). 4.4 leaves scheduled posts to each administrator, so every
administrator in the accounts register is asked to check, and reminded each morning until it ends."""
from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from chat.errors import BadInput, NotFound
from chat.messages import Header, Message, Text, message
from chat.quoting import inert
from chat.services import Services
from chat.wording import count, display_names, either
from storage.events import record_event
from storage.models.pause import MourningPause

from .messages import accounts_field, cmd, ended_message, reason_phrase, start_dm
from .rules import KIND, MAX_DAYS, MAY_CHANGE, check_may_change, day_words, last_day, midnight_after, parse_day
from .store import active_row, administrators, close, current, name_of

log = logging.getLogger(__name__)

SEND_AT_ONCE = 8            # DMs in flight together: quick for a long register, gentle on rate limits


async def pause_posting_state(svc: Services, account: str | None) -> dict:
    pause = await current(svc)
    return {"pause_reason": reason_phrase(svc, pause)} if pause else {}


async def start(svc: Services, actor: str | None, days: int, reason: str) -> tuple[MourningPause, bool]:
    """(the pause in force, whether this call started it). A second start changes nothing."""
    check_may_change(svc, actor, "start", await _comms_by_name(svc, actor))
    now, tz = svc.now(), svc.config.tz
    ends_at = midnight_after(svc.today() + timedelta(days=days - 1), tz)
    try:
        async with svc.db.transaction() as s:
            old = await active_row(s)
            if old is not None and old.ends_at > now:
                return old, False
            if old is not None:   # ran out but the sweep hasn't closed it: close it quietly, a new one follows
                await close(s, old, "system", now, "expired")
                old.told_ended_at = now
            row = MourningPause(reason=reason, days=days, started_at=now, started_by=actor, ends_at=ends_at,
                                active=1)
            s.add(row)
            await s.flush()
            await record_event(s, at=now, actor=actor, subject_kind=KIND, subject_id=row.id, action="started",
                               to_state="active", details={"days": days, "reason": reason,
                                                           "ends_at": ends_at.isoformat()})
    except IntegrityError:   # another process started one at the same moment
        async with svc.db.sessions() as s:
            return await active_row(s), False
    return row, True


async def change_end(svc: Services, actor: str | None, raw_day: str) -> tuple[MourningPause, date]:
    """Move the last day (the funeral date is often announced after the pause starts)."""
    check_may_change(svc, actor, "change", await _comms_by_name(svc, actor))
    new_last = parse_day(raw_day)
    today = svc.today()
    if new_last < today:
        raise BadInput("That date has already passed. To end the pause now, use `/smpolicy pause end`.")
    pause = await current(svc)
    if pause is None:
        raise NotFound("Posting isn't paused, so there's no end date to change.")
    if (new_last - pause.started_at.astimezone(svc.config.tz).date()).days + 1 > MAX_DAYS:
        raise BadInput(f"A pause can last at most {MAX_DAYS} days.")
    old_last = last_day(pause, svc.config.tz)
    ends_at = midnight_after(new_last, svc.config.tz)
    async with svc.db.transaction() as s:
        result = await s.execute(update(MourningPause).where(MourningPause.id == pause.id,
                                                             MourningPause.active == 1)
                                 .values(ends_at=ends_at).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise NotFound("The pause ended just now, so there's no end date to change.")
        await record_event(s, at=svc.now(), actor=actor, subject_kind=KIND, subject_id=pause.id,
                           action="end_changed", from_state="active", to_state="active",
                           details={"from": old_last.isoformat(), "to": new_last.isoformat()})
        pause = await s.get(MourningPause, pause.id, populate_existing=True)
    return pause, old_last


async def end(svc: Services, actor: str | None) -> MourningPause:
    """End the pause now; everyone is told. Raises NotFound when there is none (or someone just ended it)."""
    check_may_change(svc, actor, "end", await _comms_by_name(svc, actor))
    pause = await current(svc)
    if pause is None:
        raise NotFound("Posting isn't paused, so there's nothing to end. `/smpolicy pause` shows the current state.")
    async with svc.db.transaction() as s:
        won = await close(s, pause, actor, svc.now(), "ended")
        fresh = await s.get(MourningPause, pause.id, populate_existing=True)
    if not won:
        raise NotFound(f"{await name_of(svc, fresh.ended_by)} ended the pause just now; everyone has been told.")
    await tell_ended(svc, fresh)
    return fresh


async def expire(svc: Services, now: datetime) -> None:
    """Sweep: end pauses whose days have run, and finish telling people about any that ended."""
    async with svc.db.transaction() as s:
        row = await active_row(s)
        if row is not None and row.ends_at <= now:
            await close(s, row, "system", now, "expired")
    async with svc.db.sessions() as s:
        untold = list(await s.scalars(select(MourningPause).where(
            MourningPause.active.is_(None), MourningPause.told_ended_at.is_(None))))
    for pause in untold:
        await tell_ended(svc, pause)


async def _dm_all(svc: Services, people: dict[str, list[str]], build, claim_kind: str, pause_id: int,
                  day: str) -> list[str]:
    """DM each person once for (claim_kind, pause, day); returns those who could not be reached."""
    gate = asyncio.Semaphore(SEND_AT_ONCE)
    missed: list[str] = []

    async def one(email: str, accounts: list[str]) -> None:
        async with gate:
            try:
                if not await svc.directory.user_ids(email):
                    missed.append(email)
                    return
                # No banner: the message is about the pause itself.
                await svc.notifier.dm(email, build(accounts), claim=(claim_kind, f"{pause_id}:{email}", day),
                                      banner=False)
            except Exception as exc:   # the claim is released; the next sweep tries again
                log.warning("mourning pause DM to an administrator failed: %s", type(exc).__name__)
                missed.append(email)

    await asyncio.gather(*(one(e, a) for e, a in people.items()))
    return sorted(missed)


async def _comms_by_name(svc: Services, actor: str | None) -> str:
    """Who may change a pause, by name: asked only when the actor may not (a refusal names them)."""
    if svc.config.has_role(actor, *MAY_CHANGE):
        return ""
    team = svc.config.members("comms_team")
    names = await display_names(svc, team)
    return either(names[e] for e in team)


async def announce_start(svc: Services, pause: MourningPause) -> tuple[int, list[str]]:
    """Ask every administrator to check their schedules; (how many there are, who could not be reached)."""
    admins = await administrators(svc)
    missed = await _dm_all(svc, admins, lambda acc: start_dm(svc, pause, acc), "pause_check", pause.id,
                           svc.today().isoformat())
    starter = await name_of(svc, pause.started_by)
    until = day_words(last_day(pause, svc.config.tz), svc.today())
    await _post_comms(svc, f"⏸️ {starter} started a mourning pause (4.4): {inert(pause.reason)}, "
                           f"{count(pause.days, 'day')}, until the end of {until}. {len(admins) - len(missed)} of "
                           f"{count(len(admins), 'administrator')} "
                           "in the register have been asked to check nothing is scheduled. Please turn off "
                           "publishing in the single access platform too.", ("pause_started", str(pause.id)))
    async with svc.db.transaction() as s:
        await record_event(s, at=svc.now(), actor="system", subject_kind=KIND, subject_id=pause.id,
                           action="administrators_asked", details={"administrators": len(admins),
                                                                    "not_reached": len(missed)})
    return len(admins), missed


async def remind(svc: Services, now: datetime) -> None:
    """Daily sweep: each administrator once a day while the pause is on (their start DM counts for its day)."""
    pause = await current(svc)
    if pause is None:
        return
    day = now.astimezone(svc.config.tz).date().isoformat()
    admins = await administrators(svc)
    await _dm_all(svc, admins, lambda acc: start_dm(svc, pause, acc, reminder=True), "pause_check", pause.id, day)


async def tell_ended(svc: Services, pause: MourningPause) -> None:
    """Every administrator and the Communications Team, once each, even across a crash part-way."""
    admins = await administrators(svc)
    ender = await name_of(svc, pause.ended_by)
    await _dm_all(svc, admins, lambda acc: ended_message(svc, pause, ender, acc), "pause_over", pause.id, "end")
    await _post_comms(svc, ended_message(svc, pause, ender), ("pause_over", str(pause.id)))
    async with svc.db.transaction() as s:
        await s.execute(update(MourningPause).where(MourningPause.id == pause.id)
                        .values(told_ended_at=svc.now()).execution_options(synchronize_session=False))


async def _post_comms(svc: Services, msg: Message | str, claim: tuple[str, str]) -> None:
    """The Communications Team's channel on each platform it has; one platform failing doesn't stop another."""
    msg = message(Text(msg)) if isinstance(msg, str) else msg
    for platform, _ in svc.notifier.channel_ids("comms_team"):
        try:
            await svc.notifier.post("comms_team", msg, platform=platform, claim=(claim[0], claim[1], "once"))
        except Exception as exc:   # the person who acted is told in their reply; this is a courtesy copy
            log.warning("could not post the pause notice to the Communications Team in %s: %s", platform,
                        type(exc).__name__)


async def already_reply(svc: Services, pause: MourningPause, platform: str | None = None) -> Message:
    return message(Text(
        f"A mourning pause is already on, so I haven't started another: {inert(pause.reason)}, started by "
        f"{await name_of(svc, pause.started_by)} on {day_words(pause.started_at.astimezone(svc.config.tz).date())}"
        f", until the end of {day_words(last_day(pause, svc.config.tz), svc.today())}. Use "
        f"{cmd(platform, 'pause until YYYY-MM-DD')} to change the last day, or {cmd(platform, 'pause end')} to "
        "end it."))


async def status(svc: Services, viewer: str | None, platform: str | None = None) -> Message:
    pause = await current(svc)
    may = svc.config.has_role(viewer, *MAY_CHANGE)
    if pause is None:
        text = "Posting isn't paused. A mourning pause (4.4) is started by the Communications Team"
        text += f": {cmd(platform, 'pause start [days] [reason]')} (10 days if you don't say)." if may else "."
        return message(Text(text))
    tz = svc.config.tz
    started = pause.started_at.astimezone(tz).date()
    day_no, of = (svc.today() - started).days + 1, (last_day(pause, tz) - started).days + 1
    text = (f"⏸️ *Posting is paused* for {inert(pause.reason)} (4.4): day {day_no} of {of}, "
            f"until the end of {day_words(last_day(pause, tz), svc.today())}. Started by "
            f"{await name_of(svc, pause.started_by)} on {day_words(started, svc.today())}. Don't post or "
            "schedule anything until it ends.")
    if may:
        text += (f"\n{cmd(platform, 'pause until YYYY-MM-DD')} moves the last day; {cmd(platform, 'pause end')} "
                 "ends it now.")
    return message(Text(text))


async def announce_move(svc: Services, pause: MourningPause, old_last: date) -> Message:
    """Tell administrators the new last day (once per change) and reply to the person who moved it."""
    new_last = last_day(pause, svc.config.tz)
    today = svc.today()
    head = f"The mourning pause now ends on {day_words(new_last, today)}"
    text = (f"The Communications Team has moved the end of the mourning pause ({inert(pause.reason)}) from "
            f"{day_words(old_last, today)} to the end of {day_words(new_last, today)} (4.4). Please make sure "
            "nothing is scheduled to publish before then.")
    admins = await administrators(svc)
    missed = await _dm_all(svc, admins, lambda acc: message(Header(head), Text(text), accounts_field(acc), text=head),
                           "pause_moved", pause.id, new_last.isoformat())
    await _post_comms(svc, f"⏸️ {text}", ("pause_moved", f"{pause.id}:{new_last.isoformat()}"))
    reply = f"Done: the pause now runs until the end of {day_words(new_last, today)}. I've told the administrators."
    if missed:
        reply += f" I couldn't reach {', '.join(missed)} on Slack or Teams: please contact them another way."
    return message(Text(reply))
