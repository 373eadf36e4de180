"""Sends through Slack's Web API with slack_sdk's retry handlers (rate limits honour Retry-After)."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (AsyncConnectionErrorRetryHandler,
                                                         AsyncRateLimitErrorRetryHandler,
                                                         AsyncServerErrorRetryHandler)
from slack_sdk.web.async_client import AsyncWebClient

from chat.messages import Message, MessageRef, UploadFile
from chat.platforms import RateLimited, Room, SendError

from .render import blocks

log = logging.getLogger(__name__)

# Slack's conversations.invite errors, in words a person can act on.
INVITE_REASONS = {
    "user_is_restricted": "they have a guest account, and Slack does not let guests into this private channel",
    "user_is_ultra_restricted": "they have a single-channel guest account, so Slack cannot add them to another "
                                "channel",
    "user_not_found": "Slack does not know that user",
    "user_disabled": "their Slack account has been deactivated",
    "user_is_bot": "that is a bot, not a person",
    "ura_max_channels": "their guest account is already in as many channels as Slack allows",
    "cant_invite": "Slack would not let the bot invite them",
    "missing_scope": "the bot lacks Slack's permission to invite people (groups:write)",
}


def invite_reason(code: str | None) -> str:
    return f"{INVITE_REASONS.get(code or '', 'Slack refused the invitation')} ({code or 'unknown error'})"


# Each message the outbox sends carries its key as message metadata, so after a crash it can be found again.
OUTBOX_EVENT = "smpolicy_outbox"
FIND_MARGIN = timedelta(minutes=10)   # clocks differ a little: look a bit further back than the first attempt


def send_error(exc: SlackApiError, what: str) -> SendError:
    """Slack's refusal as a SendError; a rate limit says when to try again (its Retry-After)."""
    error = exc.response.get("error", "unknown error")
    if exc.response.status_code == 429 or error == "ratelimited":
        try:
            wait = float(exc.response.headers.get("Retry-After", 30))
        except (TypeError, ValueError):
            wait = 30.0
        return RateLimited(f"Slack is limiting how fast the bot may send (retry after {wait:.0f}s)", wait)
    return SendError(f"Slack refused the {what}: {error}")


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
        self.after_dm = None   # called with the user id after a DM has gone (bot/slack/home.py republishes)
        self._http = None  # one pooled session for response_url posts (Bolt's respond opens one per call)

    async def respond(self, response_url: str, payload: dict) -> None:
        """Post to a response_url (ephemeral replies to commands, shortcuts and buttons)."""
        import aiohttp

        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        for attempt in range(3):
            try:
                async with self._http.post(response_url, json=payload) as resp:
                    if resp.status < 500:
                        if resp.status >= 400:
                            raise SendError(f"Slack refused the reply ({resp.status})")
                        return
            except aiohttp.ClientConnectionError:
                if attempt == 2:
                    raise
            await asyncio.sleep(0.2 * (attempt + 1))

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def dm(self, user_id: str, message: Message) -> MessageRef:
        # Posting to a user id delivers to the bot's DM with that person (Slack opens it if needed).
        return await self.post(user_id, message)

    async def post(self, channel: str, message: Message, *, key: str | None = None) -> MessageRef:
        extra = {"metadata": {"event_type": OUTBOX_EVENT, "event_payload": {"key": key}}} if key else {}
        try:
            resp = await self.client.chat_postMessage(channel=channel, text=message.text, blocks=blocks(message),
                                                      **extra)
        except SlackApiError as exc:
            raise send_error(exc, "message") from exc
        if self.after_dm is not None and channel[:1] in ("U", "W"):
            self.after_dm(channel)
        return MessageRef("slack", resp["channel"], resp["ts"])

    async def update(self, ref: MessageRef, message: Message) -> None:
        try:
            await self.client.chat_update(channel=ref.channel, ts=ref.message_id, text=message.text,
                                          blocks=blocks(message))
        except SlackApiError as exc:
            raise send_error(exc, "update") from exc

    # --- the outbox's marked sends (chat/platforms.py MarkedSender) -----------------------------------------

    async def send_marked(self, kind: str, target: str, message: Message, key: str) -> MessageRef:
        """A DM (target: a user id; Slack opens the DM) or a channel post, carrying the outbox key."""
        return await self.post(target, message, key=key)

    async def find_marked(self, kind: str, target: str, key: str, since: datetime) -> MessageRef | None:
        """The message sent with this key since `since`, if Slack has it. None when it is not there, or when
        Slack will not say (then the outbox sends: a late duplicate is better than a lost message)."""
        try:
            channel = target
            if kind == "dm":
                channel = (await self.client.conversations_open(users=target))["channel"]["id"]
            oldest = f"{(since - FIND_MARGIN).timestamp():.6f}"
            resp = await self.client.conversations_history(channel=channel, oldest=oldest, limit=200,
                                                           include_all_metadata=True)
        except SlackApiError as exc:
            failure = send_error(exc, "look-up")
            if isinstance(failure, RateLimited):
                raise failure from exc
            log.warning("could not check whether a message went before sending it again: %s", failure.reason)
            return None
        for found in resp.get("messages") or []:
            meta = found.get("metadata") or {}
            if meta.get("event_type") == OUTBOX_EVENT and (meta.get("event_payload") or {}).get("key") == key:
                return MessageRef("slack", channel, found["ts"])
        return None

    async def upload(self, channel: str, file: UploadFile) -> None:
        try:
            await self.client.files_upload_v2(channel=channel, filename=file.filename, content=file.content,
                                              title=file.title, initial_comment=file.comment or None)
        except SlackApiError as exc:
            raise SendError(f"Slack refused the file: {exc.response.get('error', 'unknown error')}") from exc

    # --- rooms (chat/platforms.py RoomSender) ---------------------------------------------------------------

    async def create_room(self, name: str, private: bool = True, *, parent: str | None = None,
                          intro: Message | None = None) -> Room:
        for attempt in range(1, 10):
            candidate = name if attempt == 1 else f"{name[:76]}-{attempt}"
            try:
                resp = await self.client.conversations_create(name=candidate, is_private=private)
            except SlackApiError as exc:
                error = exc.response.get("error", "unknown error")
                if error == "name_taken":
                    continue  # a second room for the same account on the same day
                raise SendError(f"Slack would not create the channel #{candidate}: {error}") from exc
            channel = resp["channel"]
            intro_id = (await self.post(channel["id"], intro)).message_id if intro else None
            return Room("slack", channel["id"], channel.get("name") or candidate, intro_id)
        raise SendError(f"Slack says every channel name like #{name} is taken")

    async def invite(self, channel: str, user_ids: list[str], note: str | None = None) -> dict[str, str]:
        failed: dict[str, str] = {}
        pending = list(dict.fromkeys(u for u in user_ids if u))
        while pending:
            try:
                await self.client.conversations_invite(channel=channel, users=",".join(pending))
                return failed
            except SlackApiError as exc:
                per_user = {e.get("user"): e.get("error") for e in exc.response.get("errors") or [] if e.get("user")}
                error = exc.response.get("error")
                if not per_user:
                    if error == "already_in_channel":
                        return failed
                    if len(pending) == 1:
                        failed[pending[0]] = invite_reason(error)
                        return failed
                    for user in pending:  # Slack did not say who: ask one at a time
                        failed.update(await self.invite(channel, [user]))
                    return failed
                for user, code in per_user.items():
                    if code != "already_in_channel":
                        failed[user] = invite_reason(code)
                # Slack invites nobody when one fails: invite the rest again without them.
                pending = [u for u in pending if u not in per_user]
        return failed

    async def pin(self, ref: MessageRef) -> None:
        try:
            await self.client.pins_add(channel=ref.channel, timestamp=ref.message_id)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_pinned":
                raise SendError(f"Slack would not pin the message: {exc.response.get('error')}") from exc

    async def remove(self, channel: str, user_id: str) -> str | None:
        try:
            await self.client.conversations_kick(channel=channel, user=user_id)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error == "not_in_channel":
                return None
            return f"Slack would not remove them from the channel ({error})"
        return None

    async def download(self, url: str, limit: int = 20_000_000) -> bytes:
        """Fetch a private Slack file (an attached photo) with the bot token; used for EXIF location only."""
        import aiohttp

        headers = {"Authorization": f"Bearer {self.client.token}"}
        async with aiohttp.ClientSession() as session:
            async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=15)) as resp:
                resp.raise_for_status()
                return await resp.content.read(limit)

    async def is_member(self, channel: str, user_id: str) -> bool:
        """Is this person in that conversation (so they can read it themselves)?"""
        cursor = None
        for _ in range(50):   # 50 pages of 1,000: far beyond any council channel
            resp = await self.client.conversations_members(channel=channel, limit=1000, cursor=cursor)
            if user_id in (resp.get("members") or []):
                return True
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return False
        return False

    async def fetch_message(self, channel: str, ts: str, *, viewer: str) -> str | None:
        """The text of one message, for `viewer`, to pre-fill a form from a message they checked. None if they
        are not in that conversation or Slack won't say."""
        try:
            if not await self.is_member(channel, viewer):
                log.warning("refused to read a message for someone who is not in its conversation")
                return None
            resp = await self.client.conversations_history(channel=channel, latest=ts, oldest=ts, inclusive=True,
                                                           limit=1)
            messages = resp.get("messages") or []
            if not messages:  # a reply in a thread is only found through conversations.replies
                resp = await self.client.conversations_replies(channel=channel, ts=ts, latest=ts, inclusive=True,
                                                               limit=1)
                messages = [m for m in resp.get("messages") or [] if m.get("ts") == ts]
        except SlackApiError:
            return None
        return messages[0].get("text") if messages else None

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

