"""Reporting online harassment (3.9): the form from a message or the command, then in one transaction the report
filed once, the account on the blocked-accounts list, the manager's DM and the Communications Team's notice
queued; HR emailed where the organisation file names it; the reporter told exactly who was told."""
from __future__ import annotations

import logging

from chat.errors import NotAllowed
from chat.mail import MailError
from chat.messages import Form, Message, PersonRef
from chat.replies import FormErrors
from chat.services import Services
from chat.wording import display_names
from storage.claims import Repeated

from . import messages, store
from .rules import check_form, guess_from_message

log = logging.getLogger(__name__)


def form_for(text: str | None = None) -> Form:
    platform, handle = guess_from_message(text)
    return messages.report_form(platform=platform, handle=handle, details=text)


async def _email_hr(svc: Services, ref: str, reporter_label: str, manager_label: str | None, platform: str,
                    handle: str, details: str) -> str | None:
    """None when HR has the email, else what went wrong, safe to show."""
    if svc.mailer is None:
        return "email isn't set up on this bot yet"
    mail = messages.hr_email(to=svc.config.hr_email, reporter_label=reporter_label, manager_label=manager_label,
                             platform=platform, handle=handle, details=details, ref=ref,
                             message_id=svc.mailer.message_id(f"{ref}.hr"))
    try:
        await svc.mailer.send(mail)
    except MailError as exc:
        log.warning("harassment report %s: HR not emailed: %s", ref, exc.reason)
        return exc.reason
    return None


async def submit(svc: Services, user: PersonRef, values: dict, request_key: str | None) -> Message | FormErrors:
    checked, errors = check_form(values)
    if checked is None:
        return FormErrors(errors, form=messages.report_form(platform=values.get("platform"),
                                                            handle=values.get("handle"),
                                                            details=values.get("details")))
    platform, handle, details = checked
    reporter = user.email
    if not reporter:
        raise NotAllowed("I couldn't find your email address, so I can't tell your manager. Please speak to your "
                         "manager or Human Resources straight away, and tell the Communications Team (3.9).")
    manager = svc.config.manager_of(reporter)
    names = await display_names(svc, [reporter, manager])
    reporter_label, manager_label = names[reporter], (names[manager] if manager else None)
    try:
        async with svc.db.transaction() as session:
            report, account, new = await store.file(svc, session, platform=platform, handle=handle,
                                                    reporter=reporter, request_key=request_key)
            ref = report.reference
            if manager:
                await svc.outbox.dm(session, manager, messages.manager_dm(reporter_label, platform, account.handle,
                                                                          details, ref),
                                    key=f"harassment:{ref}:manager", notify=reporter, about="the note to your manager")
            for p, _ in svc.notifier.channel_ids("comms_team"):
                await svc.outbox.post(session, "comms_team",
                                      messages.comms_notice(platform, account.handle, ref, account.reports, new, p),
                                      key=f"harassment:{ref}:comms@{p}", platform=p, notify=reporter,
                                      about="the note to the Communications Team")
            comms_told = bool(svc.notifier.channel_ids("comms_team"))
    except Repeated:
        return messages.already()
    told, not_told = [], []
    if manager:
        told.append(f"your manager, {manager_label}")
    else:
        not_told.append("I couldn't find your manager in the organisation file: please speak to them yourself.")
    if svc.config.hr_email:
        await svc.outbox.send_queued()     # the manager and the team hear first, whatever the mail server does
        problem = await _email_hr(svc, ref, f"{reporter_label} <{reporter}>", manager_label, platform,
                                  account.handle, details)
        if problem is None:
            told.append(f"Human Resources (by email to {svc.config.hr_email})")
        else:
            not_told.append(f"The email to Human Resources didn't go ({problem}): please contact them yourself.")
    if comms_told:
        told.append("the Communications Team")
    else:
        not_told.append("The Communications Team's channel isn't set up: please email them yourself.")
    return messages.reported(ref, platform, account.handle, told or ["nobody yet"], not_told)


async def list_blocked(svc: Services, email: str | None) -> Message:
    if not svc.config.has_role(email, "comms_team"):
        raise NotAllowed("Only the Communications Team can see the blocked-accounts list (3.9). To report "
                         "harassment, use *Report harassment* on the message.")
    tz = svc.config.tz

    def day(at) -> str:
        local = at.astimezone(tz)
        return f"{local.day} {local:%B %Y}"

    return messages.blocked_list(await store.blocked(svc), day)
