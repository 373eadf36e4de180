"""A newcomer's first run: no Slack or Teams credentials at all."""
from __future__ import annotations

from tests.support.server import BotHarness


async def test_starts_healthy_without_credentials_and_slack_says_what_to_set(database_url, clock):
    harness = await BotHarness.start(database_url, clock, slack=False)
    try:
        health = await harness.http.get(harness.url + "/healthz")
        assert health.status == 200
        assert (await health.json())["slack"] == {"mode": "off"}
        resp = await harness.http.post(harness.url + "/slack/events", data=b"x")
        assert resp.status == 503
        assert "SLACK_BOT_TOKEN" in (await resp.json())["error"]
    finally:
        await harness.stop()
