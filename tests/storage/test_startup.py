"""The database unavailable at start-up (issue 10, item 8): one line naming DATABASE_URL, exit 2."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import Database
from storage.startup import DatabaseUnavailable, ensure_reachable

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_missing_folder_is_named(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'nowhere' / 'bot.db'}")
    try:
        with pytest.raises(DatabaseUnavailable, match="folder .*nowhere.* does not exist"):
            await ensure_reachable(db)
    finally:
        await db.close()


async def test_postgres_that_never_comes_up_is_retried_then_named_without_the_password():
    db = Database(f"postgresql://bot:s3cret@127.0.0.1:{_free_port()}/smpolicy")
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            await ensure_reachable(db, attempts=2, delay=0.05)
    finally:
        await db.close()
    message = str(caught.value)
    assert message.startswith("DATABASE_URL (postgresql+asyncpg://bot:***@127.0.0.1")
    assert "not accepting connections" in message and "s3cret" not in message


@pytest.mark.parametrize("url, expected", [
    ("sqlite+aiosqlite:///{tmp}/missing/dir/bot.db", "does not exist"),
    ("postgresql://bot:pw@127.0.0.1:{port}/x", "not accepting connections"),
])
def test_python_app_py_says_one_line_and_exits_2(tmp_path, url, expected):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "SMPOLICY_"))}
    env["DATABASE_URL"] = url.format(tmp=tmp_path, port=_free_port())
    env["SMPOLICY_DB_CONNECT_ATTEMPTS"] = "1"
    proc = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.startswith("DATABASE_URL")]
    assert len(lines) == 1 and expected in lines[0]
