"""First contact from several instances at once (issue 10, item 4): nobody's command fails, one row each."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from storage import migrate
from storage.db import Database
from storage.identity import identity_by_user, remember_identity, save_conversation_ref
from storage.models import ConversationRef, Identity
from tests.conftest import london


async def test_many_new_people_meeting_four_instances_at_once(database_url):
    instances = [Database(database_url) for _ in range(4)]
    try:
        await migrate.upgrade(instances[0])
        now = london(2026, 12, 1, 9, 0)
        people = [(f"U{n}", f"person{n}@example.gov.uk") for n in range(8)]
        # Every instance sees every new person's first command, in the same instant.
        await asyncio.gather(*(remember_identity(db, "slack", uid, email, f"Person {uid}", now)
                               for db in instances for uid, email in people))
        await asyncio.gather(*(save_conversation_ref(db, "teams", f"user:{uid}", {"n": i}, now)
                               for i, db in enumerate(instances) for uid, _ in people))
        async with instances[0].sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Identity)) == 8
            assert await session.scalar(select(func.count()).select_from(ConversationRef)) == 8
    finally:
        for db in instances:
            await db.close()


async def test_a_later_sighting_without_an_email_keeps_the_email(database_url):
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        await remember_identity(db, "teams", "29:x", "Jo.Bloggs@Example.gov.uk", "Jo Bloggs", london(2026, 12, 1, 9))
        await remember_identity(db, "teams", "29:x", None, None, london(2026, 12, 2, 9))
        async with db.sessions() as session:
            row = await identity_by_user(session, "teams", "29:x")
        assert (row.email, row.name) == ("jo.bloggs@example.gov.uk", "Jo Bloggs")
        assert row.seen_at == london(2026, 12, 2, 9)
    finally:
        await db.close()
