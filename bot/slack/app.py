"""The Slack Bolt app: payloads in, neutral invocations through the inbox, neutral replies back out.

Every command, shortcut, button and form submission is written to the inbox (chat/inbox.py) before Slack is
answered, keyed by its trigger id (or a digest of the signed body): a retried delivery finds its key and is
not handled again, and work cut short by a crash is run again by the recovery sweep. Commands, shortcuts and
buttons are acknowledged at once and worked after; a form waits up to FORM_BUDGET for its handler, so its
answer can carry field errors or the next form, and is acknowledged anyway when the handler is slower. Replies
go out through the outbox (bot/slack/replies.py delivers them).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re

from slack_bolt.async_app import AsyncApp

from chat.inbox import FORM_BUDGET
from chat.messages import Attachment, MessageRef, PersonRef
from chat.replies import FormErrors, Invocation, OpenForm
from chat.services import Services

from .events import message_invocation
from .home import HomeTab
from .render import form_values, modal, plain_action_id
from .replies import SlackReplies, unwrap_private, wrap_private
from .sender import SlackSender

log = logging.getLogger(__name__)


def request_key(body: dict, raw_body: str | None) -> str:
    """Slack's id for this delivery: its trigger id, else a digest of the signed body (a retry resends both)."""
    trigger = body.get("trigger_id")
    if trigger:
        return f"slack:{trigger}"
    raw = raw_body or json.dumps(body, sort_keys=True)
    return "slack:" + hashlib.sha256(raw.encode()).hexdigest()


def _person(user: dict) -> PersonRef:
    return PersonRef("slack", user["id"], name=user.get("name"))


def _context(user_id: str, channel: str | None = None, trigger_id: str | None = None,
             response_url: str | None = None, message_ts: str | None = None, is_ephemeral: bool = False) -> dict:
    """Where replies to one Slack request go: ids and the response_url only, stored with the interaction."""
    return {"user": user_id, "channel": channel, "trigger_id": trigger_id, "response_url": response_url,
            "message_ts": message_ts, "is_ephemeral": is_ephemeral}


def command_invocation(body: dict) -> tuple[Invocation, dict]:
    family = body["command"].lstrip("/")
    sub, _, rest = (body.get("text") or "").strip().partition(" ")
    inv = Invocation(platform="slack", kind="command", family=family, command=sub.lower(), args=rest.strip(),
                     user=PersonRef("slack", body["user_id"], name=body.get("user_name")),
                     channel=body.get("channel_id"), request_key=request_key(body, None))
    return inv, _context(body["user_id"], body.get("channel_id"), body.get("trigger_id"), body.get("response_url"))


def shortcut_invocation(body: dict) -> tuple[Invocation, dict]:
    msg = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    files = [Attachment(f.get("name") or "file", f.get("mimetype"), f.get("url_private"), f.get("size"))
             for f in msg.get("files") or []]
    author = msg.get("user")
    inv = Invocation(platform="slack", kind="shortcut", command=body["callback_id"], user=_person(body["user"]),
                     channel=channel, text=msg.get("text"), files=files, message_time=msg.get("ts"),
                     message_author=PersonRef("slack", author) if author else None,
                     request_key=request_key(body, None))
    return inv, _context(body["user"]["id"], channel, body.get("trigger_id"), body.get("response_url"))


def action_invocation(body: dict) -> tuple[Invocation, dict]:
    act = body["actions"][0]
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    ts = (body.get("message") or {}).get("ts") or container.get("message_ts")
    inv = Invocation(platform="slack", kind="action", command=plain_action_id(act["action_id"]),
                     value=act.get("value", ""), user=_person(body["user"]), channel=channel,
                     source=MessageRef("slack", channel, ts) if channel and ts else None,
                     request_key=request_key(body, None))
    ctx = _context(body["user"]["id"], channel, body.get("trigger_id"), body.get("response_url"), ts,
                   bool(container.get("is_ephemeral")))
    ctx["home"] = (body.get("view") or {}).get("type") == "home"   # a button on the person's Home tab
    return inv, ctx


def view_invocation(body: dict) -> tuple[Invocation, dict]:
    view = body["view"]
    private, channel = unwrap_private(view.get("private_metadata", ""))
    inv = Invocation(platform="slack", kind="form", command=view["callback_id"], private=private,
                     values=form_values(view.get("state") or {}), user=_person(body["user"]), channel=channel,
                     request_key=request_key(body, None))
    return inv, _context(body["user"]["id"], channel, body.get("trigger_id"))


def build_slack_app(svc: Services, inflight, sender: SlackSender) -> AsyncApp:
    settings = svc.settings
    client = sender.client
    svc.outbox.replies["slack"] = SlackReplies(sender)
    home = HomeTab(svc, client, inflight)
    sender.after_dm = home.changed    # a DM to someone (a card, a decision) may change what their Home shows
    # The client carries the bot token (giving it twice only logs "token will be unused" at every start). The
    # name is the one Bolt would find itself (this file's), given so that it does not look: it walks the whole
    # call stack reading every caller's source for it, ~18-26 ms of CPU at every start.
    app = AsyncApp(
        name="app.py",
        signing_secret=settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        client=client,
        request_verification_enabled=settings.slack_mode == "http",
        raise_error_for_unhandled_request=False,
    )

    async def accept(ack, request, inv: Invocation, ctx: dict, before=None, key: str | None = None) -> None:
        """Write it down, answer Slack, then do the work (after the answer has gone)."""
        key = key or request_key(request.body, request.raw_body)
        async with inflight.track():
            fresh = await svc.inbox.receive(key, inv, ctx)
            await ack()
            if not fresh:
                log.info("Slack delivery seen before (%s %s): not handled again", inv.kind, inv.command)
                return

            async def work():
                if before is not None:
                    await before(inv)
                await svc.inbox.process(key, inv, ctx)
                if inv.kind == "action":
                    home.changed(ctx["user"])   # their click may have changed their Home (a case done)

            inflight.defer(work)

    async def with_permalink(inv: Invocation) -> None:
        """The link to the message a shortcut was used on (asked of Slack after the answer has gone)."""
        if inv.channel and inv.message_time:
            try:
                inv.link = (await client.chat_getPermalink(channel=inv.channel,
                                                           message_ts=inv.message_time))["permalink"]
            except Exception:
                inv.link = None

    @app.command(re.compile(r"^/(smpolicy|crisis)$"))
    async def on_command(ack, body, request):
        await accept(ack, request, *command_invocation(body))

    @app.shortcut(re.compile(".*"))
    async def on_shortcut(ack, body, request):
        await accept(ack, request, *shortcut_invocation(body), before=with_permalink)

    @app.action(re.compile(".*"))
    async def on_action(ack, body, request):
        await accept(ack, request, *action_invocation(body))

    @app.view_submission(re.compile(".*"))
    async def on_view(ack, body, request):
        inv, ctx = view_invocation(body)
        key = request_key(body, request.raw_body)
        async with inflight.track():
            if not await svc.inbox.receive(key, inv, ctx):
                await ack()   # a retry of a submission already being handled
                return
            work = asyncio.ensure_future(svc.inbox.handle(inv))
            done, _ = await asyncio.wait({work}, timeout=FORM_BUDGET)
            if not done:   # slow (a rate-limited look-up, say): close the form now, tell the person after
                await ack()
                log.info("form %s took over %.0fs: answered, its work carries on", inv.command, FORM_BUDGET)

                async def late():
                    replies, keys = await work
                    await svc.inbox.finish(key, inv, ctx, replies, keys, late=True)

                inflight.defer(late)
                return
            if work.exception() is not None:   # the database, say: answered; the recovery sweep runs it again
                await ack()
                log.error("form %s failed before it could be answered (%s); it will be run again", inv.command,
                          type(work.exception()).__name__)
                return
            replies, keys = work.result()
            errors = next((r for r in replies if isinstance(r, FormErrors)), None)
            next_form = next((r for r in replies if isinstance(r, OpenForm)), None)
            if errors:
                await ack(response_action="errors", errors=errors.errors)
            elif next_form:
                view = modal(next_form.form)
                view["private_metadata"] = wrap_private(next_form.form.private, ctx["channel"])
                await ack(response_action="update", view=view)
            else:
                await ack()
            rest = [r for r in replies if not isinstance(r, (FormErrors, OpenForm))]

            async def finish():
                await svc.inbox.finish(key, inv, ctx, rest, keys)
                home.changed(ctx["user"])   # a decision or a request they made shows on their Home

            inflight.defer(finish)

    async def on_typed(ack, request, event, context):
        found = message_invocation(event, context.bot_user_id)
        if found is None:   # the bot's own messages, other bots', edits and the like
            await ack()
            return
        inv, ctx = found
        await accept(ack, request, inv, ctx, key=inv.request_key)

    app.event("message")(on_typed)        # a DM to the bot (message.im)
    app.event("app_mention")(on_typed)    # "@smpolicy check ..." in a channel

    @app.event("app_home_opened")
    async def on_home_opened(ack, event):
        await ack()
        if event.get("tab", "home") == "home" and isinstance(event.get("user"), str):
            async with inflight.track():
                user = event["user"]
                inflight.defer(lambda: home.opened_by(user))

    @app.event(re.compile(".*"))
    async def on_event(ack):
        await ack()  # any other event: answer quickly so Slack does not retry

    return app
