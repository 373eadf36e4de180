"""The front door of /slack/events in HTTP mode: signature first, then shape, then once only.

Bolt parses the body before it checks the signature, so junk from anyone reached code that throws (500s and
tracebacks). Here, before Bolt sees anything:
1. the signature and timestamp are checked on the raw body (slack_sdk's SignatureVerifier): else 401 and one
   short log line;
2. a signed body must be a payload Slack really sends (a slash command, or a JSON interaction or event with
   the fields our listeners read): else 400;
3. (in bot/slack/app.py) the same delivery (Slack's retries resend it, with X-Slack-Retry-Num) is handled
   once, across every instance sharing the database: its request key is the inbox's unique key
   (chat/inbox.py), so a repeat is answered 200 and not handled again.
"""
from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Slack's interaction payloads are well under this


def _refuse(status: int, reason: str) -> web.Response:
    log.warning("Slack request refused (%s): %s", status, reason)
    return web.json_response({"error": reason}, status=status)


def _form_fields(body: bytes) -> dict[str, str] | None:
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return None
    return {k: v[0] for k, v in parsed.items()}


def _is_dict(value, *keys) -> bool:
    return isinstance(value, dict) and all(k in value for k in keys)


def _interaction_problem(p: dict) -> str | None:
    kind = p.get("type")
    if not isinstance(kind, str):
        return "no type"
    if not _is_dict(p.get("user"), "id"):
        return "no user"
    if kind == "block_actions":
        actions = p.get("actions")
        if not (isinstance(actions, list) and actions and _is_dict(actions[0], "action_id")):
            return "no actions"
    elif kind in ("view_submission", "view_closed"):
        view = p.get("view")
        if not (_is_dict(view, "callback_id") and isinstance(view.get("state", {}), dict)):
            return "no view"
        if not all(isinstance(block, dict) for block in (view.get("state") or {}).get("values", {}).values()):
            return "bad view state"
    elif kind in ("shortcut", "message_action"):
        if not isinstance(p.get("callback_id"), str):
            return "no callback_id"
        if kind == "message_action" and not isinstance(p.get("message", {}), dict):
            return "bad message"
    return None


def _id_fields_problem(event: dict) -> str | None:
    """Bolt reads the user, channel and team of an event (and of its item or message) as text or an object,
    and throws on anything else."""
    for part in (event, *(event.get(k) for k in ("item", "message", "previous_message"))):
        if not isinstance(part, dict):
            continue
        for key in ("user", "channel", "team"):
            if part.get(key) is not None and not isinstance(part[key], (str, dict)):
                return f"event {key} is neither an id nor an object"
    return None


def shape_problem(body: bytes, content_type: str) -> str | None:
    """Why this signed body is not something Slack sends us (None when it is)."""
    if "json" in content_type:
        try:
            event = json.loads(body)
        except ValueError:
            return "body is not JSON"
        if not (_is_dict(event, "type") and isinstance(event["type"], str)):
            return "no event type"
        if event["type"] == "event_callback":   # what bot/slack/events.py reads: the event and its type
            inner = event.get("event")
            if not (_is_dict(inner, "type") and isinstance(inner["type"], str)):
                return "event_callback without an event"
            return _id_fields_problem(inner)
        return None
    fields = _form_fields(body)
    if fields is None:
        return "body is not a form"
    if "payload" in fields:
        try:
            payload = json.loads(fields["payload"])
        except ValueError:
            return "payload is not JSON"
        return _interaction_problem(payload) if isinstance(payload, dict) else "payload is not an object"
    if fields.get("command") and fields.get("user_id"):
        return None
    return "neither a command nor an interaction"


async def admit(request: web.Request, verifier: SignatureVerifier) -> web.Response | None:
    """None when Bolt may handle the request; else the answer to give instead."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _refuse(413, "request too large")
    body = await request.read()
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    try:
        signed = verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    except Exception:  # a non-numeric timestamp and the like: not signed by Slack
        signed = False
    if not signed:
        return _refuse(401, "invalid or stale signature")
    problem = shape_problem(body, request.headers.get("Content-Type", ""))
    if problem:
        return _refuse(400, f"signed but malformed: {problem}")
    return None
