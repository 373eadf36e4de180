"""Request keys, send claims, finished inbox items and sent outbox messages are pruned after their retention
period, and only then; unfinished work and unsent messages never."""
from __future__ import annotations

from datetime import timedelta

from storage import migrate
from storage.claims import first_delivery, try_claim
from storage.db import Database
from storage import inbox, outbox
from storage.housekeeping import INBOX_KEPT, OUTBOX_KEPT, REQUEST_KEYS_KEPT, SEND_CLAIMS_KEPT, prune
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
        assert await prune(db, now) == {"request_keys": 1, "send_claims": 1, "inbox": 0, "outbox": 0}
        # What is kept still does its job: the recent delivery is still a repeat, the recent claim still held.
        assert not await first_delivery(db, "slack:new", now)
        assert await first_delivery(db, "slack:old", now)
        assert await prune(db, now) == {"request_keys": 0, "send_claims": 0, "inbox": 0, "outbox": 0}
    finally:
        await db.close()


async def test_finished_work_and_sent_messages_go_unfinished_ones_stay(database_url):
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        now = london(2026, 12, 1, 2, 0)
        old_in, old_out = now - INBOX_KEPT - timedelta(hours=1), now - OUTBOX_KEPT - timedelta(hours=1)
        for key in ("slack:done", "slack:stuck"):
            await inbox.accept(db, key=key, platform="slack", kind="action", name="x", body={}, now=old_in)
        async with db.transaction() as session:
            await inbox.mark_done(session, "slack:done", old_in)
            for key in ("sent", "unsent"):
                await outbox.add(session, key=key, kind="dm", platform=None, target="a@x", body={}, now=old_out)
        row = (await outbox.due(db, now, ["sent"]))[0]
        await outbox.claim(db, row.id, now)
        async with db.transaction() as session:
            await outbox.mark_sent(session, row.id, now, None)
        assert await prune(db, now) == {"request_keys": 0, "send_claims": 0, "inbox": 1, "outbox": 1}
        assert await inbox.get(db, "slack:stuck") is not None and await inbox.get(db, "slack:done") is None
        assert await outbox.sent_ref(db, "unsent") == ("pending", None)
    finally:
        await db.close()
