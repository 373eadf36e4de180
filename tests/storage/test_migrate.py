"""Migrations at start-up: several instances starting together on one database don't race."""
from __future__ import annotations

import asyncio

from storage import migrate
from storage.db import Database


async def test_two_instances_migrating_at_once_both_end_current(empty_database_url):
    first, second = Database(empty_database_url), Database(empty_database_url)
    try:
        await asyncio.gather(migrate.upgrade(first), migrate.upgrade(second))
        assert await migrate.is_current(first) and await migrate.is_current(second)
        # Running again is a no-op, as every restart does.
        await migrate.upgrade(first)
        assert await migrate.is_current(first)
    finally:
        await first.close()
        await second.close()


async def test_a_fresh_database_is_reported_behind(empty_database_url):
    db = Database(empty_database_url)
    try:
        assert not await migrate.is_current(db)
    finally:
        await db.close()
