"""The mourning pause (4.4, Operation Menai Bridge / London Bridge): posting stops for the mourning period.

The Communications Team starts it (default 10 days, "approximately 10 days" in 4.4) and may end it early.
While it is on, "Is this OK to post?" says stop, boosts are refused and every reply carries a banner (both
through the posting_state provider below). 4.4 leaves scheduled posts to each administrator, so every
administrator in the accounts register is asked to check, and reminded each morning until it ends.
"""
from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from chat.messages import Fields, Header, Message, Note, Text, message
from storage.events import record_event
from storage.identity import identities_by_email, remember_identity
from storage.models.pause import MourningPause

from chat.errors import BadInput, NotAllowed, NotFound

log = logging.getLogger(__name__)

DEFAULT_DAYS = 10           # 4.4: "approximately 10 days to align with the official mourning period"
MAX_DAYS = 31
DEFAULT_REASON = "national mourning"
MAY_CHANGE = ("comms_team", "head_of_comms")   # 4.4: "The Communications Team typically initiates this pause"
KIND = "pause"
SEND_AT_ONCE = 8            # DMs in flight together: quick for a long register, gentle on rate limits
USAGE = "pause [start [days] [reason] | until YYYY-MM-DD | end]"


# --- dates as people read them ---------------------------------------------------------------------------------

def day_words(d: date, today: date | None = None) -> str:
    text = f"{d:%A} {d.day} {d:%B}"
    return text if today is None or d.year == today.year else f"{text} {d.year}"


def last_day(pause: MourningPause, tz) -> date:
    """The last whole day of the pause (it ends at the local midnight after it)."""
    return (pause.ends_at.astimezone(tz) - timedelta(seconds=1)).date()


def _midnight_after(day: date, tz) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def reason_phrase(svc, pause: MourningPause) -> str:
    """What the checker and the boost refusal quote: the reason and until when."""
    return f"{pause.reason}, until the end of {day_words(last_day(pause, svc.config.tz), svc.today())}"


def banner_line(svc, pause: MourningPause) -> str:
    return (f"⏸️ Mourning pause (4.4): posting is paused for {reason_phrase(svc, pause)}. "
            "Don't post or schedule anything.")


async def name_of(svc, email: str | None) -> str:
    """The organisation file's name, then the name a platform told us, then the address."""
    if not email or email == "system":
        return "the bot"
    name = svc.config.display_name(email)
    if name != email:
        return name
    async with svc.db.sessions() as session:
        rows = await identities_by_email(session, email)
    for row in rows:
        if row.name:
            return row.name
    for row in rows:   # found by an email lookup, which gives no name: ask the platform once and remember it
        try:
            _, name = await svc.directory.platform_profile(row.platform, row.user_id)
        except Exception:
            continue
        if name:
            await remember_identity(svc.db, row.platform, row.user_id, email, name, svc.now())
            return name
    return email


# --- reading -----------------------------------------------------------------------------------------------------

async def _active_row(session) -> MourningPause | None:
    return await session.scalar(select(MourningPause).where(MourningPause.active == 1))


async def current(svc) -> MourningPause | None:
    """The pause in force now. One past its end counts as over even before the sweep has closed it."""
    async with svc.db.sessions() as session:
        row = await _active_row(session)
    return row if row is not None and row.ends_at > svc.now() else None


async def pause_posting_state(svc, account: str | None) -> dict:
    pause = await current(svc)
    return {"pause_reason": reason_phrase(svc, pause)} if pause else {}


async def administrators(svc) -> dict[str, list[str]]:
    """{email: ["Facebook “Suffolk Highways”", ...]} for every current administrator in the accounts register.

    dialogs/register.py answers per account (`administrators_of(name)`); the pause needs all of them at
    once, so this reads the register's tables directly. Without them (the register not migrated) nobody.
    """
    try:
        from storage.models.accounts import AccountAdmin, SocialAccount

        async with svc.db.sessions() as session:
            rows = (await session.execute(
                select(AccountAdmin.email, SocialAccount.platform, SocialAccount.name)
                .join(SocialAccount, SocialAccount.id == AccountAdmin.account_id)
                .where(SocialAccount.state == "active", AccountAdmin.removed_at.is_(None))
                .order_by(SocialAccount.platform, SocialAccount.name))).all()
    except (ImportError, SQLAlchemyError) as exc:
        log.warning("could not read the accounts register for the mourning pause: %s", type(exc).__name__)
        return {}
    found: dict[str, list[str]] = {}
    for email, platform, name in rows:
        found.setdefault(email.lower(), []).append(f"{platform} “{name}”")
    return found


# --- arguments ---------------------------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_start(args: str, today: date) -> tuple[int, str]:
    """`[days | last day YYYY-MM-DD] [reason]` -> (days including today, reason)."""
    words = args.split()
    days = DEFAULT_DAYS
    if words and words[0].isdigit():
        days = int(words.pop(0))
    elif words and _DATE.match(words[0]):
        days = (parse_day(words.pop(0)) - today).days + 1
        if days < 1:
            raise BadInput("That date has already passed. Give the last day of the pause, today or later.")
    if not 1 <= days <= MAX_DAYS:
        raise BadInput(f"A pause can be 1 to {MAX_DAYS} days; 4.4 suggests about {DEFAULT_DAYS}, ending with the "
                       "funeral. For example `pause start 10 Death of a senior royal`.")
    reason = " ".join(words).strip()[:300] or DEFAULT_REASON
    return days, reason


def parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadInput(f"`{raw}` isn't a date I can read; write it as YYYY-MM-DD, e.g. 2026-12-10.") from None


def _may_change(svc, actor: str | None, verb: str) -> None:
    if not svc.config.has_role(actor, *MAY_CHANGE):
        raise NotAllowed(f"Only the Communications Team can {verb} a mourning pause (4.4). If you think posting "
                         "should be paused, please tell them.")


# --- starting, changing, ending ----------------------------------------------------------------------------------

async def start(svc, actor: str | None, days: int, reason: str) -> tuple[MourningPause, bool]:
    """(the pause in force, whether this call started it). A second start changes nothing."""
    _may_change(svc, actor, "start")
    now, tz = svc.now(), svc.config.tz
    ends_at = _midnight_after(svc.today() + timedelta(days=days - 1), tz)
    try:
        async with svc.db.transaction() as s:
            old = await _active_row(s)
            if old is not None and old.ends_at > now:
                return old, False
            if old is not None:   # ran out but the sweep hasn't closed it: close it quietly, a new one follows
                await _close(s, old, "system", now, "expired")
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
            return await _active_row(s), False
    return row, True


async def change_end(svc, actor: str | None, raw_day: str) -> tuple[MourningPause, date]:
    """Move the last day (the funeral date is often announced after the pause starts)."""
    _may_change(svc, actor, "change")
    new_last = parse_day(raw_day)
    today = svc.today()
    if new_last < today:
        raise BadInput("That date has already passed. To end the pause now, use `pause end`.")
    pause = await current(svc)
    if pause is None:
        raise NotFound("Posting isn't paused, so there's no end date to change.")
    if (new_last - pause.started_at.astimezone(svc.config.tz).date()).days + 1 > MAX_DAYS:
        raise BadInput(f"A pause can last at most {MAX_DAYS} days.")
    old_last = last_day(pause, svc.config.tz)
    ends_at = _midnight_after(new_last, svc.config.tz)
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


async def _close(session, pause: MourningPause, actor: str, now: datetime, action: str) -> bool:
    """End a pause once: the conditional update's row count says whether this call did it."""
    result = await session.execute(
        update(MourningPause).where(MourningPause.id == pause.id, MourningPause.active == 1)
        .values(active=None, ended_at=now, ended_by=actor).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    await record_event(session, at=now, actor=actor, subject_kind=KIND, subject_id=pause.id, action=action,
                       from_state="active", to_state="ended",
                       details={"early": action == "ended", "days": pause.days})
    return True


async def end(svc, actor: str | None) -> MourningPause:
    """End the pause now; everyone is told. Raises NotFound when there is none (or someone just ended it)."""
    _may_change(svc, actor, "end")
    pause = await current(svc)
    if pause is None:
        raise NotFound("Posting isn't paused, so there's nothing to end. `pause` shows the current state.")
    async with svc.db.transaction() as s:
        won = await _close(s, pause, actor, svc.now(), "ended")
        fresh = await s.get(MourningPause, pause.id, populate_existing=True)
    if not won:
        raise NotFound(f"{await name_of(svc, fresh.ended_by)} ended the pause just now; everyone has been told.")
    await tell_ended(svc, fresh)
    return fresh


async def expire(svc, now: datetime) -> None:
    """Sweep: end pauses whose days have run, and finish telling people about any that ended."""
    async with svc.db.transaction() as s:
        row = await _active_row(s)
        if row is not None and row.ends_at <= now:
            await _close(s, row, "system", now, "expired")
    async with svc.db.sessions() as s:
        untold = list(await s.scalars(select(MourningPause).where(
            MourningPause.active.is_(None), MourningPause.told_ended_at.is_(None))))
    for pause in untold:
        await tell_ended(svc, pause)


# --- telling people ----------------------------------------------------------------------------------------------

async def _dm_all(svc, people: dict[str, list[str]], build, claim_kind: str, pause_id: int,
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


def _accounts_field(accounts: list[str]) -> Fields:
    return Fields([("Your accounts in the register", ", ".join(accounts) or "none")])


def start_dm(svc, pause: MourningPause, accounts: list[str], reminder: bool = False) -> Message:
    until = day_words(last_day(pause, svc.config.tz), svc.today())
    if reminder:
        head = f"Reminder: posting is still paused ({pause.reason})"
        lead = (f"Posting on council social media accounts is still paused for the mourning period, until the "
                f"end of {until} (4.4). Please check again that nothing is scheduled to publish before then.")
    else:
        head = f"Posting is paused: {pause.reason}"
        lead = (f"The Communications Team has paused posting on council social media accounts for the mourning "
                f"period, until the end of {until} (4.4). Please check now that you have nothing scheduled to "
                "publish before then.")
    return message(
        Header(head),
        Text(lead + " Look in the single access platform (Orlo) and on any account you manage outside it (5.5), "
             "and don't post or schedule anything until the pause ends. I'll remind you each morning and tell "
             "you when it's over."),
        _accounts_field(accounts),
        Note("Social Media Policy 4.4, Operation Menai Bridge (London Bridge)."), text=head)


def ended_message(svc, pause: MourningPause, ender: str, accounts: list[str] | None = None) -> Message:
    if pause.ended_by == "system":
        how = f"ended at the end of {day_words(last_day(pause, svc.config.tz), svc.today())}, as planned"
    else:
        how = f"was ended by {ender}"
    head = "Posting can resume: the mourning pause is over"
    blocks = [Header(head),
              Text(f"The mourning pause ({pause.reason}) {how}. You can post and schedule as normal again; "
                   "“Is this OK to post?” and boosts work as usual (4.4).")]
    if accounts is not None:
        blocks.append(_accounts_field(accounts))
    return message(*blocks, text=head)


async def announce_start(svc, pause: MourningPause) -> tuple[int, list[str]]:
    """Ask every administrator to check their schedules; (how many there are, who could not be reached)."""
    admins = await administrators(svc)
    missed = await _dm_all(svc, admins, lambda acc: start_dm(svc, pause, acc), "pause_check", pause.id,
                           svc.today().isoformat())
    starter = await name_of(svc, pause.started_by)
    until = day_words(last_day(pause, svc.config.tz), svc.today())
    await _post_comms(svc, f"⏸️ {starter} started a mourning pause (4.4): {pause.reason}, {pause.days} day(s), "
                           f"until the end of {until}. {len(admins) - len(missed)} of {len(admins)} administrator(s) "
                           "in the register have been asked to check nothing is scheduled. Please turn off "
                           "publishing in the single access platform too.", ("pause_started", str(pause.id)))
    async with svc.db.transaction() as s:
        await record_event(s, at=svc.now(), actor="system", subject_kind=KIND, subject_id=pause.id,
                           action="administrators_asked", details={"administrators": len(admins),
                                                                    "not_reached": len(missed)})
    return len(admins), missed


async def remind(svc, now: datetime) -> None:
    """Daily sweep: each administrator once a day while the pause is on (their start DM counts for its day)."""
    pause = await current(svc)
    if pause is None:
        return
    day = now.astimezone(svc.config.tz).date().isoformat()
    admins = await administrators(svc)
    await _dm_all(svc, admins, lambda acc: start_dm(svc, pause, acc, reminder=True), "pause_check", pause.id, day)


async def tell_ended(svc, pause: MourningPause) -> None:
    """Every administrator and the Communications Team, once each, even across a crash part-way."""
    admins = await administrators(svc)
    ender = await name_of(svc, pause.ended_by)
    await _dm_all(svc, admins, lambda acc: ended_message(svc, pause, ender, acc), "pause_over", pause.id, "end")
    await _post_comms(svc, ended_message(svc, pause, ender), ("pause_over", str(pause.id)))
    async with svc.db.transaction() as s:
        await s.execute(update(MourningPause).where(MourningPause.id == pause.id)
                        .values(told_ended_at=svc.now()).execution_options(synchronize_session=False))


async def _post_comms(svc, msg: Message | str, claim: tuple[str, str]) -> None:
    """The Communications Team's channel on each platform it has; one platform failing doesn't stop another."""
    msg = message(Text(msg)) if isinstance(msg, str) else msg
    for platform, _ in svc.notifier.channel_ids("comms_team"):
        try:
            await svc.notifier.post("comms_team", msg, platform=platform, claim=(claim[0], claim[1], "once"))
        except Exception as exc:   # the person who acted is told in their reply; this is a courtesy copy
            log.warning("could not post the pause notice to the Communications Team in %s: %s", platform,
                        type(exc).__name__)


# --- what people see in reply ------------------------------------------------------------------------------------

def _cmd(platform: str | None, text: str) -> str:
    return f"`/smpolicy {text}`" if platform == "slack" else f"`{text}`"


def started_reply(svc, pause: MourningPause, admins: int, missed: list[str], platform: str | None = None) -> Message:
    until = day_words(last_day(pause, svc.config.tz), svc.today())
    lines = [f"⏸️ *Mourning pause started* (4.4): posting is paused for {pause.reason}, {pause.days} day(s) "
             f"including today, until the end of {until}. It ends itself then and I'll tell everyone."]
    if admins:
        lines.append(f"I've asked the {admins - len(missed)} administrator(s) in the accounts register to check "
                     "they have nothing scheduled, and I'll remind them each morning.")
    else:
        lines.append("There are no administrators in the accounts register yet, so I haven't messaged anyone: "
                     "please tell account administrators another way.")
    if missed:
        lines.append(f"I couldn't reach {', '.join(missed)} on Slack or Teams: please contact them another way.")
    lines.append("“Is this OK to post?” now says stop for every post and boosts are refused. Please also turn "
                 "off publishing in the single access platform (4.4, 5).")
    lines.append(f"{_cmd(platform, 'pause until YYYY-MM-DD')} moves the last day (say, once the funeral is "
                 f"announced); {_cmd(platform, 'pause end')} ends it early.")
    return message(Text("\n".join(lines)))


async def already_reply(svc, pause: MourningPause, platform: str | None = None) -> Message:
    return message(Text(
        f"A mourning pause is already on, so I haven't started another: {pause.reason}, started by "
        f"{await name_of(svc, pause.started_by)} on {day_words(pause.started_at.astimezone(svc.config.tz).date())}"
        f", until the end of {day_words(last_day(pause, svc.config.tz), svc.today())}. Use "
        f"{_cmd(platform, 'pause until YYYY-MM-DD')} to change the last day, or {_cmd(platform, 'pause end')} to "
        "end it."))


async def status(svc, viewer: str | None, platform: str | None = None) -> Message:
    pause = await current(svc)
    may = svc.config.has_role(viewer, *MAY_CHANGE)
    if pause is None:
        text = "Posting isn't paused. A mourning pause (4.4) is started by the Communications Team"
        text += f": {_cmd(platform, 'pause start [days] [reason]')} (10 days if you don't say)." if may else "."
        return message(Text(text))
    tz = svc.config.tz
    started = pause.started_at.astimezone(tz).date()
    day_no, of = (svc.today() - started).days + 1, (last_day(pause, tz) - started).days + 1
    text = (f"⏸️ *Posting is paused* for {pause.reason} (4.4): day {day_no} of {of}, "
            f"until the end of {day_words(last_day(pause, tz), svc.today())}. Started by "
            f"{await name_of(svc, pause.started_by)} on {day_words(started, svc.today())}. Don't post or "
            "schedule anything until it ends.")
    if may:
        text += (f"\n{_cmd(platform, 'pause until YYYY-MM-DD')} moves the last day; {_cmd(platform, 'pause end')} "
                 "ends it now.")
    return message(Text(text))


def ended_reply(svc, admins: int) -> Message:
    told = f"the {admins} administrator(s) in the register and " if admins else ""
    return message(Text(f"▶️ *Mourning pause ended.* Posting can resume; I've told {told}the Communications Team. "
                        "Remember to turn publishing back on in the single access platform (4.4)."))


async def announce_move(svc, pause: MourningPause, old_last: date) -> Message:
    """Tell administrators the new last day (once per change) and reply to the person who moved it."""
    new_last = last_day(pause, svc.config.tz)
    today = svc.today()
    head = f"The mourning pause now ends on {day_words(new_last, today)}"
    text = (f"The Communications Team has moved the end of the mourning pause ({pause.reason}) from "
            f"{day_words(old_last, today)} to the end of {day_words(new_last, today)} (4.4). Please make sure "
            "nothing is scheduled to publish before then.")
    admins = await administrators(svc)
    missed = await _dm_all(svc, admins, lambda acc: message(Header(head), Text(text), _accounts_field(acc), text=head),
                           "pause_moved", pause.id, new_last.isoformat())
    await _post_comms(svc, f"⏸️ {text}", ("pause_moved", f"{pause.id}:{new_last.isoformat()}"))
    reply = f"Done: the pause now runs until the end of {day_words(new_last, today)}. I've told the administrators."
    if missed:
        reply += f" I couldn't reach {', '.join(missed)} on Slack or Teams: please contact them another way."
    return message(Text(reply))
