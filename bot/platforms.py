"""What the notifier needs from a chat platform. bot/slack/sender.py and bot/teams/sender.py implement it."""
from __future__ import annotations

from typing import Protocol

from .messages import Message, MessageRef, UploadFile


class SendError(RuntimeError):
    """A platform refused or failed a send; `reason` is safe to show to a person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
