"""bot/logs.py: the settings that shape logs, and the redacting filter that is the last line of defence."""
from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logs import configure
from bot.settings import Settings
from chat import logcontext
from tests.support.cli import run_app

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-9999-8888-Zm9vYmFyYmF6cXV1eA"
SMTP = "smtp-Secret-Heron-5512"


@pytest.fixture
def captured():
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    stream = io.StringIO()
    settings = Settings(slack_bot_token=TOKEN, smtp_password=SMTP, log_format="json", log_level="DEBUG",
                        database_url="postgresql+asyncpg://smpolicy:Db-Pass-Wren-77@db/smpolicy")
    configure(settings, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = before[0]
        root.setLevel(before[1])


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_secrets_are_redacted_from_messages_arguments_and_tracebacks(captured):
    logging.getLogger("slack_sdk.web").warning("calling with %s", TOKEN)        # a library's own line
    logging.getLogger("bot.mailer").error("login %s refused", SMTP)
    logging.getLogger("storage").warning("cannot reach postgresql://smpolicy:Db-Pass-Wren-77@db/smpolicy")
    logging.getLogger("bot.web").info("header Authorization: Bearer abcdefgh12345678")
    try:
        raise RuntimeError(f"the server said no to {SMTP}")
    except RuntimeError:
        logging.getLogger("bot.web").exception("failed")
    text = captured.getvalue()
    for secret in (TOKEN, SMTP, "Db-Pass-Wren-77", "abcdefgh12345678", "xoxb-"):
        assert secret not in text
    lines = _lines(captured)
    assert len(lines) == 5 and text.count("[redacted]") == 5
    assert "RuntimeError" in lines[-1]["exception"] and lines[-1]["message"] == "failed"


def test_each_line_names_its_request_workflow_and_reference(captured):
    logcontext.start("req-1", "foi")
    logcontext.about("FOI-2026-0007")
    logging.getLogger("dialogs.foi").info("sent")
    logcontext.start(None)
    logging.getLogger("dialogs.foi").info("later")
    first, second = _lines(captured)
    assert (first["request_id"], first["workflow"], first["reference"]) == ("req-1", "foi", "FOI-2026-0007")
    assert (second["request_id"], second["workflow"], second["reference"]) == (None, None, None)
    assert {"time", "level", "logger", "message"} <= set(first) and first["level"] == "INFO"


def test_libraries_stay_quiet_below_warning_whatever_log_level_says(captured):
    logging.getLogger("apscheduler.scheduler").info("Added job")
    logging.getLogger("slack_bolt.AsyncApp").debug("Sending a request with the whole body")
    logging.getLogger("aiohttp.access").info("GET /healthz")
    logging.getLogger("apscheduler.scheduler").warning("missed a run")
    assert [line["message"] for line in _lines(captured)] == ["missed a run"]


def _python_app_py(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)


# Each setting through app.main in this process (tests/support/cli.py), and one as a real `python app.py`.
@pytest.mark.parametrize("name, value, start", [("LOG_LEVEL", "CHATTY", run_app), ("LOG_FORMAT", "xml", run_app),
                                                ("LOG_LEVEL", "CHATTY", _python_app_py)],
                         ids=["LOG_LEVEL-in_process", "LOG_FORMAT-in_process", "LOG_LEVEL-real_process"])
def test_a_bad_log_setting_stops_start_up_with_one_line(tmp_path, name, value, start):
    env = {"PATH": "/usr/bin:/bin", name: value, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    run = start(env=env)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [run.stderr.strip()] and name in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "x.db").exists()       # stopped before anything was opened
