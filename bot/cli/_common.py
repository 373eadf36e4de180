"""Shared set-up for subcommands: the CliContext (chat/cli.py) the command line gives every subcommand."""
from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import datetime

from bot.settings import load_settings
from bot.wiring import build_services, slack_sender, teams_sender
from chat.clock import Clock
from chat.orgconfig import load_config
from chat.registry import Registry
from storage import migrate


def parse_when(raw: str, tz) -> datetime:
    """An ISO date-time; a naive one is read as local (Europe/London) time."""
    at = datetime.fromisoformat(raw)
    return at.replace(tzinfo=tz) if at.tzinfo is None else at


class EdgeCli:
    """The CliContext of `python -m bot`: settings from the environment, the workflows' registry."""

    def __init__(self, registry: Registry):
        self.registry = registry

    def database_url(self) -> str:
        return load_settings().database_url

    @asynccontextmanager
    async def services(self, clock: Clock | None = None, with_senders: bool = False):
        """`async with args.cli.services() as svc:` — services for one command-line run, closed afterwards.
        A bad organisation file raises ConfigError, which bot.cli.main reports in one line (exit 2)."""
        settings = load_settings()
        config = load_config(settings.config_path)
        senders: dict = {}
        svc = build_services(settings, config, self.registry, clock, senders)
        try:
            await migrate.upgrade(svc.db)
            if with_senders:  # Slack (when configured) and Teams, to send for real
                if settings.slack_mode != "off":
                    senders["slack"] = slack_sender(settings)
                from bot.teams.host import build_adapter   # the Agents SDK loads only for runs that send

                senders["teams"] = teams_sender(settings, svc, build_adapter(settings))
            yield svc
            if with_senders:   # what the run queued in the outbox goes before the process ends
                await svc.outbox.drain()
        finally:
            await svc.db.close()
