"""Junk from anyone (issue 10, items 5 and 6): no 5xx, no traceback, nothing changed; a retried delivery once.

Over 150 malformed Slack and Teams requests: unsigned junk (401), signed but malformed payloads (400), and
signed, well-shaped requests carrying nonsense (200 and a clear message, never a traceback in the log).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlencode

from tests.support.server import SIGNING_SECRET

from .test_crisis_support import events
from .test_crisis_slack import start_highways

FORM = "application/x-www-form-urlencoded"


def _tracebacks(caplog, capsys) -> list[str]:
    found = [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    out = capsys.readouterr()
    if "Traceback" in out.out + out.err:
        found.append((out.out + out.err)[-2000:])
    return found


async def _raw(bot, body: bytes, content_type: str, headers: dict) -> int:
    resp = await bot.http.post(bot.url + "/slack/events", data=body, headers={"Content-Type": content_type, **headers})
    await resp.read()
    return resp.status


def _signed_headers(body: bytes, ts: str | None = None) -> dict:
    ts = ts or str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    sig = f"v0={digest}"
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


UNSIGNED_BODIES = [b"payload={", b"payload=%7B%22type%22", b"{not json", b"[]", b"", b"\xff\xfe\x00",
                   b"command=/smpolicy&text=help&user_id=U1", b'{"type":"event_callback"}', b"a" * 5000,
                   b"payload=" + json.dumps({"type": "block_actions"}).encode()]
BAD_HEADERS = [{}, {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=abc"},
               {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
               {"X-Slack-Request-Timestamp": "99999999999999999999999", "X-Slack-Signature": "v0=00"},
               {"X-Slack-Request-Timestamp": str(int(time.time()) - 3600), "X-Slack-Signature": "v0=00"},
               {"X-Slack-Request-Timestamp": "12.5", "X-Slack-Signature": "nonsense"}]

USER = {"id": "USTAFF", "name": "sam.staff", "team_id": "T1"}
SIGNED_MALFORMED = [
    (b"payload={", FORM), (b"payload=[]", FORM), (b"payload=%22x%22", FORM), (b"payload=null", FORM),
    (b"\xff\xfe", FORM), (b"text=help", FORM), (b"command=%2Fsmpolicy", FORM), (b"{", "application/json"),
    (b"[]", "application/json"), (b'{"token": "x"}', "application/json"), (b'{"type": 7}', "application/json"),
] + [("payload=" + json.dumps(p)).encode() and (urlencode({"payload": json.dumps(p)}).encode(), FORM) for p in [
    {"type": "block_actions"}, {"type": "block_actions", "user": USER},
    {"type": "block_actions", "user": USER, "actions": []}, {"type": "block_actions", "user": USER, "actions": [1]},
    {"type": "block_actions", "user": USER, "actions": [{"value": "x"}]},
    {"type": "view_submission", "user": USER}, {"type": "view_submission", "user": USER, "view": {}},
    {"type": "view_submission", "user": USER, "view": {"callback_id": "x", "state": []}},
    {"type": "view_submission", "user": USER, "view": {"callback_id": "x", "state": {"values": {"b": 1}}}},
    {"type": "shortcut", "user": USER}, {"type": "message_action", "user": USER, "callback_id": 5},
    {"type": "message_action", "user": USER, "callback_id": "check_post", "message": "text"},
    {"type": None, "user": USER}, {"user": USER}, {"type": "block_actions", "user": "USTAFF"},
]]

COMMAND_TEXTS = [
    ("/smpolicy", "foi due-date 31/12/2026"), ("/smpolicy", "foi due-date 2026-02-30"),
    ("/smpolicy", "foi show FOI-9999999999999999999999"), ("/smpolicy", "foi show ' OR 1=1 --"),
    ("/smpolicy", "foi done FOI-2026-99999999999999999999"), ("/smpolicy", "check"), ("/smpolicy", "check " + "x" * 40000),
    ("/smpolicy", "ask"), ("/smpolicy", "ask \u0000\u0001"), ("/smpolicy", "pause start"), ("/smpolicy", "pause start -5 x"),
    ("/smpolicy", "pause start 99999999999999999999 reason"), ("/smpolicy", "pause until 31/12/2026"),
    ("/smpolicy", "pause until 2026-13-45"), ("/smpolicy", "boost"), ("/smpolicy", "register"),
    ("/smpolicy", "audit export 31/12/2026"), ("/smpolicy", "audit export --from x --to y"),
    ("/smpolicy", "frobnicate"), ("/smpolicy", "\u202e\u202d"), ("/smpolicy", "request-account <@U|>"),
    ("/crisis", "start"), ("/crisis", "note"), ("/crisis", "status 99999999999999999999999"),
    ("/crisis", "end 99999999999999999999"), ("/crisis", "add <@>"), ("/crisis", "remove <mailto:|>"),
    ("/crisis", "approver <@UNOBODY>"), ("/crisis", "checkin 25:99"), ("/crisis", "help me"),
]
ACTIONS = ["check.signoff", "check.foi", "signoff.approve", "signoff.decline", "foi.done", "foi.reassign",
           "accounts.approve", "accounts.reject", "boost.approve", "crisis.end", "pause.end", "nonsense"]
ACTION_VALUES = ["", "x", "slack|C1|1.2", "99999999999999999999999", "-1", "{}", "FOI-2026-0001", "\u0000"]
FORMS = ["check.signoff", "foi.forward", "accounts.request", "boost.request", "crisis.start", "pause.start",
         "foi.reassign", "nonsense"]


async def test_150_malformed_requests_get_no_5xx_and_no_traceback(bot, caplog, capsys):
    caplog.set_level(logging.INFO)
    statuses: list[tuple[str, int]] = []
    for body in UNSIGNED_BODIES:
        for headers in BAD_HEADERS:
            statuses.append((f"unsigned {body[:20]!r} {headers}", await _raw(bot, body, FORM, headers)))
    assert all(s == 401 for _, s in statuses), [x for x in statuses if x[1] != 401]
    signed = []
    for body, content_type in SIGNED_MALFORMED:
        signed.append((f"signed {body[:60]!r}", await _raw(bot, body, content_type, _signed_headers(body))))
    assert all(400 <= s < 500 for _, s in signed), [x for x in signed if not 400 <= x[1] < 500]
    handled = []
    for command, text in COMMAND_TEXTS:
        resp = await bot.slack_command(command, text, user="UCOMMS")
        handled.append((f"{command} {text[:30]}", resp.status))
    for action in ACTIONS:
        for value in ACTION_VALUES[:4]:
            resp = await bot.slack_click(action, value, user="UCOMMS")
            handled.append((f"click {action} {value}", resp.status))
    for callback in FORMS:
        for values in ({}, {"x": {"y": {"type": "plain_text_input", "value": "31/12/2026"}}}):
            resp = await bot.slack_submit(values, user="UCOMMS", view={"callback_id": callback, "private_metadata": "{"})
            handled.append((f"form {callback}", resp.status if hasattr(resp, "status") else 200))
    teams = []
    for body in [b"{", b"[]", b"null", b'{"type": "message"}', b'{"type": "message", "conversation": {}}',
                 b'{"type": "message", "conversation": {"id": "a:1"}, "serviceUrl": 5}',
                 b'{"type": "invoke", "name": "composeExtension/fetchTask", "conversation": {"id": "a:1"}}']:
        resp = await bot.http.post(bot.url + "/api/messages", data=body, headers={"Content-Type": "application/json"})
        teams.append((f"teams raw {body[:40]!r}", resp.status))
    for text in ["", "\u0000", "foi show FOI-99999999999999999999", "pause until 31/12/2026", "check",
                 "x" * 30000, "crisis note", "<at>smpolicy</at> &#39;&quot;<br>"]:
        status, _ = await bot.teams_say(text, user="29:comms")
        teams.append((f"teams say {text[:20]!r}", status))
    for value in [{}, {"verb": "nonsense"}, {"verb": "signoff.approve", "id": "x"}, {"action": 5}, "text", [1]]:
        status, _ = await bot.teams_click(value if isinstance(value, dict) else {"data": value}, user="29:comms")
        teams.append((f"teams click {value}", status))
    for name in ["composeExtension/fetchTask", "composeExtension/submitAction", "task/fetch", "task/submit",
                 "adaptiveCard/action", "nonsense"]:
        status, _ = await bot.teams_invoke(name, {"commandId": "nonsense", "data": {"verb": "x"}}, user="29:comms")
        teams.append((f"teams invoke {name}", status))
    everything = statuses + signed + handled + teams
    assert len(everything) >= 150, len(everything)
    assert not [x for x in everything if x[1] >= 500], [x for x in everything if x[1] >= 500]
    found = _tracebacks(caplog, capsys)
    assert found == [], "\n".join(found)


async def test_a_retried_command_is_applied_once(bot):
    c = await start_highways(bot)
    form = urlencode({"token": "legacy", "team_id": "T1", "channel_id": c.room_id, "user_id": "UCOMMS",
                      "user_name": "cam.comms", "command": "/crisis", "text": "note Radio Suffolk called",
                      "response_url": bot.response_url(), "trigger_id": "trigger-retry-1"})
    headers = _signed_headers(form.encode())
    first = await _raw(bot, form.encode(), FORM, headers)
    again = await _raw(bot, form.encode(), FORM, {**headers, "X-Slack-Retry-Num": "1",
                                                   "X-Slack-Retry-Reason": "http_timeout"})
    await bot.settle()
    assert (first, again) == (200, 200)
    notes = [e for e in await events(bot) if e.action == "note"]
    assert [n.details["text"] for n in notes] == ["Radio Suffolk called"]
