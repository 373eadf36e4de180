"""Drives the real bot over real HTTP: signed Slack requests and Teams activities, shaped as the platforms send.

    bot = await BotHarness.start(tmp_path)          # Slack + Teams stand-ins on loopback, bot on a free port
    await bot.slack_command("/smpolicy", "help", user="USTAFF")
    await bot.settle()                               # wait for work done after ack()
    assert "What I can do" in bot.slack.responses()[-1].text()
"""
from __future__ import annotations

import asyncio
import gc
import json
import os
import time
import uuid
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from .people import SLACK_USERS, TEAMS_USERS
from .slack_api import SlackStandIn
from .teams_connector import TeamsStandIn

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
ORG_FILE = Path(__file__).with_name("org.toml")
TENANT = "tenant-1"
SETTLE_LOOK = 0.002  # seconds between looks at the work in flight (see settle)
# The policy's last approval as the tests' organisation has recorded it (`policy-review done`): recent, so a start
# does not DM the policy owner that the pack's May 2024 date is overdue (6.1) before every test (~20 ms of CPU a
# start, and a message no other test is about). tests/e2e/test_reports_review.py starts with none recorded.
REVIEW_RECORDED = date(2026, 11, 2)


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


_frozen = False


def _freeze_once() -> None:
    """After the first bot of the run has started, everything it loaded for good (the policy pack, the SDKs'
    modules and caches) is taken out of the garbage collector's full passes, as `python app.py` does at
    start-up; what later tests make stays collectable, so nothing piles up frozen from test to test."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def _forget_stopped_apps() -> None:
    """aiohttp keeps each app's middleware chains in a module-level cache of 1,024 entries keyed by the app, so
    every bot a test worker had stopped stayed in memory with all it held (its services, engines, event loop):
    ~11,000 objects a test, and each full garbage collection had ~100 e2e tests' worth to look through (100 ms
    each). One process runs one app, so only the tests build so many; they empty that cache once a bot stops."""
    from aiohttp import web_app

    cache_clear = getattr(getattr(web_app, "_cached_build_middleware", None), "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


class BotHarness:
    def __init__(self, database_url: str, clock, org_file: Path, env: dict, review_recorded: date | None = None):
        self.database_url = database_url
        self.review_recorded = review_recorded
        self.clock = clock
        self.org_file = org_file
        self.env = env
        self.slack = SlackStandIn(users=dict(SLACK_USERS))
        self.teams = TeamsStandIn(members=dict(TEAMS_USERS))
        self._runners: list[web.AppRunner] = []
        self.bot_runner: web.AppRunner | None = None
        self.url = ""
        self.http: aiohttp.ClientSession | None = None
        self._ids = 0

    # --- lifecycle ----------------------------------------------------------------------------------------
    @classmethod
    async def start(cls, database_url: str, clock, org_file: Path = ORG_FILE, env: dict | None = None,
                    slack: bool = True, review_recorded: date | None = REVIEW_RECORDED):
        """`review_recorded`: the policy review the organisation has recorded before the bot's first start (None:
        none, so the pack's date counts)."""
        self = cls(database_url, clock, org_file, env or {}, review_recorded)
        runner, self.slack.base_url = await _serve(self.slack.app())
        self._runners.append(runner)
        runner, self.teams_url = await _serve(self.teams.app())
        self._runners.append(runner)
        self.slack_enabled = slack
        self.http = aiohttp.ClientSession()
        await self._start_bot()
        _freeze_once()
        return self

    def settings(self):
        from bot.settings import Settings

        return Settings(
            port=0, database_url=self.database_url, config_path=str(self.org_file),
            slack_bot_token=BOT_TOKEN if self.slack_enabled else None,
            slack_app_token=self.env.get("SLACK_APP_TOKEN"),
            slack_signing_secret=SIGNING_SECRET if self.slack_enabled else None,
            slack_api_url=self.slack.base_url + "/api/",
            smtp_host=self.env.get("SMTP_HOST"), smtp_port=int(self.env.get("SMTP_PORT", 25)),
            metrics_token=self.env.get("METRICS_TOKEN"),
            teams_app_id=self.env.get("TEAMS_APP_ID"), teams_app_password=self.env.get("TEAMS_APP_PASSWORD"),
            teams_tenant_id=self.env.get("TEAMS_TENANT_ID"),
            # The tests' Bot Connector stand-in is on loopback: anonymous local mode, as a developer runs it.
            teams_anonymous=self.env.get("TEAMS_ANONYMOUS", "1") == "1",
        )

    async def _start_bot(self) -> None:
        from app import RUNTIME, create_app

        app = await create_app(self.settings(), clock=self.clock)
        self.app = app
        self.runtime = app[RUNTIME]
        self.svc = self.runtime.svc
        if self.review_recorded is not None:
            await self._record_review(self.review_recorded)
        self.bot_runner, self.url = await _serve(app)
        await self.settle()

    async def _record_review(self, day: date) -> None:
        """The setting `policy-review approved` leaves, once, before the start-up sweeps look at it."""
        from dialogs.reports.rules import SETTING_KEY
        from storage.models import Setting

        self.review_recorded = None        # a restart finds whatever the test made of it
        async with self.svc.db.transaction() as s:
            if await s.get(Setting, SETTING_KEY) is None:
                s.add(Setting(key=SETTING_KEY, value={"approved": day.isoformat(), "by": "owner@example.gov.uk"},
                              updated_at=self.clock.now()))

    async def restart(self) -> None:
        """Stop the bot as a SIGTERM would (finish work, close the database) and start a new one."""
        await self.bot_runner.cleanup()
        await self._start_bot()

    async def kill(self) -> None:
        """Stop the bot as a crash would: nothing running finishes and nothing queued runs; the stand-ins and
        the database stay, so `start_again()` is the process coming back (see tests/e2e/test_durable_work.py)."""
        self.runtime.inflight.abandon()
        for task in list(self.svc.background):
            task.cancel()
        self.runtime.runner.stop()
        await asyncio.sleep(0.05)          # let the cancellations land before the runner closes
        await self.bot_runner.cleanup()

    async def start_again(self) -> None:
        """A new bot process on the same database and stand-ins (its start-up sweeps run before this returns)."""
        await self._start_bot()

    async def stop(self) -> None:
        if self.bot_runner is not None:
            await self.bot_runner.cleanup()
        for runner in self._runners:
            await runner.cleanup()
        if self.http is not None:
            await self.http.close()
        _forget_stopped_apps()

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait until the bot has finished the work it does after answering (after ack).

        Idle is nothing in flight at three looks in a row, a few milliseconds apart (work that ends by
        queueing more is tracked before it ends, so no gap between them is missed). Every request the tests
        make waits here, so the looks are short: an idle bot is seen in ~6 ms.
        """
        deadline = time.monotonic() + timeout
        await asyncio.sleep(0)
        quiet = 0
        while time.monotonic() < deadline:
            if len(self.runtime.inflight) == 0:
                quiet += 1
                if quiet >= 3:
                    return
            else:
                quiet = 0
            await asyncio.sleep(SETTLE_LOOK)
        raise AssertionError("the bot was still busy after %.0fs" % timeout)

    async def run_sweeps(self, at: datetime | None = None) -> list:
        """Run every due sweep as at `at` (what `python -m bot remind --now` does)."""
        if at is not None:
            self.clock.set(at)
        return await self.runtime.runner.run_all()

    # --- Slack ----------------------------------------------------------------------------------------------
    def _next(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids}"

    async def slack_post(self, body: str, content_type: str, *, signature: str | None = None,
                         timestamp: int | None = None) -> aiohttp.ClientResponse:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        sig = signature or SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}
        resp = await self.http.post(self.url + "/slack/events", data=body.encode(), headers=headers)
        await resp.read()
        return resp

    def response_url(self) -> str:
        return f"{self.slack.base_url}/response/{self._next('R')}"

    async def slack_command(self, command: str, text: str, user: str = "USTAFF", channel: str = "CGENERAL",
                            settle: bool = True, **sign) -> aiohttp.ClientResponse:
        form = {
            "token": "legacy", "team_id": "T1", "team_domain": "council", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": SLACK_USERS.get(user, {}).get("name", user),
            "command": command, "text": text, "api_app_id": "A1", "is_enterprise_install": "false",
            "response_url": self.response_url(), "trigger_id": self._next("trigger-"),
        }
        resp = await self.slack_post(urlencode(form), "application/x-www-form-urlencoded", **sign)
        if settle:
            await self.settle()
        return resp

    async def _interactive(self, payload: dict, settle: bool = True) -> aiohttp.ClientResponse:
        body = urlencode({"payload": json.dumps(payload)})
        resp = await self.slack_post(body, "application/x-www-form-urlencoded")
        self.last_body = await resp.text()
        if settle:
            await self.settle()
        return resp

    def _user(self, user: str) -> dict:
        name = SLACK_USERS.get(user, {}).get("name", user)
        return {"id": user, "username": name.lower().replace(" ", "."), "name": name, "team_id": "T1"}

    async def slack_shortcut(self, callback_id: str, text: str, user: str = "USTAFF", channel: str = "CGENERAL",
                             author: str = "USTAFF", files: list | None = None, settle: bool = True):
        ts = f"{int(time.time())}.{self._ids:06d}"
        message = {"type": "message", "user": author, "ts": ts, "text": text, "team": "T1"}
        if files:
            message["files"] = files
        self.slack.messages[(channel, ts)] = message
        payload = {
            "type": "message_action", "token": "legacy", "action_ts": ts, "callback_id": callback_id,
            "team": {"id": "T1", "domain": "council"}, "user": self._user(user),
            "channel": {"id": channel, "name": "general"}, "is_enterprise_install": False, "enterprise": None,
            "trigger_id": self._next("trigger-"), "response_url": self.response_url(), "message_ts": ts,
            "message": message,
        }
        return await self._interactive(payload, settle)

    async def slack_click(self, action_id: str, value: str = "", user: str = "USTAFF", channel: str = "CGENERAL",
                          message_ts: str | None = None, ephemeral: bool = False, settle: bool = True):
        """Click a button. Pass the message's ts (from the stand-in's record) to click a posted card."""
        ts = message_ts or f"{int(time.time())}.000001"
        payload = {
            "type": "block_actions", "user": self._user(user), "api_app_id": "A1", "token": "legacy",
            "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": ephemeral},
            "trigger_id": self._next("trigger-"), "team": {"id": "T1", "domain": "council"},
            "enterprise": None, "is_enterprise_install": False, "channel": {"id": channel, "name": "general"},
            "message": {"type": "message", "ts": ts, "text": "", "blocks": []}, "state": {"values": {}},
            "response_url": self.response_url(),
            "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "value": value,
                         "text": {"type": "plain_text", "text": "button"}, "action_ts": ts}],
        }
        return await self._interactive(payload, settle)

    async def slack_event(self, event: dict, retry: int = 0, settle: bool = True) -> aiohttp.ClientResponse:
        """An Events API delivery (event_callback), signed; `retry` > 0 resends it as Slack's retries do."""
        body = json.dumps({"token": "legacy", "team_id": "T1", "api_app_id": "A1", "event": event,
                           "type": "event_callback", "event_id": f"Ev{event.get('ts', self._ids)}",
                           "event_time": int(time.time()), "authorizations": [
                               {"team_id": "T1", "user_id": "UBOT", "is_bot": True}]})
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)}
        if retry:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        resp = await self.http.post(self.url + "/slack/events", data=body.encode(), headers=headers)
        await resp.read()
        if settle:
            await self.settle()
        return resp

    def dm_channel(self, user: str) -> str:
        return "D" + user[1:]

    def dm_event(self, text: str, user: str = "USTAFF", **fields) -> dict:
        """A message typed in the person's DM with the bot, as Slack sends it (and keeps it, for history)."""
        channel = self.dm_channel(user)
        ts = f"{int(time.time())}.{self._ids:06d}"
        self._ids += 1
        event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
                 "event_ts": ts, "channel_type": "im", "client_msg_id": new_id(), "team": "T1", **fields}
        self.slack.messages[(channel, ts)] = {"type": "message", "user": user, "text": text, "ts": ts}
        return event

    async def slack_dm(self, text: str, user: str = "USTAFF", **fields) -> dict:
        event = self.dm_event(text, user, **fields)
        await self.slack_event(event)
        return event

    async def slack_home_opened(self, user: str = "USTAFF") -> None:
        await self.slack_event({"type": "app_home_opened", "user": user, "channel": self.dm_channel(user),
                                "tab": "home", "event_ts": f"{int(time.time())}.{self._ids:06d}"})

    async def slack_home_click(self, action_id: str, value: str = "", user: str = "USTAFF", settle: bool = True):
        """A button on the person's Home tab: Slack sends the view, and no channel or response_url."""
        view = self.slack.home_views.get(user) or {"blocks": []}
        payload = {
            "type": "block_actions", "user": self._user(user), "api_app_id": "A1", "token": "legacy",
            "container": {"type": "view", "view_id": f"VHOME{user}"}, "trigger_id": self._next("trigger-"),
            "team": {"id": "T1", "domain": "council"}, "enterprise": None, "is_enterprise_install": False,
            "view": {"id": f"VHOME{user}", "type": "home", "blocks": view.get("blocks", []), "state": {"values": {}},
                     "hash": "h", "private_metadata": "", "callback_id": ""},
            "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "value": value,
                         "text": {"type": "plain_text", "text": "button"}, "action_ts": str(time.time())}],
        }
        return await self._interactive(payload, settle)

    def home_text(self, user: str = "USTAFF") -> str:
        from .slack_api import Call

        return Call("views.publish", {"view": self.slack.home_views.get(user) or {}}).text()

    def last_view(self) -> dict:
        opened = self.slack.of("views.open")
        assert opened, "no form was opened"
        return opened[-1].args["view"]

    async def slack_submit(self, values: dict, user: str = "USTAFF", view: dict | None = None,
                           settle: bool = True) -> dict:
        """Submit a modal as Slack would, filling `values` by input id. Returns the ack body (errors, if any)."""
        view = view or self.last_view()
        state: dict = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input":
                continue
            el = block["element"]
            iid, kind = el["action_id"], el["type"]
            v = values.get(iid)
            if kind == "plain_text_input":
                entry = {"type": kind, "value": v}
            elif kind == "static_select":
                entry = {"type": kind, "selected_option": {"value": v, "text": {"type": "plain_text", "text": str(v)}}
                         if v else None}
            elif kind == "multi_static_select":
                entry = {"type": kind, "selected_options": [{"value": x} for x in (v or [])]}
            elif kind == "users_select":
                entry = {"type": kind, "selected_user": v}
            elif kind == "multi_users_select":
                entry = {"type": kind, "selected_users": list(v or [])}
            elif kind == "datepicker":
                entry = {"type": kind, "selected_date": v.isoformat() if hasattr(v, "isoformat") else v}
            elif kind == "checkboxes":
                entry = {"type": kind, "selected_options": [{"value": "yes"}] if v else []}
            else:
                entry = {"type": kind, "value": v}
            state[block["block_id"]] = {iid: entry}
        payload = {
            "type": "view_submission", "team": {"id": "T1", "domain": "council"}, "user": self._user(user),
            "api_app_id": "A1", "token": "legacy", "trigger_id": self._next("trigger-"),
            "view": {"id": "V1", "team_id": "T1", "type": "modal", "blocks": view.get("blocks", []),
                     "private_metadata": view.get("private_metadata", ""), "callback_id": view["callback_id"],
                     "state": {"values": state}, "hash": "h", "title": view.get("title"), "app_id": "A1",
                     "bot_id": "BBOT"},
            "response_urls": [], "is_enterprise_install": False, "enterprise": None,
        }
        resp = await self._interactive(payload, settle)
        return json.loads(self.last_body) if self.last_body.strip().startswith("{") else {}

    # --- Teams ------------------------------------------------------------------------------------------------
    def teams_activity(self, user: str, conversation: str | None = None, conversation_type: str = "personal",
                       **fields) -> dict:
        member = TEAMS_USERS.get(user, {"name": user, "aad": user})
        activity = {
            "type": "message", "id": self._next("act-in-"), "timestamp": datetime.utcnow().isoformat() + "Z",
            "serviceUrl": self.teams_url + "/", "channelId": "msteams",
            "from": {"id": user, "name": member["name"], "aadObjectId": member.get("aad")},
            "conversation": {"conversationType": conversation_type, "tenantId": TENANT,
                             "id": conversation or f"a:personal-{user}"},
            "recipient": {"id": "28:smpolicy-bot", "name": "smpolicy"}, "locale": "en-GB",
            "channelData": {"tenant": {"id": TENANT}},
        }
        activity.update(fields)
        return activity

    async def teams_post(self, activity: dict, headers: dict | None = None, settle: bool = True):
        resp = await self.http.post(self.url + "/api/messages", json=activity, headers=headers or {})
        body = await resp.read()
        if settle:
            await self.settle()
        self.last_teams_status = resp.status
        return resp.status, (json.loads(body) if body.strip().startswith(b"{") else None)

    async def teams_say(self, text: str, user: str = "29:staff", **kw):
        return await self.teams_post(self.teams_activity(user, text=text, textFormat="plain", **kw))

    async def teams_click(self, data: dict, user: str = "29:staff", reply_to: str | None = None, **kw):
        """An Action.Submit on a card: a message activity whose value is the button's data (plus inputs)."""
        fields = {"value": data}
        if reply_to:
            fields["replyToId"] = reply_to
        return await self.teams_post(self.teams_activity(user, **fields, **kw))

    async def teams_invoke(self, name: str, value: dict, user: str = "29:staff", **kw):
        return await self.teams_post(self.teams_activity(user, type="invoke", name=name, value=value, **kw))

    async def teams_message_action(self, command_id: str, text: str, user: str = "29:staff", **kw):
        """A message-extension action on a message (Teams' equivalent of a Slack message shortcut)."""
        value = {"commandId": command_id, "commandContext": "message", "context": {"theme": "default"},
                 "messagePayload": {"id": "msg-1", "body": {"contentType": "html", "content": f"<p>{text}</p>"},
                                    "from": {"user": {"id": "29:staff", "displayName": "Sam Staff"}},
                                    "linkToMessage": "https://teams.microsoft.com/l/message/19:x/1",
                                    "createdDateTime": "2026-11-20T10:00:00Z", "attachments": []}}
        return await self.teams_invoke("composeExtension/fetchTask", value, user, **kw)

    async def teams_install(self, team: str = "19:general@thread.tacv2", by: str = "29:comms",
                            added: list[str] | None = None, team_name: str = "Council Staff"):
        """The app added to a team (Teams sends conversationUpdate with the bot in membersAdded, in the team's
        General channel), or, with `added`, those people joining a team the app is already in."""
        members = [{"id": uid} for uid in added] if added else [{"id": "28:smpolicy-bot"}]
        return await self.teams_post(self.teams_activity(
            by, type="conversationUpdate", conversation=team, conversation_type="channel", membersAdded=members,
            channelData={"tenant": {"id": TENANT}, "eventType": "teamMemberAdded",
                         "team": {"id": team, "name": team_name}}))

    async def teams_install_personal(self, user: str = "29:staff"):
        """The app added in a person's own chat (Teams sends conversationUpdate there with the bot added)."""
        return await self.teams_post(self.teams_activity(user, type="conversationUpdate",
                                                         membersAdded=[{"id": "28:smpolicy-bot"}]))

    def teams_to(self, user: str) -> str:
        return "\n".join(s.text() for s in self.teams.in_conversation(f"a:personal-{user}"))


def new_id() -> str:
    return uuid.uuid4().hex[:8]


__all__ = ["BotHarness", "SIGNING_SECRET", "BOT_TOKEN", "ORG_FILE", "os"]
