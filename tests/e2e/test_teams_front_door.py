"""Who may call /api/messages, with what token, and where the bot may then send (issue 10, item 1)."""
from __future__ import annotations

import logging
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chat.posting import posting_state
from tests.support.server import BotHarness

APP_ID = "11111111-2222-3333-4444-555555555555"
START_PAUSE = "pause start 10 Death of a senior royal"


async def test_no_teams_credentials_refuses_unsigned_activities_and_contacts_nobody(database_url, clock):
    # The README's default: Slack configured, no Teams variables. A caller whose stand-in says the sender is
    # the Communications Team must not be able to start a council-wide pause, nor make the bot call out.
    harness = await BotHarness.start(database_url, clock, env={"TEAMS_ANONYMOUS": "0"})
    try:
        status, body = await harness.teams_say(START_PAUSE, user="29:comms")
        assert status == 503
        assert "TEAMS_APP_ID" in body["error"] and "TEAMS_ANONYMOUS=1" in body["error"]
        assert harness.teams.requests == []      # no roster lookup, no reply
        assert (await posting_state(harness.svc)).pause_reason is None
        assert harness.slack.to("CCOMMS") == []
        health = await (await harness.http.get(harness.url + "/healthz")).json()
        assert health["teams"] == {"mode": "off"}
    finally:
        await harness.stop()


async def test_anonymous_mode_only_sends_to_loopback_service_urls(bot):
    activity = bot.teams_activity("29:comms", text=START_PAUSE, textFormat="plain",
                                  serviceUrl="http://192.0.2.10:8080/")
    status, body = await bot.teams_post(activity)
    assert status == 403 and "serviceUrl" in body["error"]
    assert (await posting_state(bot.svc)).pause_reason is None
    # The same person through the loopback stand-in is served as before.
    status, _ = await bot.teams_say("help", user="29:comms")
    assert status in (200, 201, 202)
    assert "What I can do" in bot.teams_to("29:comms")


async def test_anonymous_mode_refuses_requests_forwarded_by_a_proxy(bot):
    status, body = await bot.teams_post(bot.teams_activity("29:comms", text="help"),
                                        headers={"X-Forwarded-For": "203.0.113.9"})
    assert status == 403 and "local mode" in body["error"]
    assert bot.teams.requests == []


def _token(**overrides) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"aud": APP_ID, "iss": "https://api.botframework.com", "exp": now + 600, "nbf": now - 10,
              "serviceurl": "https://smba.trafficmanager.net/emea/"}
    header = {"kid": "forged-key", **overrides.pop("header", {})}
    header = {k: v for k, v in header.items() if v is not None}
    alg = overrides.pop("alg", "RS256")
    claims.update(overrides)
    if alg == "none":
        return jwt.encode(claims, None, algorithm="none", headers=header)
    if alg == "HS256":
        return jwt.encode(claims, "guessed-secret", algorithm="HS256", headers=header)
    return jwt.encode(claims, key, algorithm="RS256", headers=header)


@pytest.mark.parametrize("why, token", [
    ("no kid", lambda: _token(header={"kid": None})),
    ("alg none", lambda: _token(alg="none")),
    ("HS256", lambda: _token(alg="HS256")),
    ("wrong audience", lambda: _token(aud="99999999-0000-0000-0000-000000000000")),
    ("expired", lambda: _token(exp=int(time.time()) - 3600)),
    ("not a jwt", lambda: "not.a.token"),
    ("empty", lambda: ""),
])
async def test_forged_tokens_get_401_without_a_traceback(database_url, clock, caplog, why, token):
    harness = await BotHarness.start(database_url, clock, env={"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": "x",
                                                               "TEAMS_TENANT_ID": "t"})
    try:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            status, _ = await harness.teams_post(harness.teams_activity("29:comms", text=START_PAUSE),
                                                 headers={"Authorization": f"Bearer {token()}"})
        assert status == 401, why
        assert harness.teams.requests == []
        assert not any(r.exc_info for r in caplog.records), why
        assert (await posting_state(harness.svc)).pause_reason is None
    finally:
        await harness.stop()


@pytest.mark.parametrize("body", [b"{", b"[]", b'"x"', b'{"type": "message"}', b'{"type": 5, "conversation": 3}'])
async def test_junk_activities_get_400(bot, body):
    resp = await bot.http.post(bot.url + "/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert resp.status == 400
    assert bot.teams.requests == []
