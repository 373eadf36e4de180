"""The platform-neutral message and form model.

Workflows build these; bot/slack/render.py turns them into Block Kit and bot/teams/render.py into Adaptive
Cards. Buttons and forms carry ids only (an action id and a short value), never secrets or whole objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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
    label: str
    action_id: str
    value: str = ""
    style: Literal["primary", "danger", None] = None
    url: str | None = None


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


# --- invocations and replies ---------------------------------------------------------------------------------

InvocationKind = Literal["command", "shortcut", "action", "form", "schedule"]


@dataclass
class Invocation:
    platform: str                       # slack | teams | cli
    kind: InvocationKind
    user: PersonRef
    channel: str | None = None
    family: str = "smpolicy"            # smpolicy | crisis
    command: str = ""                   # subcommand, shortcut callback id, action id or form id
    args: str = ""                      # the rest of the command text
    text: str | None = None             # the message a shortcut was used on
    link: str | None = None             # its permalink
    message_author: PersonRef | None = None
    message_time: str | None = None
    files: list[Attachment] = field(default_factory=list)
    value: str = ""                     # a button's value
    values: dict[str, object] = field(default_factory=dict)   # a form's values by input id
    private: str = ""                   # a form's private metadata
    source: MessageRef | None = None    # the message a button was clicked on
    request_key: str | None = None      # platform's id for this delivery, for de-duplicating retries


@dataclass(frozen=True)
class Ephemeral:
    """Seen only by the person who asked (in Teams: a reply in the conversation they used)."""
    message: Message


@dataclass(frozen=True)
class InChannel:
    message: Message


@dataclass(frozen=True)
class DirectMessage:
    to: str | PersonRef               # an email address or a platform person
    message: Message


@dataclass(frozen=True)
class OpenForm:
    form: Form


@dataclass(frozen=True)
class FormErrors:
    """Validation failed: shown beside each field; nothing was changed.

    Give `form` (the form as submitted) so platforms that re-draw the form themselves (Teams) can show it
    again with the errors beside the fields."""
    errors: dict[str, str]
    form: "Form | None" = None


@dataclass(frozen=True)
class UpdateOriginal:
    message: Message


@dataclass(frozen=True)
class UploadFile:
    """A file posted into the conversation (a report, an export)."""
    filename: str
    content: bytes
    title: str
    comment: str = ""


@dataclass(frozen=True)
class Later:
    """Work to do once the platform has had its answer (Slack wants a form's answer within 3 seconds): the
    replies `work()` returns are delivered when it finishes. Use it for slow steps such as convening a room."""
    work: object   # an async callable with no arguments, returning a reply, a list of replies or None


Reply = Union[Ephemeral, InChannel, DirectMessage, OpenForm, FormErrors, UpdateOriginal, UploadFile, Later]


def as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
