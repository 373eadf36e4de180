"""The Slack app manifest and the Teams app manifest, generated from the workflows' registry.

`python -m bot manifest slack --url https://bot.example.gov.uk` prints the Slack manifest;
`python -m bot manifest teams --app-id GUID --zip smpolicy-teams.zip` writes the Teams package.
The copies in manifests/ (with placeholders) are written by `python -m bot manifest --write`, and
tests/test_manifests.py checks they are current and that both pass the platforms' rules (bot/manifest_rules.py):
after adding a command or shortcut, regenerate them.
"""
from __future__ import annotations

import json
from pathlib import Path

from chat.commands import typed
from chat.registry import Registry

from . import __version__
from .teams_package import ICON_FILES, icons

SLACK_SCOPES = [
    "commands",            # /smpolicy and /crisis, message shortcuts
    "chat:write",          # replies, cards, reminders
    "chat:write.public",   # post to the configured channels without joining each
    "im:write",            # open DMs for reminders
    "im:history",          # DMs to the bot (message.im); after a crash, find a DM the outbox may already have sent
    "app_mentions:read",   # "@smpolicy check ..." in a channel (app_mention)
    "users:read",
    "users:read.email",    # configuration names people by email
    "channels:manage",
    "groups:write",        # create private crisis rooms and invite the group
    "channels:read",
    "channels:history",
    "groups:history",    # fetch a checked message again to send it for sign-off or to FOI
    "groups:read",
    "pins:write",          # pin the crisis card
    "files:write",         # crisis reports and audit exports
    "files:read",          # read attached photos' location data (EXIF) when checking a post
]
# A DM to the bot, an @mention of it, and opening its Home tab (see bot/slack/events.py).
SLACK_BOT_EVENTS = ["app_home_opened", "app_mention", "message.im"]
PLACEHOLDER_URL = "https://YOUR-BOT-HOST"
COMMITTED = Path(__file__).resolve().parent.parent / "manifests"
TEAMS_APP_ID = "00000000-0000-0000-0000-000000000000"


def _shortcuts(registry: Registry) -> list:
    """In a fixed order, whatever the order of the workflows."""
    first = ["is_this_ok"]  # the one people use most sits at the top of the menu
    return sorted(registry.shortcuts.values(), key=lambda s: (s.callback_id not in first, s.callback_id))


def slack_manifest(registry: Registry, base_url: str = PLACEHOLDER_URL) -> dict:
    events_url = base_url.rstrip("/") + "/slack/events"
    commands = [
        {"command": "/smpolicy", "url": events_url, "should_escape": True,
         "description": "Social media policy: check a post, ask, request an account, FOI...",
         "usage_hint": "help"},
        {"command": "/crisis", "url": events_url, "should_escape": True,
         "description": "Run a social media crisis (policy 4.3)", "usage_hint": "start [account] [what is happening]"},
    ]
    shortcuts = [{"name": s.title, "type": "message", "callback_id": s.callback_id,
                  "description": s.description} for s in _shortcuts(registry)]
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "smpolicy",
            "description": "In-the-moment guidance under the Social Media Policy",
            "background_color": "#1d4f91",
        },
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": "smpolicy", "always_online": True},
            "shortcuts": shortcuts,
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": SLACK_SCOPES}},
        "settings": {
            "event_subscriptions": {"request_url": events_url, "bot_events": SLACK_BOT_EVENTS},
            "interactivity": {"is_enabled": True, "request_url": events_url},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }


# Teams shows at most ten commands in its menu; these are the ones people reach for first. Every other
# command still works when typed, and `help` lists them all.
TEAMS_MENU = [("smpolicy", "help"), ("smpolicy", "check"), ("smpolicy", "ask"), ("smpolicy", "foi"),
              ("smpolicy", "request-account"), ("smpolicy", "boost"), ("smpolicy", "status"),
              ("crisis", "start"), ("crisis", "status"), ("crisis", "end")]


def teams_manifest(registry: Registry, app_id: str = TEAMS_APP_ID) -> dict:
    menu = [registry.commands[key] for key in TEAMS_MENU if key in registry.commands]
    commands = [{"title": typed(c.family, c.name, "teams"), "description": c.summary}
                for c in menu]
    actions = [{"id": s.callback_id, "type": "action", "title": s.title, "description": s.description,
                "context": ["message"], "fetchTask": True} for s in _shortcuts(registry)]
    return {
        "$schema": "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json",
        "manifestVersion": "1.17",
        "version": __version__,
        "id": app_id,
        "developer": {"name": "Your council", "websiteUrl": "https://www.example.gov.uk",
                      "privacyUrl": "https://www.example.gov.uk/privacy",
                      "termsOfUseUrl": "https://www.example.gov.uk/terms"},
        "name": {"short": "smpolicy", "full": "Social media policy assistant"},
        "description": {"short": "In-the-moment guidance under the Social Media Policy",
                        "full": "Checks draft posts against the Social Media Policy, answers policy questions, "
                                "and runs the policy's workflows: account requests, boosts, crises, FOI "
                                "forwarding and the mourning pause."},
        "icons": dict(ICON_FILES),
        "accentColor": "#1D4F91",
        "bots": [{"botId": app_id, "scopes": ["personal", "team", "groupChat"], "supportsFiles": False,
                  "isNotificationOnly": False,
                  "commandLists": [{"scopes": ["personal", "team", "groupChat"], "commands": commands}]}],
        "composeExtensions": [{"botId": app_id, "commands": actions}],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def write_committed(registry: Registry, root: Path = COMMITTED) -> list[Path]:
    """Regenerate the copies in manifests/ (placeholder address and app id) and the Teams icons."""
    files = {root / "slack-app.json": _json(slack_manifest(registry)),
             root / "teams" / "manifest.json": _json(teams_manifest(registry)),
             **{root / "teams" / name: content for name, content in icons().items()}}
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return list(files)


def _json(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2) + "\n").encode()
