"""Proactive Teams messages through the Agents SDK, using conversation references stored on first contact."""
from __future__ import annotations

import logging

import aiohttp

from microsoft_agents.activity import (Activity, ChannelAccount, ConversationAccount, ConversationParameters,
                                      ConversationReference, Entity)
from sqlalchemy import select

from chat.messages import Message, MessageRef, UploadFile
from chat.pacing import retry_after
from chat.platforms import RateLimited, Room, SendError, Unreachable
from chat.plaintext import inline
from storage.identity import conversation_ref, save_conversation_ref
from storage.models import ConversationRef, Identity, utcnow

from .render import attachment, card, file_message

log = logging.getLogger(__name__)


class TeamsSender:
    platform = "teams"

    def __init__(self, adapter, db, app_id: str | None, tenant_id: str | None, clock=None):
        self.adapter = adapter
        self.db = db
        self.clock = clock
        self.app_id = app_id or ""
        self.tenant_id = tenant_id

    async def _reference(self, key: str) -> ConversationReference | None:
        async with self.db.sessions() as session:
            raw = await conversation_ref(session, "teams", key)
        return ConversationReference.model_validate(raw) if raw else None

    async def _any_reference(self) -> ConversationReference | None:
        async with self.db.sessions() as session:
            row = await session.scalar(select(ConversationRef).where(ConversationRef.platform == "teams")
                                       .order_by(ConversationRef.updated_at.desc()).limit(1))
        return ConversationReference.model_validate(row.reference) if row else None

    async def _send_to(self, reference: ConversationReference, activity: Activity) -> str:
        sent: dict = {}

        async def callback(context):
            resp = await context.send_activity(activity)
            sent["id"] = resp.id if resp else ""

        await self._continue(reference, callback)
        return sent.get("id", "")

    async def _continue(self, reference: ConversationReference, callback) -> None:
        try:
            await self.adapter.continue_conversation(self.app_id, reference.get_continuation_activity(), callback)
        except Exception as exc:
            _raise_if_rate_limited(exc)
            raise

    async def _create(self, params: ConversationParameters, any_ref: ConversationReference,
                      activity: Activity) -> MessageRef:
        """Start a conversation and send `activity` in it: as the new thread's first message when `params`
        carries it (a channel thread), else once the chat exists. Its reference is stored for later sends."""
        created: dict = {}

        async def callback(context):
            created["conversation"] = context.activity.conversation.id
            if params.activity is not None:
                created["id"] = context.activity.id   # sending it again would repeat the first message
            else:
                resp = await context.send_activity(activity)
                created["id"] = resp.id if resp else ""

        try:
            await self.adapter.create_conversation(self.app_id, "msteams", any_ref.service_url,
                                                   "https://api.botframework.com", params, callback)
        except Exception as exc:
            _raise_if_rate_limited(exc)
            raise
        reference = ConversationReference(
            agent=any_ref.agent, channel_id="msteams", service_url=any_ref.service_url,
            conversation=ConversationAccount(id=created["conversation"], is_group=bool(params.is_group),
                                             conversation_type="channel" if params.is_group else "personal",
                                             tenant_id=params.tenant_id))
        raw = reference.model_dump(mode="json", by_alias=True, exclude_none=True)
        now = self.clock.now() if self.clock else utcnow()
        await save_conversation_ref(self.db, "teams", created["conversation"], raw, now)
        if not params.is_group and params.members:
            await save_conversation_ref(self.db, "teams", f"user:{params.members[0].id}", raw, now)
        return MessageRef("teams", created["conversation"], created.get("id", ""))

    def _tenant(self, any_ref: ConversationReference) -> str | None:
        return self.tenant_id or (any_ref.conversation.tenant_id if any_ref.conversation else None)

    async def dm(self, user_id: str, message: Message) -> MessageRef:
        return await self.dm_activity(user_id, activity_of(message))

    async def dm_activity(self, user_id: str, activity: Activity) -> MessageRef:
        """Any activity (a form's card, say) into the person's personal chat, opening it when needed."""
        reference = await self._reference(f"user:{user_id}")
        if reference is not None:
            return MessageRef("teams", reference.conversation.id, await self._send_to(reference, activity))
        # Never talked to us one to one: open a personal chat, as Teams allows for anyone in a team the app is
        # in. The team's reference (stored from its roster, bot/teams/install.py) says where and for which tenant.
        base = await self._reference(f"member:{user_id}") or await self._any_reference()
        if base is None:
            raise Unreachable("nobody in Teams has talked to the bot yet, so it cannot start a chat")
        params = ConversationParameters(is_group=False, bot=base.agent, members=[ChannelAccount(id=user_id)],
                                        tenant_id=self._tenant(base))
        try:
            return await self._create(params, base, activity)
        except aiohttp.ClientResponseError as exc:
            if exc.status in (400, 403, 404):   # not in the tenant, the app blocked for them, no such user
                raise Unreachable("Teams would not let the bot start a chat with them") from exc
            raise

    async def post(self, channel: str, message: Message) -> MessageRef:
        activity = activity_of(message)
        reference = await self._reference(channel)
        if reference is not None:
            return MessageRef("teams", channel, await self._send_to(reference, activity))
        any_ref = await self._any_reference()
        if any_ref is None:
            raise SendError("the bot has not been added to that Teams channel yet")
        return await self._new_thread(channel, any_ref, activity)

    async def post_activity(self, conversation: str, activity: Activity) -> MessageRef:
        """Any activity (a form's card, say) into a conversation the bot has been spoken to in."""
        reference = await self._reference(conversation)
        if reference is None:
            raise SendError("that Teams conversation is not known to the bot")
        return MessageRef("teams", conversation, await self._send_to(reference, activity))

    async def update(self, ref: MessageRef, message: Message) -> None:
        await self.update_activity(ref, activity_of(message))

    async def update_activity(self, ref: MessageRef, activity: Activity) -> None:
        reference = await self._reference(ref.channel)
        if reference is None:
            raise SendError("that Teams conversation is not known to the bot")
        activity.id = ref.message_id

        async def callback(context):
            await context.update_activity(activity)

        await self._continue(reference, callback)

    async def upload(self, channel: str, file: UploadFile) -> None:
        await self.post(channel, file_message(file))

    # --- rooms (chat/platforms.py RoomSender) ---------------------------------------------------------------

    async def create_room(self, name: str, private: bool = True, *, parent: str | None = None,
                          intro: Message | None = None) -> Room:
        """A new thread in the `parent` channel, opened with `intro`; its reference is stored so later posts,
        updates and replies in the thread reach it."""
        if not parent:
            raise SendError("no Teams channel is set for crisis rooms (add crisis_team under [channels] in the "
                            "organisation file)")
        any_ref = await self._any_reference()
        if any_ref is None:
            raise SendError("nobody in Teams has talked to the bot yet, so it cannot start a thread")
        try:
            ref = await self._new_thread(parent, any_ref, activity_of(intro or Message(name)))
        except SendError:
            raise
        except Exception as exc:
            raise SendError(f"Teams would not start a thread in the crisis channel ({type(exc).__name__})") from exc
        return Room("teams", ref.channel, name, ref.message_id if intro else None)

    async def _new_thread(self, channel: str, any_ref: ConversationReference, activity: Activity) -> MessageRef:
        tenant = self._tenant(any_ref)
        params = ConversationParameters(is_group=True, bot=any_ref.agent, activity=activity, tenant_id=tenant,
                                        channel_data={"channel": {"id": channel}, "tenant": {"id": tenant}})
        return await self._create(params, any_ref, activity)

    async def invite(self, channel: str, user_ids: list[str], note: str | None = None) -> dict[str, str]:
        """Teams threads have no members of their own: @mention people so Teams notifies them."""
        user_ids = list(dict.fromkeys(u for u in user_ids if u))
        if not user_ids:
            return {}
        async with self.db.sessions() as session:
            rows = await session.scalars(select(Identity).where(Identity.platform == "teams",
                                                                Identity.user_id.in_(user_ids)))
            names = {r.user_id: r.name or r.email or r.user_id for r in rows}
        tags = [f"<at>{names.get(u, u)}</at>" for u in user_ids]
        entities = [Entity(type="mention", mentioned=ChannelAccount(id=u, name=names.get(u, u)), text=tag)
                    for u, tag in zip(user_ids, tags)]
        text = ", ".join(tags) + (f": {note}" if note else "")
        reference = await self._reference(channel)
        if reference is None:
            raise SendError("that Teams conversation is not known to the bot")
        await self._send_to(reference, Activity(type="message", text=text, text_format="xml", entities=entities))
        return {}

    async def pin(self, ref: MessageRef) -> None:
        return None  # bots cannot pin in Teams; a room's card is the thread's first message instead

    async def remove(self, channel: str, user_id: str) -> str | None:
        return ("Teams channel membership is managed in Teams itself; they will no longer be @mentioned, but a team "
                "owner must remove them from the channel if needed")

    async def user_email(self, user_id: str) -> tuple[str | None, str | None]:
        return None, None  # filled from the roster when the person first talks to the bot (agent._remember)

    async def user_by_email(self, email: str) -> str | None:
        return None


def _raise_if_rate_limited(exc: Exception) -> None:
    """The Bot Connector's 429 as RateLimited, so the outbox waits the Retry-After it gave instead of its own
    back-off (the Agents SDK raises the bare HTTP error and, unlike slack_sdk, never retries by itself)."""
    wait = retry_after(exc)
    if wait is not None:
        raise RateLimited("Teams asked the bot to slow down", wait) from exc


def activity_of(message: Message) -> Activity:
    # The summary is what a notification shows: plain words, no mrkdwn (Teams would show `*` and backticks).
    return Activity(type="message", summary=inline(message.text)[:200], attachments=[attachment(card(message))])
