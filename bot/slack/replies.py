"""Answers to a Slack interaction, delivered where the person asked (the outbox's reply sender for Slack).

The reply context is what bot/slack/app.py stored with the interaction: ids and the response_url only.
An ephemeral answer goes to the response_url (else as an ephemeral message in the channel, else a DM); a form
opens with the trigger id, which Slack honours for 3 seconds only, so a form that could not be opened in time is
given up rather than retried.
"""
from __future__ import annotations

import json
import logging

from slack_sdk.errors import SlackApiError

from chat.messages import MessageRef, UploadFile
from chat.platforms import SendError, Undeliverable
from chat.replies import Ephemeral, FormErrors, InChannel, OpenForm, UpdateOriginal

from .render import blocks, modal
from .sender import send_error

log = logging.getLogger(__name__)


def wrap_private(form_private: str, channel: str | None) -> str:
    """A modal remembers which channel it was opened from, so replies after submission land there."""
    return json.dumps({"p": form_private, "c": channel})


def unwrap_private(raw: str) -> tuple[str, str | None]:
    try:
        data = json.loads(raw or "{}")
        return data.get("p", ""), data.get("c")
    except (ValueError, AttributeError):
        return raw or "", None


class SlackReplies:
    """chat/outbox.py ReplySender for Slack. `ctx`: user, channel, trigger_id, response_url, message_ts,
    is_ephemeral; `im` for a message typed in the person's DM with the bot, `home` for a Home tab button."""
    forms_after_ack = False   # a modal can only be opened or changed while Slack waits for the answer

    def __init__(self, sender):
        self.sender = sender

    async def reply(self, ctx: dict, reply) -> MessageRef | None:
        try:
            return await self._reply(ctx, reply)
        except SlackApiError as exc:
            raise send_error(exc, "reply") from exc

    async def _reply(self, ctx: dict, reply) -> MessageRef | None:
        client = self.sender.client
        user, channel = ctx.get("user"), ctx.get("channel")
        if isinstance(reply, Ephemeral):
            await self._ephemeral(ctx, reply.message)
            return None
        if isinstance(reply, InChannel):
            resp = await client.chat_postMessage(channel=channel or user, text=reply.message.text,
                                                 blocks=blocks(reply.message))
            return MessageRef("slack", resp["channel"], resp["ts"])
        if isinstance(reply, OpenForm):
            if not ctx.get("trigger_id"):
                raise Undeliverable("there was no Slack trigger to open the form with")
            view = modal(reply.form)
            view["private_metadata"] = wrap_private(reply.form.private, channel)
            try:
                await client.views_open(trigger_id=ctx["trigger_id"], view=view)
            except SlackApiError as exc:
                if exc.response.get("error") in ("expired_trigger_id", "invalid_trigger_id"):
                    raise Undeliverable("the form could not be opened in time") from exc
                raise
            return None
        if isinstance(reply, UpdateOriginal):
            msg = reply.message
            if ctx.get("home"):
                return None   # a button on the Home tab: the tab itself is published again (bot/slack/home.py)
            if ctx.get("response_url") and (ctx.get("is_ephemeral") or not ctx.get("message_ts")):
                await self.sender.respond(ctx["response_url"], {"text": msg.text, "blocks": blocks(msg),
                                                                "replace_original": True})
                return None
            if channel and ctx.get("message_ts"):
                await client.chat_update(channel=channel, ts=ctx["message_ts"], text=msg.text, blocks=blocks(msg))
                return MessageRef("slack", channel, ctx["message_ts"])
            return None
        if isinstance(reply, UploadFile):
            await client.files_upload_v2(channel=channel or user, filename=reply.filename, content=reply.content,
                                         title=reply.title, initial_comment=reply.comment or None)
            return None
        if isinstance(reply, FormErrors):
            log.warning("FormErrors outside a form submission ignored")
            return None
        raise Undeliverable(f"a {type(reply).__name__} cannot be sent as a Slack reply")

    async def _ephemeral(self, ctx: dict, msg) -> None:
        client = self.sender.client
        if ctx.get("im") and ctx.get("channel"):   # typed in the person's DM with the bot: answer there
            await client.chat_postMessage(channel=ctx["channel"], text=msg.text, blocks=blocks(msg))
            return
        if ctx.get("response_url"):
            try:
                await self.sender.respond(ctx["response_url"], {"text": msg.text, "blocks": blocks(msg),
                                                                "response_type": "ephemeral",
                                                                "replace_original": False})
                return
            except SendError as exc:   # the response_url has expired (30 minutes) or been used up
                log.info("response_url refused (%s): sending the answer as a DM", exc.reason)
                await client.chat_postMessage(channel=ctx["user"], text=msg.text, blocks=blocks(msg))
                return
        if ctx.get("channel"):
            try:
                await client.chat_postEphemeral(channel=ctx["channel"], user=ctx["user"], text=msg.text,
                                                blocks=blocks(msg))
                return
            except SlackApiError as exc:
                if send_error(exc, "reply").__class__ is not SendError:
                    raise   # rate limited: try again later, in the same place
                # the bot is not in that channel: fall back to a DM
        await client.chat_postMessage(channel=ctx["user"], text=msg.text, blocks=blocks(msg))
