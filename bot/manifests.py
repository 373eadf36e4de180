"""The Slack app manifest and the Teams app manifest, generated from the workflows' registry.

`python -m bot manifest slack --url https://bot.example.gov.uk` prints the Slack manifest;
`python -m bot manifest teams` prints the Teams one (the app id is a placeholder to replace).
The copies in manifests/ come from the same commands (with the placeholders), and tests/test_manifests.py
checks they are current: after adding a command or shortcut, regenerate them.
"""
from __future__ import annotations

from chat.commands import typed
from chat.registry import Registry

from . import __version__

SLACK_SCOPES = [
    "commands",            # /smpolicy and /crisis, message shortcuts
    "chat:write",          # replies, cards, reminders
    "chat:write.public",   # post to the configured channels without joining each
    "im:write",            # open DMs for reminders
    "im:history",          # after a crash, find a DM the outbox may already have sent (never sent twice)
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
PLACEHOLDER_URL = "https://YOUR-BOT-HOST"
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
                  "description": s.description[:150]} for s in _shortcuts(registry)]
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "smpolicy",
            "description": "In-the-moment guidance under the Social Media Policy",
            "background_color": "#1d4f91",
        },
        "features": {
            "bot_user": {"display_name": "smpolicy", "always_online": True},
            "shortcuts": shortcuts,
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": SLACK_SCOPES}},
        "settings": {
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
    commands = [{"title": typed(c.family, c.name, "teams")[:32], "description": c.summary[:128]}
                for c in menu]
    actions = [{"id": s.callback_id, "type": "action", "title": s.title[:32], "description": s.description[:128],
                "context": ["message"], "fetchTask": True} for s in _shortcuts(registry)][:10]
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
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#1D4F91",
        "bots": [{"botId": app_id, "scopes": ["personal", "team", "groupChat"], "supportsFiles": False,
                  "isNotificationOnly": False,
                  "commandLists": [{"scopes": ["personal", "team", "groupChat"], "commands": commands}]}],
        "composeExtensions": [{"botId": app_id, "commands": actions}],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }
