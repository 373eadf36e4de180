"""The Slack Bolt app: payloads in, neutral invocations to the dispatcher, neutral replies back out.

`await ack()` comes first for everything except view submissions, whose ack carries field errors or the next
form. The rest of the work runs after the HTTP response has gone, tracked so shutdown waits for it.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from chat.dispatch import dispatch, run_later
from chat.messages import Attachment, MessageRef, PersonRef, UploadFile
from chat.replies import DirectMessage, Ephemeral, FormErrors, InChannel, Invocation, Later, OpenForm, UpdateOriginal
from chat.services import Services

from .render import blocks, form_values, modal, plain_action_id
from .sender import SlackSender

log = logging.getLogger(__name__)


@dataclass
class ReplyContext:
    """Where replies to one Slack request go."""
    user_id: str
    channel: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    message_ts: str | None = None
    is_ephemeral: bool = False


def _wrap_private(form_private: str, channel: str | None) -> str:
    # The modal remembers which channel it was opened from, so replies after submission land there.
    return json.dumps({"p": form_private, "c": channel})


def _unwrap_private(raw: str) -> tuple[str, str | None]:
    try:
        data = json.loads(raw or "{}")
        return data.get("p", ""), data.get("c")
    except (ValueError, AttributeError):
        return raw or "", None


def build_slack_app(svc: Services, inflight, sender: SlackSender) -> AsyncApp:
    settings = svc.settings
    client = sender.client
    app = AsyncApp(
        name="smpolicy",  # without a name Bolt reads the whole call stack (inspect.stack) for one: ~0.1 s a start
        token=settings.slack_bot_token,
        signing_secret=settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        client=client,
        request_verification_enabled=settings.slack_mode == "http",
        raise_error_for_unhandled_request=False,
    )

    async def run(inv: Invocation, rc: ReplyContext) -> None:
        inv.user = await svc.directory.resolve(inv.user)
        replies = await dispatch(svc, inv)
        await deliver(replies, rc, inv)

    async def deliver(replies, rc: ReplyContext, inv: Invocation) -> None:
        for reply in replies:
            try:
                if isinstance(reply, Later):
                    await deliver(await run_later(svc, inv, reply), rc, inv)
                    continue
                await deliver_one(reply, rc)
            except Exception:
                log.exception("could not deliver a %s reply", type(reply).__name__)

    async def deliver_one(reply, rc: ReplyContext) -> None:
        if isinstance(reply, Ephemeral):
            msg = reply.message
            if rc.response_url:
                await sender.respond(rc.response_url, {"text": msg.text, "blocks": blocks(msg),
                                                       "response_type": "ephemeral", "replace_original": False})
                return
            if rc.channel:
                try:
                    await client.chat_postEphemeral(channel=rc.channel, user=rc.user_id, text=msg.text,
                                                    blocks=blocks(msg))
                    return
                except SlackApiError:
                    pass  # the bot is not in that channel: fall back to a DM
            await client.chat_postMessage(channel=rc.user_id, text=msg.text, blocks=blocks(msg))
        elif isinstance(reply, InChannel):
            target = rc.channel or rc.user_id
            await client.chat_postMessage(channel=target, text=reply.message.text, blocks=blocks(reply.message))
        elif isinstance(reply, DirectMessage):
            await svc.notifier.dm(reply.to, reply.message)
        elif isinstance(reply, OpenForm):
            view = modal(reply.form)
            view["private_metadata"] = _wrap_private(reply.form.private, rc.channel)
            await client.views_open(trigger_id=rc.trigger_id, view=view)
        elif isinstance(reply, UpdateOriginal):
            msg = reply.message
            if rc.response_url and (rc.is_ephemeral or not rc.message_ts):
                await sender.respond(rc.response_url, {"text": msg.text, "blocks": blocks(msg),
                                                       "replace_original": True})
            elif rc.channel and rc.message_ts:
                await client.chat_update(channel=rc.channel, ts=rc.message_ts, text=msg.text, blocks=blocks(msg))
        elif isinstance(reply, UploadFile):
            await client.files_upload_v2(channel=rc.channel or rc.user_id, filename=reply.filename,
                                         content=reply.content, title=reply.title,
                                         initial_comment=reply.comment or None)
        elif isinstance(reply, FormErrors):
            log.warning("FormErrors outside a form submission ignored")

    @app.command(re.compile(r"^/(smpolicy|crisis)$"))
    async def on_command(ack, body):
        async with inflight.track():
            await ack()
            inflight.defer(lambda: _on_command(body))

    async def _on_command(body):
        family = body["command"].lstrip("/")
        sub, _, rest = (body.get("text") or "").strip().partition(" ")
        inv = Invocation(
            platform="slack", kind="command", family=family, command=sub.lower(), args=rest.strip(),
            user=PersonRef("slack", body["user_id"], name=body.get("user_name")), channel=body.get("channel_id"),
        )
        rc = ReplyContext(body["user_id"], body.get("channel_id"), body.get("trigger_id"), body.get("response_url"))
        await run(inv, rc)

    @app.shortcut(re.compile(".*"))
    async def on_shortcut(ack, body):
        async with inflight.track():
            await ack()
            inflight.defer(lambda: _on_shortcut(body))

    async def _on_shortcut(body):
        msg = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        link = None
        if channel and msg.get("ts"):
            try:
                link = (await client.chat_getPermalink(channel=channel, message_ts=msg["ts"]))["permalink"]
            except Exception:
                link = None
        files = [Attachment(f.get("name") or "file", f.get("mimetype"), f.get("url_private"), f.get("size"))
                 for f in msg.get("files") or []]
        author = msg.get("user")
        inv = Invocation(
            platform="slack", kind="shortcut", command=body["callback_id"],
            user=PersonRef("slack", body["user"]["id"], name=body["user"].get("name")), channel=channel,
            text=msg.get("text"), link=link, files=files, message_time=msg.get("ts"),
            message_author=PersonRef("slack", author) if author else None,
        )
        rc = ReplyContext(body["user"]["id"], channel, body.get("trigger_id"), body.get("response_url"))
        await run(inv, rc)

    @app.action(re.compile(".*"))
    async def on_action(ack, body):
        async with inflight.track():
            await ack()
            inflight.defer(lambda: _on_action(body))

    async def _on_action(body):
        act = body["actions"][0]
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        ts = (body.get("message") or {}).get("ts") or container.get("message_ts")
        inv = Invocation(
            platform="slack", kind="action", command=plain_action_id(act["action_id"]), value=act.get("value", ""),
            user=PersonRef("slack", body["user"]["id"], name=body["user"].get("name")), channel=channel,
            source=MessageRef("slack", channel, ts) if channel and ts else None,
            request_key=f"slack:{body.get('trigger_id')}",
        )
        rc = ReplyContext(body["user"]["id"], channel, body.get("trigger_id"), body.get("response_url"), ts,
                          bool(container.get("is_ephemeral")))
        await run(inv, rc)

    @app.view_submission(re.compile(".*"))
    async def on_view(ack, body):
        view = body["view"]
        private, channel = _unwrap_private(view.get("private_metadata", ""))
        inv = Invocation(
            platform="slack", kind="form", command=view["callback_id"], private=private,
            values=form_values(view.get("state") or {}),
            user=PersonRef("slack", body["user"]["id"], name=body["user"].get("name")), channel=channel,
        )
        rc = ReplyContext(body["user"]["id"], channel, body.get("trigger_id"))
        async with inflight.track():
            inv.user = await svc.directory.resolve(inv.user)
            replies = await dispatch(svc, inv)
            errors = next((r for r in replies if isinstance(r, FormErrors)), None)
            next_form = next((r for r in replies if isinstance(r, OpenForm)), None)
            if errors:
                await ack(response_action="errors", errors=errors.errors)
                return
            if next_form:
                view = modal(next_form.form)
                view["private_metadata"] = _wrap_private(next_form.form.private, channel)
                await ack(response_action="update", view=view)
            else:
                await ack()
            rest = [r for r in replies if not isinstance(r, (FormErrors, OpenForm))]
            if rest:  # after the ack: Slack closes the form at once, and slow work does not hold it open
                inflight.defer(lambda: deliver(rest, rc, inv))

    @app.event(re.compile(".*"))
    async def on_event(ack):
        await ack()  # we subscribe to no events yet; answer quickly so Slack does not retry

    return app
