"""Reporting a suspected information security breach (2.10): the verdict's button files one report per verdict,
with the email to Information Management (the reference and the kind of material) queued as an outbox job in the
same transaction, so the click is answered at once and the email goes after it, once, whichever process is alive.
The reporter hears once how it went: sent, or not yet (then the sweep retries it and tells them when it goes).
A second click is told it was reported already and sends nothing."""
from __future__ import annotations

import logging
from datetime import timedelta

from chat.errors import BadInput, NotAllowed
from chat.mail import MailError
from chat.messages import Message, PersonRef
from chat.services import Services
from chat.wording import display_names, when

from . import messages, store
from .rules import parse_button_value

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=10)   # the sweep leaves a report this young to the outbox job sending it
EMAIL_JOB = "security.email"


async def _email(svc: Services, report) -> str | None:
    """Send the email; None when it went, else a reason safe to show."""
    to = svc.config.security_breach_email
    if svc.mailer is None:
        return "email isn't set up on this bot yet"
    names = await display_names(svc, [report.reporter])
    mail = messages.email_for(report, to=to, reporter_label=f"{names[report.reporter]} <{report.reporter}>",
                              when=when(svc, report.created_at),
                              message_id=svc.mailer.message_id(f"{report.reference}.{report.id}"))
    try:
        await svc.mailer.send(mail)
    except MailError as exc:
        log.warning("security report %s not emailed: %s", report.reference, exc.reason)
        await store.mark_emailed(svc, report.id, False, exc.reason)
        return exc.reason
    await store.mark_emailed(svc, report.id, True)
    return None


async def report(svc: Services, user: PersonRef, platform: str, value: str) -> Message:
    offer = parse_button_value(value)
    if offer is None:
        raise BadInput("That button is out of date. Check the draft again and use the new verdict's button.")
    if not user.email:
        raise NotAllowed("I couldn't find your email address, so Information Management couldn't reach you. "
                         f"Report it yourself with the {messages.FORM_NAME} (2.10).")
    to = svc.config.security_breach_email
    if not to:
        return messages.no_address()
    queue = None if svc.mailer is None else (lambda session, row: queue_email(svc, session, row))
    row, filed = await store.file(svc, offer, user.email, platform, then=queue)
    if not filed:
        names = await display_names(svc, [row.reporter])
        return messages.already(row, to, names[row.reporter], when(svc, row.created_at))
    if svc.mailer is None:     # nothing to wait for: say why now (the sweep does not retry without a mailer)
        return messages.not_sent(row, await _email(svc, row))
    return messages.reported(row, to, messages.section_for(svc.config.profile_for(user.email)))


async def queue_email(svc: Services, session, row) -> None:
    """In the transaction filing the report: its email, as outbox work run after the click is answered."""
    await svc.outbox.job(session, EMAIL_JOB, {"report_id": row.id}, key=f"security:{row.reference}:email",
                         notify=row.reporter, about=f"the email of {row.reference} to Information Management")


async def email_job(svc: Services, args: dict) -> None:
    """The outbox job: send the email once, then tell the reporter it went, or that it has not gone yet (the
    sweep retries it and tells them when it goes). A report already emailed (a rerun after a crash) sends nothing."""
    row = await store.by_id(svc, args["report_id"])
    if row is None or row.email_state != "pending":
        return
    reason = await _email(svc, row)
    async with svc.db.transaction() as session:
        if reason is None:
            await _tell_sent(svc, session, row)
        else:
            await svc.outbox.dm(session, row.reporter, messages.not_sent(row, reason),
                                key=f"security:{row.reference}:not-sent-yet",
                                about=f"the news that {row.reference} has not been emailed yet")


async def _tell_sent(svc: Services, session, row) -> None:
    """Once, whoever sent it (the job or the sweep)."""
    await svc.outbox.dm(session, row.reporter, messages.sent_later(row), key=f"security:{row.reference}:emailed",
                        about=f"the news that {row.reference} has been emailed")


async def retry_sweep(svc: Services, now) -> int:
    """Every 15 minutes: reports whose email has not gone, tried again; the reporter told when one goes."""
    if svc.mailer is None or not svc.config.security_breach_email:
        return 0
    sent = 0
    for row in await store.unsent(svc, now - RETRY_AFTER):
        if await _email(svc, row) is None:
            sent += 1
            async with svc.db.transaction() as session:
                await _tell_sent(svc, session, row)
    return sent
