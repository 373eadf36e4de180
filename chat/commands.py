"""How a person types a command on their platform: `/smpolicy status` in Slack, `status` in Teams.

Slack has slash commands (`/smpolicy`, `/crisis`); in Teams people type to the bot, so the `smpolicy` family
needs no word of its own and the crisis family keeps its `crisis`. Every message that writes out a command
uses `typed` (or `in_text` for the policy pack's prose, which is written Slack-style)."""
from __future__ import annotations


def typed(family: str, text: str, platform: str | None) -> str:
    """`typed("smpolicy", "foi list", "slack")` -> "/smpolicy foi list"; in Teams "foi list";
    `typed("crisis", "start", "teams")` -> "crisis start". Anything but Slack is written the Teams way."""
    if platform == "slack":
        return f"/{family} {text}".strip()
    return (f"crisis {text}" if family == "crisis" else text).strip()


def in_text(text: str, platform: str | None) -> str:
    """Prose that writes commands Slack-style ("use `/smpolicy boost`"), rewritten for the person's platform."""
    if platform == "slack":
        return text
    return text.replace("/smpolicy ", "").replace("/crisis ", "crisis ")


def command_parts(text: str) -> tuple[str, str, str]:
    """What a person typed to the bot, as (family, command, the rest): 'crisis start x' -> ('crisis', 'start',
    'x'); 'check foo' and '/smpolicy check foo' -> ('smpolicy', 'check', 'foo'); '' -> ('smpolicy', '', '')."""
    words = text.strip().split(None, 1)
    if not words:
        return "smpolicy", "", ""
    first, rest = words[0].lower().lstrip("/"), (words[1] if len(words) > 1 else "")
    if first in ("crisis", "smpolicy"):
        sub, _, args = rest.strip().partition(" ")
        return first, sub.lower(), args.strip()
    return "smpolicy", first, rest.strip()
