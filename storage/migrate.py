"""Apply Alembic migrations at start-up, under a lock so instances starting together don't race.

Each workflow ships its own revision branching from `0001_core` (one head per workflow); we upgrade to all
heads, so helpers adding tables never have to edit each other's revisions.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import tempfile
from pathlib import Path

from alembic.config import Config
from filelock import FileLock
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from alembic import command

from .db import Database

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
PG_LOCK_KEY = 7_318_442_001  # any constant shared by every instance of this app


def _alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.lru_cache(maxsize=None)
def _script_heads() -> frozenset[str]:
    # Reading the revision files takes ~15 ms, and they cannot change while the process runs: once is enough.
    return frozenset(ScriptDirectory.from_config(_alembic_config()).get_heads())


def script_heads() -> set[str]:
    return set(_script_heads())


def _upgrade(sync_connection) -> None:
    if _current(sync_connection) == script_heads():
        return  # already at every head, as on every restart: nothing for Alembic to load or do
    command.upgrade(_alembic_config(sync_connection), "heads")


def _current(sync_connection) -> set[str]:
    return set(MigrationContext.configure(sync_connection).get_current_heads())


async def upgrade(db: Database) -> None:
    if db.is_sqlite:
        lock = FileLock(_sqlite_lock_path(db), thread_local=False)  # acquired in a thread, released here
        # Wait for the lock in a thread: a blocking wait on the event loop would stop the very migration it is
        # waiting for when two databases are opened in one process. filelock works on every platform.
        await asyncio.to_thread(lock.acquire)
        try:
            async with db.engine.connect() as conn:
                await conn.run_sync(_upgrade)
                await conn.commit()
        finally:
            lock.release()
        return
    async with db.engine.connect() as conn:
        # A session-level advisory lock: the second instance waits here until the first has finished.
        await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
        await conn.commit()
        try:
            await conn.run_sync(_upgrade)
            await conn.commit()
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
            await conn.commit()


async def is_current(db: Database) -> bool:
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(_current) == script_heads()
    except Exception:
        return False


def _sqlite_lock_path(db: Database) -> str:
    database = db.engine.url.database
    if not database or database == ":memory:":
        return str(Path(tempfile.gettempdir()) / "smpolicy-memory-migrate.lock")
    return str(Path(database).resolve()) + ".migrate-lock"
