"""Reporting online harassment (3.9): the form from a message or the command, then in one transaction the report
filed once, the account on the blocked-accounts list, the manager's DM, the Communications Team's notice and the
email to HR (an outbox job, where the organisation file names HR) queued; the reporter told exactly who is told.
The email goes after the form is answered, retried with the outbox's back-off; the reporter hears once, on the
first failure, that it has not gone yet, and once more if it finally goes or is given up."""
from __future__ import annotations

import logging

from chat.errors import NotAllowed
from chat.mail import MailError
from chat.messages import Form, Message, PersonRef
from chat.platforms import SendError, Undeliverable
from chat.replies import FormErrors
from chat.services import Services
from chat.wording import display_names
from storage import outbox as outbox_store
from storage.claims import Repeated

from . import messages, store
from .rules import check_form, guess_from_message

log = logging.getLogger(__name__)
EMAIL_JOB = "harassment.hr_email"


def form_for(text: str | None = None) -> Form:
    platform, handle = guess_from_message(text)
    return messages.report_form(platform=platform, handle=handle, details=text)


async def queue_hr_email(svc: Services, session, ref: str, reporter: str, labels: tuple[str, str | None],
                         platform: str, handle: str, details: str) -> None:
    """In the transaction filing the report: the email to HR, run by the outbox after the form is answered. What
    it needs is kept in the job only until it has gone (the outbox clears a job's body once it is done)."""
    reporter_label, manager_label = labels
    await svc.outbox.job(session, EMAIL_JOB, {"ref": ref, "reporter": reporter, "reporter_label": reporter_label,
                                              "manager_label": manager_label, "platform": platform,
                                              "handle": handle, "details": details},
                         key=f"harassment:{ref}:hr-email", notify=reporter, about=f"the email of {ref} to HR")


async def hr_email_job(svc: Services, args: dict) -> None:
    """The outbox job: email HR. A failure tells the reporter once and raises SendError so the outbox tries again
    with its back-off (and tells them if it never goes); a send after that failure tells them it has gone."""
    ref, reporter = args["ref"], args["reporter"]
    if svc.mailer is None or not svc.config.hr_email:
        raise Undeliverable("email to Human Resources isn't set up on this bot any more")
    mail = messages.hr_email(to=svc.config.hr_email, reporter_label=f"{args['reporter_label']} <{reporter}>",
                             manager_label=args["manager_label"], platform=args["platform"], handle=args["handle"],
                             details=args["details"], ref=ref, message_id=svc.mailer.message_id(f"{ref}.hr"))
    failed_key = f"harassment:{ref}:hr-not-sent-yet"
    try:
        await svc.mailer.send(mail)
    except MailError as exc:
        log.warning("harassment report %s: HR not emailed: %s", ref, exc.reason)
        if not exc.temporary:     # trying again cannot help: the outbox tells the reporter it could not go
            raise Undeliverable(exc.reason) from exc
        async with svc.db.transaction() as session:     # queued once, however many tries fail
            await svc.outbox.dm(session, reporter, messages.hr_not_sent_yet(ref, exc.reason), key=failed_key,
                                about=f"the news that {ref} has not reached HR yet")
        raise SendError(exc.reason) from exc
    if (await outbox_store.state_of(svc.db, failed_key))[0] is not None:
        async with svc.db.transaction() as session:
            await svc.outbox.dm(session, reporter, messages.hr_sent_later(ref, svc.config.hr_email),
                                key=f"harassment:{ref}:hr-emailed", about=f"the news that {ref} has reached HR")


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
            if svc.config.hr_email and svc.mailer is not None:
                await queue_hr_email(svc, session, ref, reporter, (reporter_label, manager_label), platform,
                                     account.handle, details)
    except Repeated:
        return messages.already()
    told, not_told = [], []
    if manager:
        told.append(f"your manager, {manager_label}")
    else:
        not_told.append("I couldn't find your manager in the organisation file: please speak to them yourself.")
    if svc.config.hr_email and svc.mailer is not None:
        told.append(f"Human Resources (the email to {svc.config.hr_email} is saved and being sent; I'll tell you "
                    "if it can't go)")
    elif svc.config.hr_email:
        not_told.append("The email to Human Resources didn't go (email isn't set up on this bot yet): please "
                        "contact them yourself.")
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
