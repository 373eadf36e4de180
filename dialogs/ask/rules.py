"""Policy questions' pure decisions: how a section is cited, the pack's text in house style, text in blocks."""
from __future__ import annotations

import re

from policy.sections import Section

CHUNK = 2500             # characters per text block: under Slack's 3000, and split at paragraph ends
FLOW_CHART = "4.3"       # the policy's crisis flow chart was lost in extraction (policy/README.md)


def cite(s: Section) -> str:
    """How the bot cites a section: "3.4", "8.2 2.5" (Fire appendix), "MG 5.4" (guidance for Members)."""
    return s.id.replace("/", " ")


def house_style(text: str) -> str:
    """The pack's text in our mrkdwn: list items as bullets, **bold** as *bold*."""
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"*\1*", text)
    return "\n".join("• " + line[2:] if line.startswith("- ") else line for line in text.split("\n"))


def chunks(text: str, limit: int = CHUNK) -> list[str]:
    """Whole paragraphs per block where they fit; a paragraph longer than a block is cut at a sentence end."""
    out: list[str] = []
    current = ""
    for para in text.split("\n"):
        while len(para) > limit:
            cut = para.rfind(". ", 0, limit)
            cut = cut + 1 if cut > limit // 2 else limit
            if current:
                out.append(current)
                current = ""
            out.append(para[:cut].strip())
            para = para[cut:].strip()
        if current and len(current) + 1 + len(para) > limit:
            out.append(current)
            current = para
        else:
            current = f"{current}\n{para}" if current else para
    if current.strip():
        out.append(current)
    return [c.strip("\n") for c in out if c.strip()]


_DELETING = re.compile(r"\b(delet\w*|remov\w*|take\s+down|taking\s+down|hid(e|ing))\b", re.I)
_THEIRS = re.compile(r"\b(comments?|repl(y|ies)|someone|somebody|members?\s+of\s+the\s+public|the\s+public|"
                     r"residents?|users?|people|person|poster|troll\w*|their\s+post)\b", re.I)
_OURS = re.compile(r"\b(my|our)\s+(own\s+)?(post|tweet|draft|message)s?\b", re.I)


def about_deleting_a_public_post(question: str) -> bool:
    """A moderator asking whether to delete what a member of the public posted (not their own post)."""
    return bool(_DELETING.search(question) and _THEIRS.search(question) and not _OURS.search(question))
