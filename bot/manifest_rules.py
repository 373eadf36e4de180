"""The platforms' published rules for app manifests, as a checker: what Slack or Teams would refuse on upload.

The rules are facts copied by hand from the published references (no schema file is vendored, and nothing here
is anyone's code):
- Slack: the app manifest reference (docs.slack.dev/reference/app-manifest) and the errors its
  `apps.manifest.validate` gives: display name at most 35 characters, description 140, long description
  174-4,000; the bot's display name at most 80 of a-z 0-9 - _ .; a shortcut's name 24, callback id 255,
  description 150, type message or global; a slash command at most 32 characters starting "/", its
  description 2,000 and usage hint 1,000; at most 255 bot scopes and 100 bot events; an event needs its scope
  (message.im needs im:history, app_mention needs app_mentions:read).
- Teams: the manifest schema for the version we declare (developer.microsoft.com/json-schemas/teams/v1.17/
  MicrosoftTeams.schema.json): manifestVersion, version, id, developer, name, description, icons and
  accentColor required; id and bot ids GUIDs; version x.y.z; developer name 32 and https URLs of at most 2,048;
  short name 30, full name 100 (and different); short description 80, full 4,000; accent colour #rrggbb; one
  bot, its scopes from team/personal/groupChat, at most 3 command lists of at most 10 commands (title 32,
  description 128); one compose extension of at most 10 commands (id 64, title 32, description 128, type query
  or action, context from compose/commandBox/message); permissions identity/messageTeamMembers; at most 16
  valid domains. The package: manifest.json with a 192x192 colour icon and a 32x32 outline icon (white on
  transparent).

Each function returns the problems found, as lines a person can act on; an empty list means it passes.
"""
from __future__ import annotations

import re

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SLACK_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
SLACK_BOT_NAME = re.compile(r"^[a-z0-9\-_.]+$")
HTTPS_URL = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://")

# Slack: the scope each event we might subscribe to needs before Slack will deliver it.
SLACK_EVENT_SCOPES = {"message.im": "im:history", "app_mention": "app_mentions:read",
                      "message.channels": "channels:history", "message.groups": "groups:history",
                      "app_home_opened": None}

TEAMS_ICON_SIZES = {"color": (192, 192), "outline": (32, 32)}


def is_guid(value: object) -> bool:
    return isinstance(value, str) and bool(GUID.match(value))


class _Problems(list):
    def length(self, where: str, value, most: int, least: int = 0, required: bool = True) -> None:
        if value is None:
            if required:
                self.append(f"{where} is missing")
            return
        if not isinstance(value, str):
            self.append(f"{where} must be text")
        elif len(value) > most:
            self.append(f"{where} is {len(value)} characters; at most {most} allowed: {value!r}")
        elif len(value) < least:
            self.append(f"{where} is {len(value)} characters; at least {least} needed: {value!r}")

    def count(self, where: str, items, most: int) -> None:
        if len(items or []) > most:
            self.append(f"{where} has {len(items)} entries; at most {most} allowed")

    def pattern(self, where: str, value, rule: re.Pattern, what: str) -> None:
        if not isinstance(value, str) or not rule.match(value):
            self.append(f"{where} must be {what}, not {value!r}")

    def choices(self, where: str, values, allowed: set[str]) -> None:
        wrong = [v for v in values or [] if v not in allowed]
        if wrong:
            self.append(f"{where} allows only {sorted(allowed)}, not {wrong}")


def slack_problems(manifest: dict) -> list[str]:
    p = _Problems()
    info = manifest.get("display_information") or {}
    p.length("display_information.name", info.get("name"), 35, 1)
    p.length("display_information.description", info.get("description"), 140, required=False)
    p.length("display_information.long_description", info.get("long_description"), 4000, 174, required=False)
    if "background_color" in info:
        p.pattern("display_information.background_color", info["background_color"], SLACK_HEX_COLOUR,
                  "a hex colour like #1d4f91")
    features = manifest.get("features") or {}
    bot_user = features.get("bot_user")
    if bot_user is not None:
        p.length("features.bot_user.display_name", bot_user.get("display_name"), 80, 1)
        p.pattern("features.bot_user.display_name", bot_user.get("display_name"), SLACK_BOT_NAME,
                  "lower-case letters, digits, - _ and . only")
    callback_ids = [s.get("callback_id") for s in features.get("shortcuts") or []]
    if len(set(callback_ids)) != len(callback_ids):
        p.append("features.shortcuts: two shortcuts share a callback_id")
    for i, shortcut in enumerate(features.get("shortcuts") or []):
        where = f"features.shortcuts[{i}]"
        p.length(f"{where}.name", shortcut.get("name"), 24, 1)
        p.length(f"{where}.callback_id", shortcut.get("callback_id"), 255, 1)
        p.length(f"{where}.description", shortcut.get("description"), 150, 1)
        p.choices(f"{where}.type", [shortcut.get("type")], {"message", "global"})
    for i, command in enumerate(features.get("slash_commands") or []):
        where = f"features.slash_commands[{i}]"
        p.length(f"{where}.command", command.get("command"), 32, 2)
        if not str(command.get("command", "")).startswith("/"):
            p.append(f"{where}.command must start with /")
        p.length(f"{where}.description", command.get("description"), 2000, 1)
        p.length(f"{where}.usage_hint", command.get("usage_hint"), 1000, required=False)
        if "url" in command:
            p.pattern(f"{where}.url", command["url"], HTTPS_URL, "an http(s) address")
    if features.get("slash_commands") and "commands" not in _bot_scopes(manifest):
        p.append("slash commands need the commands bot scope")
    scopes = _bot_scopes(manifest)
    p.count("oauth_config.scopes.bot", scopes, 255)
    events = ((manifest.get("settings") or {}).get("event_subscriptions") or {}).get("bot_events") or []
    p.count("settings.event_subscriptions.bot_events", events, 100)
    for event in events:
        if event not in SLACK_EVENT_SCOPES:
            p.append(f"settings.event_subscriptions.bot_events: {event!r} is not an event this checker knows")
        elif SLACK_EVENT_SCOPES[event] and SLACK_EVENT_SCOPES[event] not in scopes:
            p.append(f"the {event} event needs the {SLACK_EVENT_SCOPES[event]} bot scope")
    home = features.get("app_home") or {}
    if "app_home_opened" in events and not home.get("home_tab_enabled"):
        p.append("app_home_opened is subscribed but features.app_home.home_tab_enabled is not true")
    if "message.im" in events and not home.get("messages_tab_enabled", True):
        p.append("message.im is subscribed but the Messages tab is switched off")
    return p


def _bot_scopes(manifest: dict) -> list[str]:
    return ((manifest.get("oauth_config") or {}).get("scopes") or {}).get("bot") or []


TEAMS_SCOPES = {"team", "personal", "groupChat"}
TEAMS_REQUIRED = ("manifestVersion", "version", "id", "developer", "name", "description", "icons", "accentColor")


def teams_problems(manifest: dict) -> list[str]:
    p = _Problems()
    for key in TEAMS_REQUIRED:
        if key not in manifest:
            p.append(f"{key} is missing")
    if manifest.get("manifestVersion") != "1.17":
        p.append(f"manifestVersion must be 1.17 (the schema these rules are from), not {manifest.get('manifestVersion')!r}")
    p.pattern("version", manifest.get("version"), SEMVER, "a version like 1.2.3")
    p.pattern("id", manifest.get("id"), GUID, "a GUID (the Azure bot's app id)")
    developer = manifest.get("developer") or {}
    p.length("developer.name", developer.get("name"), 32, 1)
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        p.length(f"developer.{key}", developer.get(key), 2048, 1)
        p.pattern(f"developer.{key}", developer.get(key), HTTPS_URL, "an https address")
    name = manifest.get("name") or {}
    p.length("name.short", name.get("short"), 30, 1)
    p.length("name.full", name.get("full"), 100, 1)
    if name.get("short") == name.get("full"):
        p.append("name.short and name.full must differ")
    description = manifest.get("description") or {}
    p.length("description.short", description.get("short"), 80, 1)
    p.length("description.full", description.get("full"), 4000, 1)
    icons = manifest.get("icons") or {}
    for key in TEAMS_ICON_SIZES:
        p.length(f"icons.{key}", icons.get(key), 2048, 1)
    p.pattern("accentColor", manifest.get("accentColor"), HEX_COLOUR, "a colour like #1D4F91")
    bots = manifest.get("bots") or []
    p.count("bots", bots, 1)
    for i, bot in enumerate(bots):
        where = f"bots[{i}]"
        p.pattern(f"{where}.botId", bot.get("botId"), GUID, "a GUID")
        p.choices(f"{where}.scopes", bot.get("scopes"), TEAMS_SCOPES)
        p.count(f"{where}.commandLists", bot.get("commandLists"), 3)
        for j, command_list in enumerate(bot.get("commandLists") or []):
            p.choices(f"{where}.commandLists[{j}].scopes", command_list.get("scopes"), TEAMS_SCOPES)
            p.count(f"{where}.commandLists[{j}].commands", command_list.get("commands"), 10)
            for k, command in enumerate(command_list.get("commands") or []):
                p.length(f"{where}.commandLists[{j}].commands[{k}].title", command.get("title"), 32, 1)
                p.length(f"{where}.commandLists[{j}].commands[{k}].description", command.get("description"), 128, 1)
    extensions = manifest.get("composeExtensions") or []
    p.count("composeExtensions", extensions, 1)
    for i, extension in enumerate(extensions):
        where = f"composeExtensions[{i}]"
        p.pattern(f"{where}.botId", extension.get("botId"), GUID, "a GUID")
        p.count(f"{where}.commands", extension.get("commands"), 10)
        for j, command in enumerate(extension.get("commands") or []):
            p.length(f"{where}.commands[{j}].id", command.get("id"), 64, 1)
            p.length(f"{where}.commands[{j}].title", command.get("title"), 32, 1)
            p.length(f"{where}.commands[{j}].description", command.get("description"), 128, required=False)
            p.choices(f"{where}.commands[{j}].type", [command.get("type", "query")], {"query", "action"})
            p.choices(f"{where}.commands[{j}].context", command.get("context"), {"compose", "commandBox", "message"})
    p.choices("permissions", manifest.get("permissions"), {"identity", "messageTeamMembers"})
    p.count("validDomains", manifest.get("validDomains"), 16)
    for domain in manifest.get("validDomains") or []:
        p.length("validDomains[]", domain, 2048, 1)
    return p
