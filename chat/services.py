"""What every handler and sweep is given: storage, the organisation, the clock, the notifier, the directory."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .clock import Clock
from .orgconfig import OrgConfig


@dataclass
class Services:
    settings: Any               # the edge's bot.settings.Settings: read by the platform edge only
    config: OrgConfig
    db: "Database"              # storage.db.Database
    clock: Clock
    notifier: "Notifier"        # chat.notifier.Notifier
    directory: "Directory"      # chat.directory.Directory
    mailer: object | None = None    # an email sender (FOI adds it); None when SMTP is not configured
    extras: dict = field(default_factory=dict)   # per-workflow singletons, keyed by workflow name

    def now(self) -> datetime:
        return self.clock.now()

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.config.tz)

    def today(self) -> date:
        return self.local_now().date()


from storage.db import Database  # noqa: E402  (type names above)
from .directory import Directory  # noqa: E402
from .notifier import Notifier  # noqa: E402
