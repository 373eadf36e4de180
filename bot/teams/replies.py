"""Answers to a Teams interaction, delivered into the conversation it came from (the outbox's reply sender for
Teams). They are sent proactively with the conversation's stored reference, so they reach the person whether
the answer is sent at once or by another instance after a crash. What Slack shows only to the asker goes to
the conversation the person used (a personal chat, or the thread they @mentioned the bot in).
"""
from __future__ import annotations

from microsoft_agents.activity import Activity

from chat.messages import Message, MessageRef, Text, UploadFile, message
from chat.platforms import Undeliverable
from chat.replies import Ephemeral, FormErrors, InChannel, OpenForm, UpdateOriginal

from .render import attachment, form_card


def errored_form(reply: FormErrors):
    return type(reply.form)(**{**reply.form.__dict__, "errors": tuple(reply.errors.items())})


class TeamsReplies:
    """chat/outbox.py ReplySender for Teams. `ctx`: user, conversation, reply_to (the card a button was on)."""
    forms_after_ack = True   # a Teams form is a card: it can be shown again at any time

    def __init__(self, senders: dict):
        self.senders = senders   # the Services' platform senders; Teams' is connected after this is made

    async def reply(self, ctx: dict, reply) -> MessageRef | None:
        sender = self.senders.get("teams")
        conversation = ctx.get("conversation")
        if sender is None or not conversation:
            raise Undeliverable("Teams is not connected")
        if isinstance(reply, (Ephemeral, InChannel)):
            return await sender.post(conversation, reply.message)
        if isinstance(reply, OpenForm):
            return await sender.post_activity(conversation, _form(reply.form))
        if isinstance(reply, FormErrors):
            if reply.form is not None:
                return await sender.post_activity(conversation, _form(errored_form(reply)))
            lines = "\n".join(f"- {text}" for text in reply.errors.values())
            return await sender.post(conversation, message(Text(f"Please check the form:\n{lines}")))
        if isinstance(reply, UpdateOriginal):
            if ctx.get("reply_to"):
                ref = MessageRef("teams", conversation, ctx["reply_to"])
                await sender.update(ref, reply.message)
                return ref
            return await sender.post(conversation, reply.message)
        if isinstance(reply, UploadFile):
            # Bots cannot drop a file into a Teams chat without Graph and a consent card; send it as text.
            body = reply.content.decode("utf-8", "replace")
            return await sender.post(conversation, Message(reply.title, (
                Text(f"*{reply.title}* ({reply.filename})" + (f"\n{reply.comment}" if reply.comment else "")),
                Text(body[:20000]))))
        raise Undeliverable(f"a {type(reply).__name__} cannot be sent as a Teams reply")


def _form(form) -> Activity:
    return Activity(type="message", attachments=[attachment(form_card(form))])
