"""The platform-neutral message and form model.

Workflows build these; bot/slack/render.py turns them into Block Kit and bot/teams/render.py into Adaptive
Cards. Buttons and forms carry ids only (an action id and a short value), never secrets or whole objects.
What a handler is given and what it returns (invocations and replies) are in chat/replies.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Union

# --- blocks -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    text: str


@dataclass(frozen=True)
class Text:
    """A paragraph. *bold*, _italic_ and <url|label> links are understood on both platforms."""
    text: str


@dataclass(frozen=True)
class Fields:
    """Label/value pairs shown as a compact two-column list."""
    pairs: tuple[tuple[str, str], ...]

    def __init__(self, pairs):
        object.__setattr__(self, "pairs", tuple((str(k), str(v)) for k, v in pairs))


@dataclass(frozen=True)
class Button:
    """`private`: what the click answers is for the clicker's eyes only (a form or a view holding personal data).
    Slack's answers to a click are private already; Teams opens them in a dialog instead of the conversation."""
    label: str
    action_id: str
    value: str = ""
    style: Literal["primary", "danger", None] = None
    url: str | None = None
    private: bool = False


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]

    def __init__(self, *buttons: Button):
        object.__setattr__(self, "buttons", tuple(buttons))


@dataclass(frozen=True)
class CopyText:
    """Text meant to be copied as it is (a suggested reply): shown preformatted."""
    text: str
    label: str | None = None


@dataclass(frozen=True)
class Note:
    """Small print under a message (who decided and when, the policy section)."""
    text: str


@dataclass(frozen=True)
class Divider:
    pass


Block = Union[Header, Text, Fields, Buttons, CopyText, Note, Divider]


@dataclass(frozen=True)
class Message:
    """`text` is the one-line fallback used in notifications; `blocks` is what people read."""
    text: str
    blocks: tuple[Block, ...] = ()

    def __init__(self, text: str, blocks=()):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "blocks", tuple(blocks) if blocks else (Text(text),))

    def with_banner(self, banner: str | None) -> "Message":
        if not banner:
            return self
        return Message(f"{banner}\n{self.text}", (Note(banner), *self.blocks))


def message(*blocks: Block, text: str | None = None) -> Message:
    """Build a message; the fallback text defaults to the first readable block."""
    if text is None:
        text = next((b.text for b in blocks if isinstance(b, (Header, Text))), "")
    return Message(text, blocks)


# --- forms --------------------------------------------------------------------------------------------------

InputKind = Literal["short_text", "long_text", "choice", "multi_choice", "person", "people", "date", "checkbox"]


@dataclass(frozen=True)
class Input:
    id: str
    label: str
    kind: InputKind = "short_text"
    options: tuple[tuple[str, str], ...] = ()   # (value, label)
    required: bool = True
    initial: object = None
    placeholder: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Form:
    form_id: str
    title: str
    inputs: tuple[Input, ...]
    submit: str = "Submit"
    private: str = ""                            # ids only, returned with the submission
    intro: tuple[Block, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()     # (input id, message) shown beside the field


@dataclass(frozen=True)
class PersonRef:
    """Someone on a platform: an id, an email, or both (an email is how configuration names people)."""
    platform: str | None = None
    user_id: str | None = None
    email: str | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.email or self.user_id or "someone"


@dataclass(frozen=True)
class Attachment:
    name: str
    mimetype: str | None = None
    url: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message lives, so it can be updated in place (a card that shows who decided)."""
    platform: str
    channel: str
    message_id: str


@dataclass(frozen=True)
class UploadFile:
    """A file posted into the conversation (a report, an export)."""
    filename: str
    content: bytes
    title: str
    comment: str = ""


def as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
