"""A neutral message as plain text, for where no chat card can go: an email sent instead of a DM."""
from __future__ import annotations

import re

from .messages import Buttons, CopyText, Divider, Fields, Header, Message, Note, Text

# The house mrkdwn's marks (chat/messages.py), which every renderer reads: <url|label>, <url>, *bold*, `code`.
LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
BARE_LINK = re.compile(r"<(https?://[^>|]+)>")
BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])")
CODE = re.compile(r"`([^`\n]+)`")
_MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>")


def inline(text: str) -> str:
    """House mrkdwn (*bold*, <url|label>, `code`) read as plain words."""
    text = LINK.sub(r"\2 (\1)", text)
    text = BARE_LINK.sub(r"\1", text)
    text = _MAILTO.sub(r"\1", text)
    text = CODE.sub(r"\1", text)
    return BOLD.sub(r"\1", text)


def as_plain_text(msg: Message) -> str:
    parts: list[str] = []
    choices: list[str] = []
    for block in msg.blocks:
        if isinstance(block, Header):
            parts.append(block.text)
        elif isinstance(block, (Text, Note)):
            parts.append(inline(block.text))
        elif isinstance(block, Fields):
            parts.append("\n".join(f"{k}: {inline(v or '-')}" for k, v in block.pairs))
        elif isinstance(block, CopyText):
            parts.append(((block.label + "\n") if block.label else "") + block.text)
        elif isinstance(block, Divider):
            parts.append("----")
        elif isinstance(block, Buttons):
            links = [f"{b.label}: {b.url}" for b in block.buttons if b.url]
            choices += [b.label for b in block.buttons if not b.url]
            if links:
                parts.append("\n".join(links))
    if choices:
        parts.append("In Slack or Microsoft Teams this message has these buttons: " + ", ".join(choices) + ".")
    return "\n\n".join(p for p in parts if p)
