"""Answers to a Teams interaction, delivered into the conversation it came from (the outbox's reply sender for
Teams). They are sent proactively with the conversation's stored reference, so they reach the person whether
the answer is sent at once or by another instance after a crash.

What Slack shows only to the asker (a verdict, a status, FOI cases, a form, an error about their own item) is
never posted to a channel or group chat, where everyone would read it: it goes to the person's personal chat
with the bot, and the channel is given a short note that says nothing about them or what they asked.
"""
from __future__ import annotations

from microsoft_agents.activity import Activity

from chat.messages import MessageRef, Text, UploadFile, message
from chat.platforms import Undeliverable
from chat.replies import Ephemeral, FormErrors, InChannel, OpenForm, UpdateOriginal

from .render import attachment, file_message, form_card
from .sender import activity_of

PRIVATE = (Ephemeral, OpenForm, FormErrors)   # a file (a crisis report) is for the room it was asked in
SENT_PRIVATELY = "I've answered you in our personal chat, so it stays between us."
NO_PERSONAL_CHAT = ("I couldn't open a personal chat with you to answer this, and it isn't for the whole "
                    "channel. Please message me directly: find smpolicy under Chat in Teams and type *help*.")


def errored_form(reply: FormErrors):
    return type(reply.form)(**{**reply.form.__dict__, "errors": tuple(reply.errors.items())})


def is_personal(ctx: dict) -> bool:
    """Whether the interaction came from the person's own chat with the bot (Teams ids: a:… personal,
    19:… channels and group chats)."""
    kind = ctx.get("conversation_type")
    if kind:
        return kind == "personal"
    return str(ctx.get("conversation") or "").startswith("a:")


class TeamsReplies:
    """chat/outbox.py ReplySender for Teams. `ctx`: user, conversation, conversation_type, reply_to (the card
    a button was on)."""
    forms_after_ack = True   # a Teams form is a card: it can be shown again at any time

    def __init__(self, senders: dict):
        self.senders = senders   # the Services' platform senders; Teams' is connected after this is made

    async def reply(self, ctx: dict, reply) -> MessageRef | None:
        sender = self.senders.get("teams")
        conversation = ctx.get("conversation")
        if sender is None or not conversation:
            raise Undeliverable("Teams is not connected")
        activity = self._activity(reply)
        if activity is None:
            if isinstance(reply, UpdateOriginal) and ctx.get("reply_to"):
                ref = MessageRef("teams", conversation, ctx["reply_to"])
                await sender.update(ref, reply.message)
                return ref
            if isinstance(reply, (InChannel, UpdateOriginal)):
                return await sender.post(conversation, reply.message)
            raise Undeliverable(f"a {type(reply).__name__} cannot be sent as a Teams reply")
        if isinstance(reply, PRIVATE) and not is_personal(ctx):
            return await self._privately(sender, ctx, activity)
        return await sender.post_activity(conversation, activity)

    def _activity(self, reply) -> Activity | None:
        """The activity for a reply that is shown as it is; None for one that changes or is for everyone."""
        if isinstance(reply, Ephemeral):
            return activity_of(reply.message)
        if isinstance(reply, OpenForm):
            return _form(reply.form)
        if isinstance(reply, FormErrors):
            if reply.form is not None:
                return _form(errored_form(reply))
            lines = "\n".join(f"- {text}" for text in reply.errors.values())
            return activity_of(message(Text(f"Please check the form:\n{lines}")))
        if isinstance(reply, UploadFile):
            return activity_of(file_message(reply))
        return None

    async def _privately(self, sender, ctx: dict, activity: Activity) -> MessageRef:
        conversation = ctx["conversation"]
        user = ctx.get("user")
        try:
            if not user:
                raise Undeliverable("no one to answer")
            ref = await sender.dm_activity(user, activity)
        except Undeliverable:
            await sender.post_activity(conversation, activity_of(message(Text(NO_PERSONAL_CHAT))))
            raise
        await sender.post_activity(conversation, activity_of(message(Text(SENT_PRIVATELY))))
        return ref


def _form(form) -> Activity:
    return Activity(type="message", attachments=[attachment(form_card(form))])
