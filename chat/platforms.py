"""What the notifier needs from a chat platform. bot/slack/sender.py and bot/teams/sender.py implement it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .messages import Message, MessageRef, UploadFile


class SendError(RuntimeError):
    """A platform refused or failed a send; `reason` is safe to show to a person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RateLimited(SendError):
    """The platform said to wait (HTTP 429): try again no sooner than `retry_after` seconds from now."""

    def __init__(self, reason: str, retry_after: float):
        super().__init__(reason)
        self.retry_after = retry_after


class Undeliverable(SendError):
    """Trying again cannot help (nobody to send to, a form whose moment has passed): give up at once."""


class Unreachable(Undeliverable):
    """The person cannot be reached on any connected platform (never met, outside the tenant, the app blocked):
    whoever caused the message is told at once, the Communications Team too, and it goes by email instead when
    the organisation has email (chat/outbox.py)."""


@dataclass(frozen=True)
class Room:
    """A conversation the bot made for a group of people (a crisis room): a private Slack channel, or a new
    thread in a configured Teams channel (Teams bots cannot make group chats without Graph)."""
    platform: str
    id: str
    name: str
    intro_id: str | None = None   # the message the room was opened with, when an intro was given


class PlatformSender(Protocol):
    platform: str

    async def dm(self, user_id: str, message: Message) -> MessageRef: ...

    async def post(self, channel: str, message: Message) -> MessageRef: ...

    async def update(self, ref: MessageRef, message: Message) -> None: ...

    async def upload(self, channel: str, file: UploadFile) -> None: ...

    async def user_email(self, user_id: str) -> tuple[str | None, str | None]:
        """(email, display name) of a platform user, from the platform's directory."""
        ...

    async def user_by_email(self, email: str) -> str | None: ...


class MarkedSender(Protocol):
    """Optional: a sender that can stamp a message with the outbox's key and later find it by that key, so a
    message whose sender died after sending (but before recording it) is found instead of sent twice.
    Slack does (message metadata); Teams cannot read a conversation back, so there a resend is possible."""

    async def send_marked(self, kind: str, target: str, message: Message, key: str) -> MessageRef:
        """`kind` is dm (target: a user id) or post (target: a channel id)."""
        ...

    async def find_marked(self, kind: str, target: str, key: str, since: datetime) -> MessageRef | None: ...


class RoomSender(Protocol):
    """Optional extras a sender offers for rooms (Slack and Teams both do). Each raises SendError when refused."""

    async def create_room(self, name: str, private: bool = True, *, parent: str | None = None,
                          intro: Message | None = None) -> Room:
        """A new room called `name` (Slack picks `name-2`... when taken), opened with `intro` when given.
        Teams needs `parent`: the channel the new thread is started in."""
        ...

    async def invite(self, channel: str, user_ids: list[str], note: str | None = None) -> dict[str, str]:
        """Add people; returns {user id: reason, safe to show} for each one who could not be added.
        In Teams people are @mentioned in the thread with `note` instead."""
        ...

    async def pin(self, ref: MessageRef) -> None: ...

    async def remove(self, channel: str, user_id: str) -> str | None:
        """Take someone out of a room; a reason (safe to show) when the platform cannot."""
        ...


class MessageReader(Protocol):
    """What a platform offers for reading what people shared (Slack does; Teams does not)."""

    async def download(self, url: str, limit: int = 20_000_000) -> bytes:
        """A file someone attached (a photo, read for its location data only)."""
        ...

    async def fetch_message(self, channel: str, ts: str, **kwargs) -> str | None:
        """The text of one message, or None when the platform will not say."""
        ...
