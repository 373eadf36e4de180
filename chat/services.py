"""What every handler and sweep is given: storage, the organisation, the clock, the notifier, the directory,
the registry, the mail sender, and the process's own state, each under its own name."""
from __future__ import annotations

import asyncio
from dataclasses import InitVar, dataclass, field
from datetime import date, datetime
from typing import Any

from storage.db import Database

from .clock import Clock
from .directory import Directory
from .inbox import Inbox
from .mail import MailSender
from .notifier import Notifier
from .outbox import Outbox
from .orgconfig import OrgConfig
from .pacing import Pacer
from .platforms import PlatformSender
from .registry import Registry


@dataclass
class Services:
    """Build one per process (bot/wiring.py). `senders` (platform -> PlatformSender) is the edges' dict: they
    add their sender as they connect, and the notifier and directory send and look people up through it."""
    config: OrgConfig
    db: Database
    clock: Clock
    registry: Registry
    senders: InitVar[dict[str, PlatformSender]]
    mailer: MailSender | None = None   # None when the organisation has not configured email
    settings: Any = None               # the edge's bot.settings.Settings: read by the platform edge only
    directory: Directory = field(init=False)
    notifier: Notifier = field(init=False)
    inbox: Inbox = field(init=False)     # interactions acknowledged and still to do (chat/inbox.py)
    outbox: Outbox = field(init=False)   # messages a change caused, sent after its commit (chat/outbox.py)
    # Process state: one pacer for bulk DMs (a 429 on one sweep holds the platform for the next), and the
    # background tasks still running (the outbox's sends after a commit), kept referenced until they finish.
    pacer: Pacer = field(default_factory=Pacer)
    background: set[asyncio.Task] = field(default_factory=set)

    def __post_init__(self, senders: dict[str, PlatformSender]) -> None:
        self.directory = Directory(self.db, self.clock, senders)
        self.notifier = Notifier(self, senders)
        self.inbox = Inbox(self)
        self.outbox = Outbox(self)

    def now(self) -> datetime:
        return self.clock.now()

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.config.tz)

    def today(self) -> date:
        return self.local_now().date()
