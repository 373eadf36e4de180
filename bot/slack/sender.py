"""Sends through Slack's Web API with slack_sdk's retry handlers (rate limits honour Retry-After)."""
from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (AsyncConnectionErrorRetryHandler,
                                                         AsyncRateLimitErrorRetryHandler,
                                                         AsyncServerErrorRetryHandler)
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import Message, MessageRef, UploadFile
from bot.platforms import SendError

from .render import blocks

log = logging.getLogger(__name__)


def make_client(token: str | None, base_url: str) -> AsyncWebClient:
    client = AsyncWebClient(token=token, base_url=base_url, timeout=10)
    client.retry_handlers.extend([
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
    ])
    return client


class SlackSender:
    platform = "slack"

    def __init__(self, client: AsyncWebClient):
        self.client = client

    async def dm(self, user_id: str, message: Message) -> MessageRef:
        # Posting to a user id delivers to the bot's DM with that person (Slack opens it if needed).
        return await self.post(user_id, message)

    async def post(self, channel: str, message: Message) -> MessageRef:
        try:
            resp = await self.client.chat_postMessage(channel=channel, text=message.text, blocks=blocks(message))
        except SlackApiError as exc:
            raise SendError(f"Slack refused the message: {exc.response.get('error', 'unknown error')}") from exc
        return MessageRef("slack", resp["channel"], resp["ts"])

    async def update(self, ref: MessageRef, message: Message) -> None:
        try:
            await self.client.chat_update(channel=ref.channel, ts=ref.message_id, text=message.text,
                                          blocks=blocks(message))
        except SlackApiError as exc:
            raise SendError(f"Slack refused the update: {exc.response.get('error', 'unknown error')}") from exc

    async def upload(self, channel: str, file: UploadFile) -> None:
        try:
            await self.client.files_upload_v2(channel=channel, filename=file.filename, content=file.content,
                                              title=file.title, initial_comment=file.comment or None)
        except SlackApiError as exc:
            raise SendError(f"Slack refused the file: {exc.response.get('error', 'unknown error')}") from exc

    async def download(self, url: str, limit: int = 20_000_000) -> bytes:
        """Fetch a private Slack file (an attached photo) with the bot token; used for EXIF location only."""
        import aiohttp

        headers = {"Authorization": f"Bearer {self.client.token}"}
        async with aiohttp.ClientSession() as session:
            async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=15)) as resp:
                resp.raise_for_status()
                return await resp.content.read(limit)

    async def user_email(self, user_id: str) -> tuple[str | None, str | None]:
        resp = await self.client.users_info(user=user_id)
        user = resp.get("user") or {}
        profile = user.get("profile") or {}
        return profile.get("email"), profile.get("real_name") or user.get("real_name") or user.get("name")

    async def user_by_email(self, email: str) -> str | None:
        try:
            resp = await self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if exc.response.get("error") == "users_not_found":
                return None
            raise
        return (resp.get("user") or {}).get("id")

