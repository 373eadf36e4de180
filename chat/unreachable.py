"""Someone the bot could not reach in Slack or Teams: never a silent drop.

When a direct message can never be delivered because the person cannot be reached on any connected platform
(they never met the bot, Teams will not open a chat with them), three things happen, from the outbox's last
try (chat/outbox.py):
- the message goes by email instead, where the organisation has email (svc.mailer);
- the person whose action caused it is told at once, and whether it was emailed;
- the Communications Team's channel is told who could not be reached (their name and what it was, nothing
  of the message itself), so they can get the app added for them.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from storage.identity import identities_by_email

from . import wire
from .commands import typed
from .mail import Email, MailError
from .messages import Message, Text, message
from .plaintext import as_plain_text

if TYPE_CHECKING:
    from .services import Services

log = logging.getLogger(__name__)

NOTICE_PREFIXES = ("undelivered:", "unreachable:")   # notices about notices are never sent on
EMAILED_INSTEAD = ("\n\n-- \nYou were sent this by email because the Social Media Policy bot could not reach you in "
                   "Slack or Microsoft Teams.")


def email_of(row) -> str | None:
    """The address a queued DM was for, when it names one."""
    if "@" in (row.target or ""):
        return row.target
    to = (row.body or {}).get("to")
    person = wire.load(to) if to else None
    return getattr(person, "email", None)


async def name_of(svc: "Services", email: str | None) -> str:
    """Their display name: the organisation file, else what a platform told us, else the address."""
    if not email:
        return "them"
    name = svc.config.display_name(email)
    if name != email:
        return name
    async with svc.db.sessions() as session:
        rows = await identities_by_email(session, email)
    return next((r.name for r in rows if r.name), email)


async def email_instead(svc: "Services", row, email: str | None) -> bool:
    """Send the DM as an email. True when it went."""
    if svc.mailer is None or not email:
        return False
    msg: Message = wire.load(row.body["message"])
    about = (row.body or {}).get("about")
    subject = (msg.text or about or "A message from the Social Media Policy bot").splitlines()[0][:150]
    mail = Email(to=(email,), subject=subject, body=as_plain_text(msg) + EMAILED_INSTEAD,
                 message_id=svc.mailer.message_id(row.key))
    try:
        await svc.mailer.send(mail)
    except MailError as exc:
        log.warning("the email sent instead of an undeliverable DM failed: %s", exc.reason)
        return False
    return True


async def queue_notices(svc: "Services", session, row, name: str, emailed: bool) -> None:
    """Tell the person who caused the message, and the Communications Team (in the caller's transaction)."""
    if row.key.startswith(NOTICE_PREFIXES):
        return
    what = (row.body or {}).get("about") or "a message"
    outcome = ("I've emailed it to them instead." if emailed else
               "Please let them know yourself" + (" (there is no email set up for me to send it by)."
                                                  if svc.mailer is None else "."))
    if row.notify and row.notify != row.target:
        text = f"I couldn't reach {name} in Slack or Teams, so {what} didn't reach them as a message. {outcome}"
        await svc.outbox.dm(session, row.notify, message(Text(text)), key=f"unreachable:{row.key}:asker")
    comms = (f"{name} couldn't be reached in Slack or Teams, so {what} didn't reach them as a message "
             f"({'it was emailed to them instead' if emailed else 'it was not emailed'}). If they should use "
             "the bot, add the app to a team they are in, or ask them to message it once "
             f"(*{typed('smpolicy', 'help', 'teams')}* in Teams, *{typed('smpolicy', 'help', 'slack')}* in Slack).")
    await svc.outbox.post(session, "comms_team", message(Text(comms)), key=f"unreachable:{row.key}:comms")
