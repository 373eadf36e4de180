"""The Teams agent: activities in, neutral invocations through the inbox, neutral replies back as cards.

Text commands work in a personal chat or when the bot is @mentioned (`help`, `check <text>`,
`crisis start ...`); card buttons arrive as message activities with a `value`; the message-extension actions
("Is this OK to post?" and friends) arrive as `composeExtension/*` invokes and answer in a dialog.
"""
from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
from dataclasses import replace

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import Agent, TurnContext

from chat import wire
from chat.commands import command_parts   # shared with Slack DMs (chat/dispatch.py)
from chat.inbox import FORM_BUDGET
from chat.messages import Attachment, Message, MessageRef, PersonRef
from chat.replies import Ephemeral, FormErrors, Invocation, OpenForm, UpdateOriginal
from chat.services import Services
from storage.identity import identity_by_aad, identity_by_user, remember_identity, save_conversation_ref
from storage.outbox import queued_update

from .install import on_conversation_update
from .render import CARD_CONTENT_TYPE, PICKED, attachment, card, form_card, form_values
from .replies import TeamsReplies, errored_form

log = logging.getLogger(__name__)
_AT_MENTION = re.compile(r"<at>[^<]*</at>", re.I)
_TAGS = re.compile(r"<[^>]+>")
UNIVERSAL_ACTION = "adaptiveCard/action"   # what Teams sends for an Action.Execute (Universal Actions)


_BREAKS = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>|</li\s*>", re.I)
_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(html_or_text: str | None) -> str:
    """What a person typed, from the HTML Teams sends (`<p>`, `<br>`, `&#39;`, `&amp;`, `<at>` mentions): line
    breaks kept, tags and mentions dropped, entities decoded once. Done here, at the edge, and nowhere else, so
    a question forwarded by email or a draft being checked reads as it was written."""
    text = _AT_MENTION.sub("", html_or_text or "")
    text = _TAGS.sub("", _BREAKS.sub("\n", text))
    text = html.unescape(text).replace("\xa0", " ").replace("\r\n", "\n")
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


class SmpolicyAgent(Agent):
    """Every message and invoke is written to the inbox (chat/inbox.py) before Teams is answered, keyed by its
    activity id, so a redelivery is not handled twice and work cut short by a crash is run again. A message is
    answered at once and worked after; an invoke waits up to FORM_BUDGET so its dialog can carry the form, its
    errors or the private answer. Replies go through the outbox (bot/teams/replies.py)."""

    def __init__(self, svc: Services, inflight):
        self.svc = svc
        self.inflight = inflight
        svc.outbox.replies["teams"] = TeamsReplies(svc.notifier.senders)

    async def on_turn(self, context: TurnContext):
        async with self.inflight.track():
            act = context.activity
            await self._remember(context)
            if act.type == ActivityTypes.message:
                await self._on_message(context)
            elif act.type == ActivityTypes.invoke:
                await self._on_invoke(context)
            elif act.type == ActivityTypes.conversation_update:
                await on_conversation_update(self.svc, context)

    # --- inbound ------------------------------------------------------------------------------------------

    def _person(self, act) -> PersonRef:
        who = act.from_property
        return PersonRef("teams", who.id if who else None, name=who.name if who else None)

    def _key(self, act) -> str:
        if act.id:
            return f"teams:{act.conversation.id}:{act.id}"[:300]
        raw = act.model_dump_json(exclude_none=True)
        return "teams:" + hashlib.sha256(raw.encode()).hexdigest()

    def _context(self, act) -> dict:
        who = act.from_property
        return {"user": who.id if who else None, "conversation": act.conversation.id,
                "conversation_type": act.conversation.conversation_type, "reply_to": act.reply_to_id}

    async def _on_message(self, context: TurnContext):
        act = context.activity
        base = dict(platform="teams", user=self._person(act), channel=act.conversation.id,
                    request_key=self._key(act))
        value = act.value if isinstance(act.value, dict) else None
        if value and "form_id" in value:
            inv = Invocation(kind="form", command=value["form_id"], private=value.get("private", ""),
                             values=await self._picked_people(context, form_values(value)), **base)
        elif value and "action_id" in value:
            source = MessageRef("teams", act.conversation.id, act.reply_to_id) if act.reply_to_id else None
            inv = Invocation(kind="action", command=value["action_id"], value=str(value.get("value", "")),
                             source=source, **base)
        else:
            text = await self._mentions_as_emails(context, act.text or "")
            text = _AT_MENTION.sub("", text)  # what is left is the bot's own @mention
            family, sub, args = command_parts(plain_text(text))
            files = [Attachment(a.name or "file", a.content_type, a.content_url)
                     for a in act.attachments or [] if a.content_url]
            inv = Invocation(kind="command", family=family, command=sub, args=args, files=files, **base)
        key, ctx = inv.request_key, self._context(act)
        if not await self.svc.inbox.receive(key, inv, ctx):
            log.info("Teams activity seen before (%s %s): not handled again", inv.kind, inv.command)
            return
        self.inflight.defer(lambda: self.svc.inbox.process(key, inv, ctx))

    async def _mentions_as_emails(self, context: TurnContext, text: str) -> str:
        """`leaver @Oz` in Teams: each @mention of a person becomes their email address, which every command
        accepts (Slack sends <@U123|name> instead). The bot's own mention is left to be removed."""
        act = context.activity
        for entity in act.entities or []:
            mentioned = getattr(entity, "mentioned", None)
            tag = getattr(entity, "text", None)
            if mentioned is None or not tag or not mentioned.id:
                continue
            if act.recipient is not None and mentioned.id == act.recipient.id:
                continue
            email = await self.svc.directory.email_of(PersonRef("teams", mentioned.id))
            if email is None:
                email = await self._roster_email(context, mentioned.id)
                if email:
                    await remember_identity(self.svc.db, "teams", mentioned.id, email, mentioned.name, self.svc.now())
            text = text.replace(tag, email or mentioned.name or "", 1)
        return text

    def _invoke_invocation(self, act) -> Invocation | None:
        value = act.value if isinstance(act.value, dict) else {}
        base = dict(platform="teams", user=self._person(act), channel=act.conversation.id,
                    request_key=self._key(act))
        if act.name in ("composeExtension/fetchTask", "task/fetch") and value.get("commandId"):
            payload = value.get("messagePayload") or {}
            author = ((payload.get("from") or {}).get("user") or {})
            return Invocation(kind="shortcut", command=value["commandId"],
                              text=plain_text((payload.get("body") or {}).get("content")),
                              link=payload.get("linkToMessage"), message_time=payload.get("createdDateTime"),
                              message_author=PersonRef("teams", author.get("id"), name=author.get("displayName"))
                              if author else None,
                              files=[Attachment(a.get("name") or "file", a.get("contentType"), a.get("contentUrl"))
                                     for a in payload.get("attachments") or [] if a.get("contentUrl")],
                              **base)
        if act.name == UNIVERSAL_ACTION:   # an Action.Execute on a card in a conversation
            action = value.get("action") if isinstance(value.get("action"), dict) else {}
            data = action.get("data") if isinstance(action.get("data"), dict) else {}
            if "action_id" in data:
                source = MessageRef("teams", act.conversation.id, act.reply_to_id) if act.reply_to_id else None
                return Invocation(kind="action", command=str(data["action_id"]), value=str(data.get("value", "")),
                                  source=source, **base)
            return None
        if act.name == "task/fetch" and isinstance(value.get("data"), dict) and "action_id" in value["data"]:
            # A private button (Button.private) on a card: what it answers opens in a dialog, for the clicker only.
            data = value["data"]
            return Invocation(kind="action", command=data["action_id"], value=str(data.get("value", "")), **base)
        if act.name in ("composeExtension/submitAction", "task/submit"):
            data = value.get("data") or {}
            if "form_id" in data:
                return Invocation(kind="form", command=data["form_id"], private=data.get("private", ""),
                                  values=form_values(data), **base)   # people picked: see _on_invoke
            if "action_id" in data:  # a button on a card shown in a dialog: the message it was opened on comes too
                payload = value.get("messagePayload") or {}
                return Invocation(kind="action", command=data["action_id"], value=str(data.get("value", "")),
                                  text=plain_text((payload.get("body") or {}).get("content")) or None, **base)
        return None

    async def _on_invoke(self, context: TurnContext):
        act = context.activity
        inv = self._invoke_invocation(act)
        if inv is not None and inv.kind == "form":
            inv = replace(inv, values=await self._picked_people(context, inv.values))
        universal = act.name == UNIVERSAL_ACTION
        nothing = _universal_message("Done.") if universal else {}
        if inv is None:
            await self._invoke_response(context, nothing)
            return
        key, ctx = inv.request_key, self._context(act)
        if not await self.svc.inbox.receive(key, inv, ctx):
            await self._invoke_response(context, nothing)
            return
        work = asyncio.ensure_future(self.svc.inbox.handle(inv))
        done, _ = await asyncio.wait({work}, timeout=FORM_BUDGET)
        if not done:   # answer the dialog now; what the handler says comes into the conversation after
            await self._invoke_response(context, nothing)

            async def late():
                replies, keys = await work
                await self.svc.inbox.finish(key, inv, ctx, replies, keys, late=True)

            self.inflight.defer(late)
            return
        if work.exception() is not None:   # the database, say: answered; the recovery sweep runs it again
            await self._invoke_response(context, nothing)
            log.error("Teams %s failed before it could be answered (%s); it will be run again", inv.command,
                      type(work.exception()).__name__)
            return
        replies, keys = work.result()
        if universal:
            # The card clicked is answered with its new state; every reply is also delivered as usual (the card
            # updated in place for everyone who sees it, private answers to the clicker's personal chat).
            changed = await self._card_now(act, replies, keys)
            await self._invoke_response(context, {"statusCode": 200, "type": CARD_CONTENT_TYPE,
                                                  "value": card(changed)} if changed else nothing)
            self.inflight.defer(lambda: self.svc.inbox.finish(key, inv, ctx, replies, keys))
            return
        # The dialog shows the form, its errors, or the private answer; everything else is delivered as usual.
        dialog = None
        rest = []
        for r in replies:
            if dialog is None and isinstance(r, OpenForm):
                dialog = _task(r.form.title, form_card(r.form))
            elif dialog is None and isinstance(r, FormErrors) and r.form is not None:
                dialog = _task(r.form.title, form_card(errored_form(r)))
            elif dialog is None and isinstance(r, (Ephemeral, UpdateOriginal)):
                dialog = _task("smpolicy", card(r.message, universal=False))
            else:
                rest.append(r)
        await self._invoke_response(context, dialog or {})
        self.inflight.defer(lambda: self.svc.inbox.finish(key, inv, ctx, rest, keys))

    async def _card_now(self, act, replies: list, keys: list[str]) -> Message | None:
        """The clicked card's new state: the handler's own UpdateOriginal, or the update its change queued for
        that very card (an approval card is updated through the outbox, chat/outbox.py)."""
        changed = next((r for r in replies if isinstance(r, UpdateOriginal)), None)
        if changed is not None:
            return changed.message
        if not act.reply_to_id:
            return None
        body = await queued_update(self.svc.db, keys, f"{act.conversation.id}/{act.reply_to_id}")
        return wire.load(body["message"]) if body else None

    async def _picked_people(self, context: TurnContext, values: dict) -> dict:
        """The people picker answers with Azure AD object ids: each becomes the person's email, from the roster
        the bot has read (bot/teams/install.py) or, for someone it has not met, the Teams connector (which
        accepts an AAD object id as a member id). Someone it cannot find stays without an email, and the
        workflow says so beside the field."""
        out = dict(values)
        for key, value in values.items():
            if isinstance(value, PersonRef) and value.user_id and value.user_id.startswith(PICKED):
                out[key] = await self._picked(context, value)
            elif isinstance(value, list) and any(isinstance(v, PersonRef) for v in value):
                out[key] = [await self._picked(context, v)
                            if isinstance(v, PersonRef) and (v.user_id or "").startswith(PICKED) else v
                            for v in value]
        return out

    async def _picked(self, context: TurnContext, ref: PersonRef) -> PersonRef:
        aad = ref.user_id.removeprefix(PICKED)
        async with self.svc.db.sessions() as session:
            known = await identity_by_aad(session, aad)
        if known is not None and known.email:
            return PersonRef("teams", known.user_id, known.email, known.name)
        member = await self._roster_member(context, aad)
        email = _member_email(member)
        if member is None or not email or not getattr(member, "id", None):
            return PersonRef("teams", None, None, name=getattr(member, "name", None))
        await remember_identity(self.svc.db, "teams", member.id, email, member.name, self.svc.now(),
                                aad_object_id=aad)
        return PersonRef("teams", member.id, email.lower(), member.name)

    async def _invoke_response(self, context: TurnContext, body: dict, status: int = 200):
        await context.send_activity(Activity(type=ActivityTypes.invoke_response,
                                             value=InvokeResponse(status=status, body=body)))

    async def _remember(self, context: TurnContext) -> None:
        """Store what proactive messages need, and the person's email from the Teams roster."""
        act = context.activity
        now = self.svc.now()
        ref = act.get_conversation_reference().model_dump(mode="json", by_alias=True, exclude_none=True)
        who = act.from_property
        conv = act.conversation
        if conv is not None and conv.id:
            await save_conversation_ref(self.svc.db, "teams", conv.id, ref, now)
        if who is None or not who.id:
            return
        if (conv.conversation_type or "personal") == "personal":
            await save_conversation_ref(self.svc.db, "teams", f"user:{who.id}", ref, now)
        async with self.svc.db.sessions() as session:
            known = await identity_by_user(session, "teams", who.id)
        if known is not None and known.email and (known.aad_object_id or not who.aad_object_id):
            return
        email = known.email if known is not None and known.email else await self._roster_email(context, who.id)
        await remember_identity(self.svc.db, "teams", who.id, email, who.name, now, aad_object_id=who.aad_object_id)

    async def _roster_email(self, context: TurnContext, user_id: str) -> str | None:
        return _member_email(await self._roster_member(context, user_id))

    async def _roster_member(self, context: TurnContext, user_id: str):
        connector = context.turn_state.get("ConnectorClient")
        if connector is None or not hasattr(connector, "get_conversation_member"):
            return None
        try:
            return await connector.get_conversation_member(context.activity.conversation.id, user_id)
        except Exception as exc:
            log.warning("Teams roster lookup failed: %s", type(exc).__name__)
            return None


def _member_email(member) -> str | None:
    return (getattr(member, "email", None) or getattr(member, "user_principal_name", None)) if member else None


def _universal_message(text: str) -> dict:
    """An answer to an Action.Execute that leaves the card as it is."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


def _task(title: str, card_content: dict) -> dict:
    return {"task": {"type": "continue", "value": {"title": title[:64], "card": attachment(card_content)}}}
