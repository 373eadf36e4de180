"""What people do to a case after forwarding it: done, reassign, clarify, resume, extend, list.

Each returns the message for the person who did it and tells anyone else who needs to know. A change that had
already been made (a double click, a second process) is reported with who made it and when.
"""
from __future__ import annotations

import logging

from chat.messages import Message, Note, Text, message
from chat.workdays import working_calendar
from chat.errors import NotAllowed

from . import cases as repo
from . import texts
from .reports import list_message
from .rules import day_text, rule_text, standing

log = logging.getLogger(__name__)


def _who_when(svc, email: str | None, at) -> str:
    local = at.astimezone(svc.config.tz) if at else None
    when = f" at {local:%H:%M} on {day_text(local.date())}" if local else ""
    return f"{svc.config.display_name(email) if email else 'someone'}{when}"


async def _dm(svc, to: str, msg: Message) -> None:
    try:
        await svc.notifier.dm(to, msg)
    except Exception as exc:   # telling someone is a courtesy; the change itself is saved
        log.warning("FOI notice not delivered: %s", exc)


def _need_email(email: str | None) -> str:
    if not email:
        raise NotAllowed("I couldn't find your email address, so I can't tell whether this case is yours.")
    return email


async def done(svc, email: str | None, raw_ref: str, outcome: str = "answered") -> Message:
    by = _need_email(email)
    ref = repo.parse_reference(raw_ref)
    case, changed = await repo.close_case(svc, ref, by, outcome)
    if not changed:
        return message(Text(f"{ref} was already marked done by {_who_when(svc, case.closed_by, case.closed_at)}. "
                            "No reminders will come for it."))
    if case.owner_email != by:
        await _dm(svc, case.owner_email, message(Text(
            f"{svc.config.display_name(by)} marked your case *{ref}* done ({outcome}). No more reminders for it.")))
    return message(Text(f"*{ref}* is marked done ({outcome}). No more reminders for it. Thank you."),
                   Note("The reference, dates and outcome are kept; the question and the requester's details are "
                        f"removed after {svc.config.foi_retention_months} months."))


async def reassign(svc, email: str | None, raw_ref: str, new_owner: str) -> Message:
    by = _need_email(email)
    ref = repo.parse_reference(raw_ref)
    before = await repo.get_case(svc, ref)
    case, changed = await repo.reassign_case(svc, ref, by, new_owner.lower())
    if not changed:
        return message(Text(f"{ref} changed hands while you were doing this: it is now owned by "
                            f"{svc.config.display_name(case.owner_email)}. Nothing else was changed."))
    await _dm(svc, case.owner_email, texts.new_owner_dm(case, svc.config.display_name(by)))
    if before.owner_email != by:
        await _dm(svc, before.owner_email, message(Text(
            f"{svc.config.display_name(by)} has passed your case *{ref}* to "
            f"{svc.config.display_name(case.owner_email)}. You won't be reminded about it any more.")))
    return message(Text(f"*{ref}* now belongs to {svc.config.display_name(case.owner_email)}, who has been told. "
                        "They'll get the daily reminders from now on."))


async def clarify(svc, email: str | None, raw_ref: str) -> Message:
    by = _need_email(email)
    ref = repo.parse_reference(raw_ref)
    case, changed = await repo.clarify_case(svc, ref, by)
    if not changed:
        return message(Text(f"The clock on {ref} was already stopped (since {day_text(case.paused_since)})."))
    return message(Text(f"The clock on *{ref}* is stopped from today while you wait for the requester to clarify. "
                        f"When they reply, use `foi resume {ref}`: "
                        + ("the days waited are added to the due date." if case.kind == "sar" else
                           "the working days start again from the day after their reply (FOI s1(3), EIR reg 9(4)).")),
                   Note("Only stop the clock when you have asked the requester what they mean; if unsure, ask the "
                        "FOI Team first (8.1)."))


async def resume(svc, email: str | None, raw_ref: str) -> Message:
    by = _need_email(email)
    ref = repo.parse_reference(raw_ref)
    case, changed = await repo.resume_case(svc, ref, by, await working_calendar(svc))
    if not changed:
        return message(Text(f"The clock on {ref} is already running."))
    why = (f"{case.paused_days} day{'s' if case.paused_days != 1 else ''} added for the wait" if case.kind == "sar"
           else "the working days started again from today's clarification")
    return message(Text(f"The clock on *{ref}* is running again. It is now due on *{day_text(case.due)}* ({why})."))


async def extend(svc, email: str | None, raw_ref: str) -> Message:
    by = _need_email(email)
    ref = repo.parse_reference(raw_ref)
    case, changed = await repo.extend_case(svc, ref, by, await working_calendar(svc))
    if not changed:
        return message(Text(f"{ref} was already extended; it is due on {day_text(case.due)}."))
    return message(Text(f"*{ref}* is extended: now due on *{day_text(case.due)}*, "
                        f"{rule_text(case.kind, True)}."),
                   Note("Tell the requester about the extension now, and why: EIR reg 7(3) needs them told within "
                        "the first 20 working days."))


async def list_cases(svc, email: str | None) -> Message:
    by = _need_email(email)
    everyone = svc.config.has_role(by, "information_management")
    found = await repo.open_cases(svc, None if everyone else by)
    cal = await working_calendar(svc)
    return list_message(svc.today(), found, cal, svc.config.display_name, everyone)


async def show(svc, email: str | None, raw_ref: str) -> Message:
    """The case with the question and requester: only for its owner and Information Management."""
    by = _need_email(email)
    case = await repo.get_case(svc, repo.parse_reference(raw_ref))
    if not repo.may_manage(svc, case, by):
        raise NotAllowed(f"Only the case owner or Information Management can see {case.reference}'s details.")
    words = standing(case.due, svc.today(), await working_calendar(svc)).words()
    return texts.case_details(case, svc.config.display_name(case.owner_email), words)
