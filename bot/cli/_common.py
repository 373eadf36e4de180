"""Shared set-up for subcommands that need the database and the organisation file."""
from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from datetime import datetime

from chat.clock import Clock, FixedClock
from chat.orgconfig import ConfigError, load_config
from bot.settings import load_settings


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def parse_when(raw: str, tz) -> datetime:
    """An ISO date-time; a naive one is read as local (Europe/London) time."""
    at = datetime.fromisoformat(raw)
    return at.replace(tzinfo=tz) if at.tzinfo is None else at


async def open_services(clock: Clock | None = None, with_senders: bool = False):
    """Services for a command-line run; with_senders connects Slack (and Teams) to send for real."""
    from app import build_services
    from storage import migrate

    settings = load_settings()
    config = load_config(settings.config_path)
    senders: dict = {}
    svc = build_services(settings, config, clock, senders)
    await migrate.upgrade(svc.db)
    if with_senders:
        if settings.slack_mode != "off":
            from bot.slack.sender import SlackSender, make_client

            senders["slack"] = SlackSender(make_client(settings.slack_bot_token, settings.slack_api_url))
        from bot.teams.host import build_adapter
        from bot.teams.sender import TeamsSender

        senders["teams"] = TeamsSender(build_adapter(settings), svc.db, settings.teams_app_id,
                                       settings.teams_tenant_id, clock=svc.clock)
    return svc


@asynccontextmanager
async def cli_services(clock: Clock | None = None, with_senders: bool = False):
    """`async with cli_services() as svc:` — services for one command-line run, closed afterwards.
    A bad organisation file raises ConfigError, which bot.cli.main reports in one line (exit 2)."""
    svc = await open_services(clock, with_senders)
    try:
        yield svc
    finally:
        await svc.db.close()


__all__ = ["fail", "parse_when", "open_services", "cli_services", "ConfigError", "FixedClock"]
