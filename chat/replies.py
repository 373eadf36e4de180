"""What a handler is given (an Invocation) and what it gives back (replies), as every platform sees them.

bot/slack/app.py and bot/teams/agent.py turn platform payloads into an Invocation and deliver the replies;
a handler never knows which platform it is answering.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

from .messages import Attachment, Form, Message, MessageRef, PersonRef, UploadFile

InvocationKind = Literal["command", "shortcut", "action", "form", "schedule", "message"]  # message: typed to the bot


@dataclass
class Invocation:
    platform: str                       # slack | teams | cli
    kind: InvocationKind
    user: PersonRef
    channel: str | None = None
    family: str = "smpolicy"            # smpolicy | crisis
    command: str = ""                   # subcommand, shortcut callback id, action id or form id
    args: str = ""                      # the rest of the command text
    text: str | None = None             # the message a shortcut was used on, or one typed to the bot
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



Reply = Union[Ephemeral, InChannel, DirectMessage, OpenForm, FormErrors, UpdateOriginal, UploadFile]
