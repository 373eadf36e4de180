"""Slack events the bot answers: a DM to it (message.im), an @mention of it (app_mention), and the Home tab.

A typed message becomes a neutral Invocation of kind "message", dispatched as the slash command would be
(chat/dispatch.py). The bot never answers its own messages or other bots', nor edits, deletions, joins and
the like (every message subtype but a shared file). Its request key is the message itself (channel and ts),
so Slack's retries of the event, and an @mention that also arrives as a DM message, are handled once.
"""
from __future__ import annotations

import re

from chat.messages import Attachment, PersonRef
from chat.replies import Invocation

ANSWERED_SUBTYPES = (None, "file_share")   # a plain message, or one with a photo attached


def message_invocation(event: dict, bot_user: str | None) -> tuple[Invocation, dict] | None:
    """The invocation for a message event, with where its replies go; None for one the bot must ignore."""
    if event.get("bot_id") or event.get("bot_profile") or event.get("subtype") not in ANSWERED_SUBTYPES:
        return None
    user, channel, ts, text = event.get("user"), event.get("channel"), event.get("ts"), event.get("text")
    if not (isinstance(user, str) and isinstance(channel, str) and isinstance(ts, str)) or user == bot_user:
        return None
    in_dm = event.get("channel_type") == "im"
    if event.get("type") == "message" and not in_dm:
        return None   # we hear channels only when @mentioned (app_mention)
    if bot_user:
        text = re.sub(rf"<@{re.escape(bot_user)}(\|[^>]*)?>", " ", text or "")
    files = [Attachment(f.get("name") or "file", f.get("mimetype"), f.get("url_private"), f.get("size"))
             for f in event.get("files") or [] if isinstance(f, dict)]
    inv = Invocation(platform="slack", kind="message", user=PersonRef("slack", user), channel=channel,
                     text=(text or "").strip(),
                     message_time=ts, files=files, request_key=f"slack:message:{channel}:{ts}")
    ctx = {"user": user, "channel": channel, "trigger_id": None, "response_url": None, "message_ts": None,
           "is_ephemeral": False, "im": in_dm, "thread_ts": event.get("thread_ts")}
    return inv, ctx
