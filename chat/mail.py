"""Email as the workflows see it: what to send, how a failure is reported, and the port a mail sender fills.

The SMTP sender lives at the edge (bot/mailer.py); a workflow is given one as `svc.mailer`, or None when the
organisation has not configured email, and keeps its emails as "not yet sent" until one is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class MailError(RuntimeError):
    """A send failed; `reason` is safe to show and to log (never the message, the recipients or a password)."""

    def __init__(self, reason: str, temporary: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


@dataclass(frozen=True)
class Email:
    to: tuple[str, ...]
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    reply_to: str | None = None
    message_id: str | None = None     # stable per item, so a retried send threads with the first


class MailSender(Protocol):
    def message_id(self, key: str) -> str:
        """A Message-ID that is the same every time for `key`, so a retried send threads with the first."""
        ...

    async def send(self, mail: Email) -> None:
        """Send it, or raise MailError."""
        ...
