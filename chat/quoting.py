"""People's own words inside the bot's messages: shown as they typed them, read as nothing else.

Workflows write house mrkdwn (chat/messages.py), which Slack reads, the Teams renderer turns into card Markdown
and chat/plaintext.py reads for emails. Text a person typed (a reason, a note, an account name or handle, a
summary) is placed into it; left as it is, `<!channel>` or `<@U123>` pings people on Slack, `<https://x|Approve>`
and `[Approve](https://x)` become disguised links, and a stray `*` or backtick bolds or swallows the bot's own
words around it. `inert` swaps those marks for characters that look the same and mean nothing to any renderer;
`link` makes a link of an address a person gave only when the address cannot break out of the link.

Left alone, because they are harmless and people need them exact: `_` (email addresses and handles such as
@jo_bloggs; Slack italicises only at a word's edge and Teams not mid-word, so at worst a word leans), `&`
(Slack shows `&lt;` as a `<`, never as a mention or link; "Fish & Chips" stays as typed), `|` (it only means
something inside `<…>`, which can no longer form), apostrophes, `@`, `#`, `£` and everything else.
"""
from __future__ import annotations

import re

_LOOK_ALIKES = str.maketrans({
    "<": "‹", ">": "›",            # Slack's mentions, links and dates: <!channel>, <@U1>, <url|label>
    "[": "［", "]": "］",            # Markdown links on Teams: [label](url)
    "*": "∗", "~": "∼", "`": "ʹ",  # bold, strikethrough, code (Teams drops a lone backtick)
})
# A web address that can stand inside <url|label> and, on Teams, [label](url) without closing either early.
_PLAIN_URL = re.compile(r"https?://[^\s<>|()\[\]*`~]+")


def inert(text: object) -> str:
    """`text`, which a person typed, made safe to place inside house mrkdwn on every platform (None is "").
    Quoting twice changes nothing more, so a builder may quote what its caller already has."""
    return ("" if text is None else str(text)).translate(_LOOK_ALIKES)


def link(url: str, label: str) -> str:
    """A house link to an address a person gave, labelled with the bot's own words. An address that could break
    out of the link's marks is shown inert after the label instead: it is then never a disguised link."""
    if _PLAIN_URL.fullmatch(url):
        return f"<{url}|{label}>"
    return f"{label}: {inert(url)}"
