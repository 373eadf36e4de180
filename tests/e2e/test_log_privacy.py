"""Logs as an operator collects them (issue 15): `python app.py` with LOG_FORMAT=json at DEBUG, real secrets in its
environment, driven over HTTP (a check of a draft, an FOI form, a Teams message, a forged request, /metrics).

Every line it writes is one JSON object with the fields the operations guide names; no secret and no text anyone
typed ever appears in one.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.support.server import ORG_FILE, BotHarness, _serve
from tests.support.smtp import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]

SECRETS = {
    "SLACK_SIGNING_SECRET": "sign-9f3c2a7d5e1b4c6a8d0e2f4a6b8c0d1e",
    "SLACK_BOT_TOKEN": "xoxb-1111111111-2222222222-QmVlcnlTZWNyZXRUb2tlbg",
    "TEAMS_APP_PASSWORD": "Tms~AppPassw0rd.Qx7Zr4Lp9Wv2",
    "SMTP_PASSWORD": "smtp-Pa55w0rd-Kestrel-4471",
    "METRICS_TOKEN": "metrics-Token-Osprey-90210",
}
# What people typed: a draft with a name and a mobile number, a Teams draft, an FOI question and its requester.
SLACK_DRAFT = "Ring Zanzibar Quillfeather on 07700 900123 about the Wexcombe fence"
TEAMS_DRAFT = "Our Marmalade Festival volunteer Ophelia Brackenbury lives at 12 Tollgate Lane"
QUESTION = "How much did the council spend on Ptarmigan consultants in 2025?"
REQUESTER = "@hortensia.public"
TYPED = ("Zanzibar", "Quillfeather", "900123", "Wexcombe", "Marmalade", "Ophelia", "Brackenbury", "Tollgate",
         "Ptarmigan", "hortensia")
FIELDS = {"time", "level", "logger", "message", "request_id", "workflow", "reference"}


class ProcessBot(BotHarness):
    """The harness's requests, aimed at a bot running as its own process; it signs with that process's secret
    and waits for what the stand-ins receive instead of looking inside the bot."""

    async def slack_post(self, body, content_type, *, signature=None, timestamp=None):
        ts = str(timestamp if timestamp is not None else int(time.time()))
        sig = signature or SignatureVerifier(SECRETS["SLACK_SIGNING_SECRET"]).generate_signature(timestamp=ts,
                                                                                                 body=body)
        return await super().slack_post(body, content_type, signature=sig, timestamp=ts)

    async def settle(self, timeout: float = 30.0) -> None:
        return None   # the test waits for what it expects (until) instead

    async def until(self, seen, what: str, timeout: float = 45.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if seen():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"never saw {what}")


def _lines(text: str) -> list[dict]:
    out = []
    for raw in text.splitlines():
        if raw.strip():
            out.append(json.loads(raw))   # not JSON: the test fails here, naming the line
    return out


async def test_json_logs_carry_context_and_never_a_secret_or_what_was_typed(tmp_path):
    smtp = SmtpServer(login=("smpolicy-bot", SECRETS["SMTP_PASSWORD"])).start()
    bot = ProcessBot("", None, ORG_FILE, {})
    runner, bot.slack.base_url = await _serve(bot.slack.app())
    teams_runner, bot.teams_url = await _serve(bot.teams.app())
    bot.http = aiohttp.ClientSession()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "SMTP_", "SMPOLICY_",
                                                                     "DATABASE_URL", "LOG_", "METRICS_"))}
    env.update(SECRETS)
    env.update(smtp.env())
    env.update(PORT=str(port), LOG_FORMAT="json", LOG_LEVEL="DEBUG", LOG_ACCESS="1", LOG_LIBRARY_LEVEL="WARNING",
               DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", SMPOLICY_CONFIG=str(ORG_FILE),
               SLACK_API_URL=bot.slack.base_url + "/api/", TEAMS_ANONYMOUS="1")
    out_file, err_file = (tmp_path / "stdout.log").open("w"), (tmp_path / "stderr.log").open("w")
    # Files, not pipes: a full pipe nobody reads would stop the bot mid-line.
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out_file, stderr=err_file)
    bot.url = f"http://127.0.0.1:{port}"
    try:
        await bot.until(lambda: _healthy(bot.url), "the bot answering /healthz")

        await bot.slack_command("/smpolicy", f"check {SLACK_DRAFT}", user="USTAFF")
        await bot.until(lambda: bot.slack.responses(), "the verdict in Slack")

        await bot.slack_command("/smpolicy", "foi", user="USTAFF")
        await bot.until(lambda: bot.slack.of("views.open"), "the FOI form")
        await bot.slack_submit({"question": QUESTION, "source_platform": "facebook", "visibility": "public",
                                "link": "https://www.facebook.com/council/posts/123", "requester_handle": REQUESTER,
                                "requester_email": None, "received": date.today(), "kind": "foi",
                                "owner": "USTAFF"}, user="USTAFF")
        await bot.until(lambda: smtp.messages, "the FOI email (sent with the SMTP login)")

        status, _ = await bot.teams_say(f"check {TEAMS_DRAFT}", user="29:staff")
        assert status in (200, 201, 202)
        await bot.until(lambda: bot.teams_to("29:staff"), "the verdict in Teams")

        forged = await bot.slack_post("command=%2Fsmpolicy&text=check+Zanzibar", "application/x-www-form-urlencoded",
                                      signature="v0=" + "0" * 64)
        assert forged.status == 401
        metrics = await bot.http.get(bot.url + "/metrics",
                                     headers={"Authorization": f"Bearer {SECRETS['METRICS_TOKEN']}"})
        assert metrics.status == 200
        wrong = await bot.http.get(bot.url + "/metrics", headers={"Authorization": "Bearer metrics-Token-Guess-1"})
        assert wrong.status == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out_file.close()
        err_file.close()
        await bot.http.close()
        await runner.cleanup()
        await teams_runner.cleanup()
        smtp.stop()

    out, err = (tmp_path / "stdout.log").read_text(), (tmp_path / "stderr.log").read_text()
    everything = out + err
    for name, secret in SECRETS.items():
        assert secret not in everything, f"{name} reached the log"
    for word in TYPED:
        assert word not in everything, f"what someone typed ({word}) reached the log"
    lines = _lines(err)
    assert out.strip() == "" and lines, "the bot logs to stderr only"
    assert all(FIELDS <= set(line) for line in lines)
    assert all(line["time"].endswith("+00:00") for line in lines)
    handled = [line for line in lines if line["logger"] == "chat.dispatch" and line["request_id"]]
    assert {line["workflow"] for line in handled} >= {"check", "foi"}
    assert any((line["reference"] or "").startswith("FOI-") for line in lines), "the FOI case's reference"
    assert any(line["logger"] == "aiohttp.access" for line in lines)          # LOG_ACCESS=1
    assert not any(line["logger"].startswith("apscheduler") for line in lines)  # quiet at start-up
    assert any("refused" in line["message"] and line["level"] == "WARNING" for line in lines)  # the forgery
    assert proc.returncode == 0


def _healthy(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False
