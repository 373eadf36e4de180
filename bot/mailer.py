"""Email over SMTP (SMTP_HOST, SMTP_PORT, SMTP_STARTTLS, SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM).

The standard library's smtplib runs in a worker thread (asyncio.to_thread) so a slow mail server never blocks
the event loop. This is the edge's MailSender (the port is in chat/mail.py). A failure raises MailError whose
`reason` is safe to show and to log: it names what went wrong, never the message, the recipients or the password.
"""
from __future__ import annotations

import asyncio
import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from chat.mail import Email, MailError

log = logging.getLogger(__name__)


@dataclass
class Mailer:
    host: str
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "smpolicy-bot@localhost"
    timeout: float = 15.0

    @classmethod
    def from_settings(cls, settings) -> "Mailer | None":
        """None when SMTP_HOST is not set: workflows then keep their emails as "not yet sent"."""
        if not settings.smtp_host:
            return None
        return cls(host=settings.smtp_host, port=settings.smtp_port, starttls=settings.smtp_starttls,
                   username=settings.smtp_username, password=settings.smtp_password, sender=settings.smtp_from)

    def message_id(self, key: str) -> str:
        domain = self.sender.rpartition("@")[2] or "localhost"
        return make_msgid(idstring=key, domain=domain)

    def build(self, mail: Email) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = ", ".join(mail.to)
        if mail.cc:
            msg["Cc"] = ", ".join(mail.cc)
        if mail.reply_to:
            msg["Reply-To"] = mail.reply_to
        msg["Subject"] = mail.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = mail.message_id or make_msgid()
        msg.set_content(mail.body)
        return msg

    async def send(self, mail: Email) -> None:
        if not mail.to:
            raise MailError("there is no address to send to", temporary=False)
        await asyncio.to_thread(self._send_sync, self.build(mail))

    def _send_sync(self, msg: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(msg)
            if refused:
                # Others accepted it, so it has gone: retrying would send them a second copy. Say so in the log.
                log.warning("the mail server refused %d of the addresses (codes %s)", len(refused),
                            sorted({code for code, _ in refused.values()}))
        except smtplib.SMTPAuthenticationError:
            raise MailError("the mail server refused the bot's login (check SMTP_USERNAME/SMTP_PASSWORD)",
                            temporary=False) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise MailError(f"the mail server answered {', '.join(map(str, codes))} for the recipients",
                            temporary=all(c < 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            raise MailError(f"the mail server answered {exc.smtp_code}", temporary=exc.smtp_code < 500) from None
        except (smtplib.SMTPException, OSError, socket.timeout, ssl.SSLError) as exc:
            # The exception's name is for the operator's log, not for the staff member told the email is late.
            log.warning("SMTP send failed: %s", type(exc).__name__)
            raise MailError("the mail server could not be reached") from None
