"""`python app.py` as a newcomer and an operator meet it: start, health, bad configuration, SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.server import BotHarness

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMS_", "SMTP_", "SMPOLICY_", "DATABASE_URL"))}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", **extra)
    return env


def test_starts_without_credentials_and_stops_cleanly_on_sigterm(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=_clean_env(tmp_path, PORT=str(port)),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = resp.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None and '"status": "ok"' in body
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "SLACK_BOT_TOKEN" in out          # says which variables to set for Slack
    assert "Teams is not connected" in out and "TEAMS_APP_ID" in out   # and for Teams
    assert "Traceback" not in out


def test_bad_organisation_file_stops_startup_with_one_line(tmp_path):
    bad = tmp_path / "org.toml"
    bad.write_text('[organisation]\ntime_zone = "Europe/Lundun"\n')
    proc = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=_clean_env(tmp_path, SMPOLICY_CONFIG=str(bad), PORT=str(_free_port())))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == [f"organisation file {bad}: organisation.time_zone: unknown time zone 'Europe/Lundun' "
                     "(for example Europe/London)"]


@pytest.mark.parametrize("argv, message", [
    (["remind", "--now", "tomorrow"], "--now: expected a date-time"),
    (["frobnicate"], "invalid choice"),
])
def test_command_line_bad_usage_is_one_line_and_exit_2(tmp_path, argv, message):
    proc = subprocess.run([sys.executable, "-m", "bot", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=_clean_env(tmp_path))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


async def test_teams_route_checks_tokens_when_an_app_id_is_set_and_slack_is_unaffected(database_url, clock):
    harness = await BotHarness.start(database_url, clock, env={"TEAMS_APP_ID": "11111111-2222-3333-4444-555555555555",
                                                               "TEAMS_APP_PASSWORD": "x", "TEAMS_TENANT_ID": "t"})
    try:
        status, _ = await harness.teams_say("help")
        assert status == 401
        assert harness.teams.sent == []
        forged = {"Authorization": "Bearer not.a.token"}
        status, _ = await harness.teams_post(harness.teams_activity("29:staff", text="help"), headers=forged)
        assert status == 401
        resp = await harness.slack_command("/smpolicy", "help")
        assert resp.status == 200
        assert "What I can do" in harness.slack.responses()[-1].text()
        health = await (await harness.http.get(harness.url + "/healthz")).json()
        assert health["teams"] == {"mode": "authenticated"}
    finally:
        await harness.stop()
