"""Shared fixtures: a database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set), a clock, the bot."""
from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chat.clock import FixedClock  # noqa: E402
from tests.support.server import BotHarness  # noqa: E402

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


async def _reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from storage.db import Database

    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.close()


@pytest.fixture
async def database_url(tmp_path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        await _reset_postgres(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def clock() -> FixedClock:
    # A Tuesday in working hours; tests move it as they need.
    return FixedClock(london(2026, 12, 1, 10, 0))


@pytest.fixture
async def bot(database_url, clock):
    harness = await BotHarness.start(database_url, clock)
    try:
        yield harness
    finally:
        await harness.stop()
