"""Reporting a suspected information security breach (2.10): the verdict's button files one report per verdict
and emails Information Management the reference and the kind of material; a failed email is retried by the
sweep and the reporter told when it goes. A second click is told it was reported already and sends nothing."""
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
RETRY_AFTER = timedelta(minutes=10)   # the sweep leaves a report this young to the click that is sending it


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
    row, filed = await store.file(svc, offer, user.email, platform)
    if not filed:
        names = await display_names(svc, [row.reporter])
        return messages.already(row, to, names[row.reporter], when(svc, row.created_at))
    reason = await _email(svc, row)
    section = messages.section_for(svc.config.profile_for(user.email))
    return messages.reported(row, to, section) if reason is None else messages.not_sent(row, reason)


async def retry_sweep(svc: Services, now) -> int:
    """Every 15 minutes: reports whose email has not gone, tried again; the reporter told when one goes."""
    if svc.mailer is None or not svc.config.security_breach_email:
        return 0
    sent = 0
    for row in await store.unsent(svc, now - RETRY_AFTER):
        if await _email(svc, row) is None:
            sent += 1
            try:
                await svc.notifier.dm(row.reporter, messages.sent_later(row))
            except Exception as exc:   # the email went, which is what matters; the note is a courtesy
                log.warning("could not tell the reporter %s was sent: %s", row.reference, type(exc).__name__)
    return sent
