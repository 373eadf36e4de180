"""Socket Mode (councils behind a firewall): commands arrive over the websocket; a dropped socket comes back."""
from __future__ import annotations

import asyncio
import functools
import time

import pytest

from tests.support.server import BotHarness


async def _until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def sdk_looks_every_second(monkeypatch):
    """Slack's SDK looks at its socket (and reconnects) once a ping interval, 10 s as the bot builds it: these
    stories are about what the bot does and reports while the socket is down and after it is back, not how often
    the SDK looks, so it looks every second here (the readiness story waited 10 s, now ~1 s)."""
    import bot.socket_mode
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    monkeypatch.setattr(bot.socket_mode, "AsyncSocketModeHandler",
                        functools.partial(AsyncSocketModeHandler, ping_interval=1))


async def test_slash_command_over_socket_mode_and_reconnect(database_url, clock, sdk_looks_every_second):
    harness = await BotHarness.start(database_url, clock, env={"SLACK_APP_TOKEN": "xapp-test"})
    try:
        slack = harness.slack
        await _until(lambda: slack.sockets)
        health = await (await harness.http.get(harness.url + "/healthz")).json()
        assert health["slack"] == {"mode": "socket", "socket": "connected"}
        # The HTTP route is not used in Socket Mode.
        resp = await harness.http.post(harness.url + "/slack/events", data=b"{}")
        assert resp.status == 404

        envelope = {
            "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
            "payload": {"token": "legacy", "team_id": "T1", "team_domain": "council", "channel_id": "CGENERAL",
                        "channel_name": "general", "user_id": "USTAFF", "user_name": "sam", "command": "/smpolicy",
                        "text": "help", "api_app_id": "A1", "response_url": harness.response_url(),
                        "trigger_id": "trig-1"},
        }
        await slack.socket_send(envelope)
        await _until(lambda: any(a.get("envelope_id") == "env-1" for a in slack.socket_acks))
        await _until(lambda: slack.responses())
        await harness.settle()
        assert "What I can do" in slack.responses()[-1].text()

        await slack.drop_sockets()
        await _until(lambda: slack.socket_connections >= 2 and slack.sockets, timeout=20)
        envelope["envelope_id"] = "env-2"
        await slack.socket_send(envelope)
        await _until(lambda: any(a.get("envelope_id") == "env-2" for a in slack.socket_acks))
    finally:
        await harness.stop()


async def test_readyz_says_when_socket_mode_is_down_and_clears_when_it_is_back(database_url, clock,
                                                                               sdk_looks_every_second):
    harness = await BotHarness.start(database_url, clock, env={"SLACK_APP_TOKEN": "xapp-test"})
    try:
        slack = harness.slack

        async def readiness() -> tuple[int, dict]:
            resp = await harness.http.get(harness.url + "/readyz")
            return resp.status, await resp.json()

        await _until(lambda: slack.sockets)
        status, body = await readiness()
        assert "Slack Socket Mode is disconnected" not in body["reasons"], body
        slack.socket_open_error = "internal_error"      # Slack refuses new connections for a while
        await slack.drop_sockets()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status, body = await readiness()
            if "Slack Socket Mode is disconnected" in body["reasons"]:
                break
            await asyncio.sleep(0.2)
        assert status == 503 and "Slack Socket Mode is disconnected" in body["reasons"], body
        assert body["slack"] == {"mode": "socket", "socket": "disconnected"}

        slack.socket_open_error = None
        await _until(lambda: slack.sockets, timeout=60)
        status, body = await readiness()
        assert "Slack Socket Mode is disconnected" not in body["reasons"], body
        assert body["slack"] == {"mode": "socket", "socket": "connected"}
    finally:
        await harness.stop()
