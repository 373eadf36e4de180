"""Request keys and send claims are pruned after their retention period, and only then."""
from __future__ import annotations

from datetime import timedelta

from storage import migrate
from storage.claims import first_delivery, try_claim
from storage.db import Database
from storage.housekeeping import REQUEST_KEYS_KEPT, SEND_CLAIMS_KEPT, prune
from tests.conftest import london


async def test_old_keys_and_claims_go_recent_ones_stay(database_url):
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        now = london(2026, 12, 1, 2, 0)
        await first_delivery(db, "slack:old", now - REQUEST_KEYS_KEPT - timedelta(hours=1))
        await first_delivery(db, "slack:new", now - timedelta(minutes=5))
        await try_claim(db, "foi_digest", "a@x", "2026-08-01", now - SEND_CLAIMS_KEPT - timedelta(days=1))
        await try_claim(db, "foi_digest", "a@x", "2026-11-30", now - timedelta(days=1))
        assert await prune(db, now) == {"request_keys": 1, "send_claims": 1}
        # What is kept still does its job: the recent delivery is still a repeat, the recent claim still held.
        assert not await first_delivery(db, "slack:new", now)
        assert await first_delivery(db, "slack:old", now)
        assert await prune(db, now) == {"request_keys": 0, "send_claims": 0}
    finally:
        await db.close()
