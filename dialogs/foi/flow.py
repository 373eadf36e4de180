"""What people do with a case: forward it (the form, pre-filled from the message it was used on, and what
happens on submit), then done, reassign, clarify, resume, extend, list and show.

Each returns the message for the person who did it and tells anyone else who needs to know. A change that had
already been made (a double click, a second process) is reported with who made it and when."""
from __future__ import annotations

import logging

from chat import logcontext
from chat.commands import typed
from chat.errors import NotAllowed
from chat.messages import Form, Message, Note, PersonRef, Text, message
from chat.replies import FormErrors
from chat.services import Services
from chat.wording import display_names
from chat.workdays import working_calendar

from . import messages, store
from .delivery import Outcome, cannot_email, queue_announcement, queue_email, send_email, set_waiting
from .messages import list_message
from .rules import check_submission, day_text, first_link, looks_like_email, rule_text, standing, suggest_kind
from .store import create_case

log = logging.getLogger(__name__)
NO_EMAIL = ("I couldn't find your email address on {platform}, and the FOI Team needs to know who forwarded the "
            "request. Ask your administrator to check your profile, and meanwhile email the request to "
            "{im} yourself (8.1).")


def _is_sfrs(svc: Services, email: str | None, channel: str | None) -> bool:
    return svc.config.profile_for(email, channel) == "sfrs"


def form_for(svc: Services, user: PersonRef, text: str | None = None, channel: str | None = None) -> Form:
    kind, why = suggest_kind(text)
    # Slack takes at most 3,000 characters as a field's starting value; the rest of a long thread is not needed.
    return messages.foi_form(svc.today(), question=(text or "")[:3000] or None, link=first_link(text), kind=kind,
                          kind_why=why, owner=user, sfrs=_is_sfrs(svc, user.email, channel))


async def submit(svc: Services, user: PersonRef, values: dict, channel: str | None) -> Message | FormErrors:
    creator = user.email
    if not creator:
        raise NotAllowed(NO_EMAIL.format(platform=user.platform or "this platform",
                                         im=svc.config.information_management_email or "Information Management"))
    sub, errors = check_submission(values, svc.today())
    owner_ref = values.get("owner")
    owner = creator if owner_ref is None else await svc.directory.email_of(owner_ref)
    if owner_ref is not None and not looks_like_email(owner):
        errors["owner"] = "I can't find an email address for that person. Choose someone else, or leave it as you."
    if errors:
        redraw = messages.foi_form(svc.today(), values=values, sfrs=_is_sfrs(svc, creator, channel))
        return FormErrors(errors, form=redraw)
    cal = await working_calendar(svc)
    # People by name (which may ask the platform), read before the transaction that saves the case
    names = await display_names(svc, [creator, owner.lower()])

    async def with_case(session, case) -> None:   # what a new case causes, queued in the transaction saving it
        await queue_announcement(svc, session, case, names)
        if cannot_email(svc) is None:
            await queue_email(svc, session, case)
        logcontext.about(case.reference)
        if case.owner_email != creator:
            await svc.outbox.dm(session, case.owner_email,
                                messages.new_owner_dm(case, names[creator]),
                                key=f"foi:{case.reference}:new-owner", notify=creator,
                                about=f"the news that {case.reference} is theirs")

    case, created = await create_case(svc, sub, owner.lower(), creator, cal, then=with_case)
    if created and cannot_email(svc) is None:
        outcome = Outcome("sending")     # the outbox emails it after this answer, and tells them how it went
    elif created:                        # email cannot even be tried (set-up): say why now, retried by the sweep
        outcome = await send_email(svc, case.id)
        await set_waiting(svc, case.id, True)
    else:
        outcome = Outcome({"sent": "sent", "sending": "sending"}.get(case.email_state, "pending"), case.email_error)
    now_standing = standing(case.due, svc.today(), cal)
    return messages.confirmation(
        case, status=outcome.status, reason=outcome.reason, owner_label=await _name(svc, case.owner_email),
        im_address=svc.config.information_management_email, duplicate=not created,
        overdue_words=now_standing.words() if now_standing.status == "overdue" else None,
        sfrs=_is_sfrs(svc, creator, channel))


async def _name(svc: Services, email: str) -> str:
    """The person's display name: the organisation file, the platform, then the address (chat.wording)."""
    return (await display_names(svc, [email]))[email]


def _who_when(svc: Services, email: str | None, at) -> str:
    local = at.astimezone(svc.config.tz) if at else None
    when = f" at {local:%H:%M} on {day_text(local.date())}" if local else ""
    return f"{svc.config.display_name(email) if email else 'someone'}{when}"


async def _dm(svc: Services, to: str, msg: Message) -> None:
    try:
        await svc.notifier.dm(to, msg)
    except Exception as exc:   # telling someone is a courtesy; the change itself is saved
        log.warning("FOI notice not delivered: %s", exc)


def _need_email(email: str | None) -> str:
    if not email:
        raise NotAllowed("I couldn't find your email address, so I can't tell whether this case is yours.")
    return email


async def done(svc: Services, email: str | None, raw_ref: str, outcome: str = "answered") -> Message:
    by = _need_email(email)
    ref = store.parse_reference(raw_ref)
    case, changed = await store.close_case(svc, ref, by, outcome)
    if not changed:
        return message(Text(f"{ref} was already marked done by {_who_when(svc, case.closed_by, case.closed_at)}. "
                            "No reminders will come for it."))
    if case.owner_email != by:
        await _dm(svc, case.owner_email, message(Text(
            f"{await _name(svc, by)} marked your case *{ref}* done ({outcome}). No more reminders for it.")))
    return message(Text(f"*{ref}* is marked done ({outcome}). No more reminders for it. Thank you."),
                   Note("The reference, dates and outcome are kept; the question and the requester's details are "
                        f"removed after {svc.config.foi_retention_months} months."))


async def reassign(svc: Services, email: str | None, raw_ref: str, new_owner: str) -> Message:
    by = _need_email(email)
    ref = store.parse_reference(raw_ref)
    before = await store.get_case(svc, ref)
    case, changed = await store.reassign_case(svc, ref, by, new_owner.lower())
    if not changed:
        return message(Text(f"{ref} changed hands while you were doing this: it is now owned by "
                            f"{await _name(svc, case.owner_email)}. Nothing else was changed."))
    names = await display_names(svc, [by, case.owner_email])
    await _dm(svc, case.owner_email, messages.new_owner_dm(case, names[by]))
    if before.owner_email != by:
        await _dm(svc, before.owner_email, message(Text(
            f"{names[by]} has passed your case *{ref}* to "
            f"{names[case.owner_email]}. You won't be reminded about it any more.")))
    return message(Text(f"*{ref}* now belongs to {names[case.owner_email]}, who has been told. "
                        "They'll get the daily reminders from now on."))


async def reassign_form(svc: Services, email: str | None, raw_ref: str) -> Form:
    """The form a Reassign button opens, for the case owner or Information Management."""
    case = await store.get_case(svc, store.parse_reference(raw_ref))
    if not store.may_manage(svc, case, email):
        raise NotAllowed(f"Only the case owner or Information Management can reassign {case.reference}.")
    return messages.reassign_form(case.reference, await _name(svc, case.owner_email))


async def reassign_from_form(svc: Services, email: str | None, raw_ref: str,
                             new_owner: str | None) -> Message | FormErrors:
    """The reassign form submitted: `new_owner` is the chosen person's email (None when none could be found)."""
    if not looks_like_email(new_owner):
        case = await store.get_case(svc, store.parse_reference(raw_ref))
        form_ = messages.reassign_form(case.reference, svc.config.display_name(case.owner_email))
        return FormErrors({"owner": "Choose someone whose email address I can find."}, form=form_)
    return await reassign(svc, email, raw_ref, new_owner)


async def clarify(svc: Services, email: str | None, raw_ref: str, platform: str | None = None) -> Message:
    by = _need_email(email)
    ref = store.parse_reference(raw_ref)
    case, changed = await store.clarify_case(svc, ref, by)
    if not changed:
        return message(Text(f"The clock on {ref} was already stopped (since {day_text(case.paused_since)})."))
    return message(Text(f"The clock on *{ref}* is stopped from today while you wait for the requester to clarify. "
                        f"When they reply, use `{typed('smpolicy', f'foi resume {ref}', platform)}`: "
                        + ("the days waited are added to the due date." if case.kind == "sar" else
                           "the working days start again from the day after their reply (FOI s1(3), EIR reg 9(4)).")),
                   Note("Only stop the clock when you have asked the requester what they mean; if unsure, ask the "
                        "FOI Team first (8.1)."))


async def _dated_change(svc: Services, email: str | None, raw_ref: str, change):
    """The case named, changed by `change(svc, ref, by, calendar)` (its due date moves): (case, changed, ref)."""
    by = _need_email(email)
    ref = store.parse_reference(raw_ref)
    case, changed = await change(svc, ref, by, await working_calendar(svc))
    return case, changed, ref


async def resume(svc: Services, email: str | None, raw_ref: str) -> Message:
    case, changed, ref = await _dated_change(svc, email, raw_ref, store.resume_case)
    if not changed:
        return message(Text(f"The clock on {ref} is already running."))
    why = (f"{case.paused_days} day{'s' if case.paused_days != 1 else ''} added for the wait" if case.kind == "sar"
           else "the working days started again from today's clarification")
    return message(Text(f"The clock on *{ref}* is running again. It is now due on *{day_text(case.due)}* ({why})."))


async def extend(svc: Services, email: str | None, raw_ref: str) -> Message:
    case, changed, ref = await _dated_change(svc, email, raw_ref, store.extend_case)
    if not changed:
        return message(Text(f"{ref} was already extended; it is due on {day_text(case.due)}."))
    return message(Text(f"*{ref}* is extended: now due on *{day_text(case.due)}*, "
                        f"{rule_text(case.kind, True)}."),
                   Note("Tell the requester about the extension now, and why: EIR reg 7(3) needs them told within "
                        "the first 20 working days."))


async def list_cases(svc: Services, email: str | None, platform: str | None = None) -> Message:
    by = _need_email(email)
    everyone = svc.config.has_role(by, "information_management")
    found = await store.open_cases(svc, None if everyone else by)
    cal = await working_calendar(svc)
    names = await display_names(svc, {c.owner_email for c in found[:messages.MAX_LINES]}) if everyone else {}
    return list_message(svc.today(), found, cal, lambda e: names.get(e, e), everyone, platform)


async def show(svc: Services, email: str | None, raw_ref: str) -> Message:
    """The case with the question and requester: only for its owner and Information Management."""
    by = _need_email(email)
    case = await store.get_case(svc, store.parse_reference(raw_ref))
    if not store.may_manage(svc, case, by):
        raise NotAllowed(f"Only the case owner or Information Management can see {case.reference}'s details.")
    words = standing(case.due, svc.today(), await working_calendar(svc)).words()
    return messages.case_details(case, await _name(svc, case.owner_email), words)
