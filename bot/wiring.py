"""Builds the Services from the settings and connects the platform senders: one place for the server (app.py)
and the command line (bot/cli), so neither needs the other."""
from __future__ import annotations

from chat.clock import Clock
from chat.orgconfig import OrgConfig
from chat.platforms import PlatformSender
from chat.registry import Registry
from chat.services import Services
from storage.db import Database

from .mailer import Mailer
from .settings import Settings


def build_services(settings: Settings, config: OrgConfig, registry: Registry, clock: Clock | None = None,
                   senders: dict[str, PlatformSender] | None = None) -> Services:
    """Everything a handler, sweep or command-line tool needs, without a web server. `senders` is filled in as
    the platforms connect (slack_sender, teams_sender)."""
    return Services(config=config, db=Database(settings.database_url), clock=clock or Clock(), registry=registry,
                    senders=senders if senders is not None else {},
                    mailer=Mailer.from_settings(settings),  # None when SMTP_HOST is unset
                    settings=settings)


# The platform SDKs are imported only when a platform is connected: a command-line run that sends nothing
# (python -m bot check, foi due-date) starts without them.

def slack_sender(settings: Settings) -> PlatformSender:
    from .slack.sender import SlackSender, make_client

    return SlackSender(make_client(settings.slack_bot_token, settings.slack_api_url))


def teams_sender(settings: Settings, svc: Services, adapter) -> PlatformSender:
    from .teams.sender import TeamsSender

    return TeamsSender(adapter, svc.db, settings.teams_app_id, settings.teams_tenant_id, clock=svc.clock)
