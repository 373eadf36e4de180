"""Shared fixtures: a database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set), a clock, the bot.

Migrations run once per test run (once per xdist worker), not once per test:
- SQLite: into a template file, which each test gets a copy of.
- PostgreSQL: into TEST_DATABASE_URL's database (a database of its own per xdist worker), emptied before each
  test by deleting every row and restarting the sequences: ~10 ms, where dropping the schema and migrating
  again took ~400 ms. The schema is never rebuilt unless a test asked for an empty database.
Either way `migrate.is_current` is true when the test starts. Tests of the migrations themselves take
`empty_database_url`: a database nothing has been applied to.
"""
from __future__ import annotations

import asyncio
import gc
import graphlib
import os
import shutil
import sys
import threading
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _keep_compiled_modules() -> None:
    """With PYTHONDONTWRITEBYTECODE set (as on the team's machines) every test worker compiles the bot's modules
    again and pytest rewrites the asserts of every test module again: ~4.6 s of CPU a worker before its first
    test (collecting: 7.5 s -> 2.9 s). So the compiled files go to a cache outside the repository instead
    (~/.cache/smpolicy/pycache, mirroring the source paths), for this process, its workers and the processes
    the tests start; the tree stays as clean as the setting asks. An explicit PYTHONPYCACHEPREFIX is left alone."""
    if not sys.dont_write_bytecode or sys.pycache_prefix:
        return
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "smpolicy" / "pycache"
    try:
        cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:   # a read-only home: compile as before
        return
    sys.pycache_prefix, sys.dont_write_bytecode = str(cache), False
    os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


_keep_compiled_modules()

from chat.clock import FixedClock  # noqa: E402
from tests.support.server import BotHarness  # noqa: E402
from tests.support.smtp import smtp_server  # noqa: E402, F401  (the fixture, for every test file)

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def pytest_xdist_auto_num_workers(config) -> int | None:
    """`-n auto` (pytest.ini): two workers per core. A worker spends much of its time waiting rather than
    computing (a Retry-After or a slow mail server waited out for real, a `python app.py` started and stopped,
    SQLite's thread, the loopback round trips), so one per core left cores idle: on 2 cores the suite used
    1.06 cores on average. PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set (xdist's own hook reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 2 * cores


def pytest_collection_finish(session):
    """What collecting imported (the bot's modules, the SDKs, SQLAlchemy) lives as long as the run: take it out
    of the collector's full passes once, as the bot's own process does at start-up (app.main). Each test's
    objects stay collectable: nothing is frozen per test."""
    gc.collect()
    gc.freeze()


# --- databases ---------------------------------------------------------------------------------------------

def _in_own_loop(make_coro):
    """Run a coroutine on an event loop of its own, in a thread: session fixtures are synchronous, and the
    tests' own loops (one per test) must not be touched."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(make_coro())
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="migrate-template")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


async def _migrate(url: str) -> None:
    from storage import migrate
    from storage.db import Database

    db = Database(url)
    try:
        await migrate.upgrade(db)
        assert await migrate.is_current(db), "the template database is not at every head after migrating"
    finally:
        await db.close()


async def _reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from storage.db import Database

    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await db.close()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file with every migration applied, made once per run (per worker) and copied per test."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    _in_own_loop(lambda: _migrate(f"sqlite+aiosqlite:///{path}"))
    return path


def _copy_sqlite(template: Path, target: Path) -> None:
    # The template's engine is closed, so SQLite has checkpointed its WAL into the file; a WAL left behind
    # (a crash) is copied with it so the copy reads the same.
    for suffix in ("", "-wal"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")


def _asyncpg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    from storage.db import normalise_url

    return make_url(normalise_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


class Postgres:
    """The run's PostgreSQL database: migrated once, emptied before each test, rebuilt only when needed."""

    def __init__(self, url: str):
        self.url = url
        self.dsn = _asyncpg_dsn(url)
        self.heads: set[str] = set()
        self.empty_all = ""        # the SQL that deletes every row and restarts every sequence
        self.rebuild = True        # the schema must be dropped and migrated again before the next test

    async def ready(self) -> str:
        """Make the database as a fresh migration leaves it, and return its URL."""
        import asyncpg

        if not self.rebuild:
            conn = await asyncpg.connect(self.dsn)
            try:
                versions = {r[0] for r in await conn.fetch("SELECT version_num FROM alembic_version")}
                if versions == self.heads:
                    await self._empty(conn)
                    return self.url
            except asyncpg.UndefinedTableError:  # a test dropped the schema without asking for an empty one
                pass
            finally:
                await conn.close()
        await self.build()
        return self.url

    async def build(self) -> None:
        import asyncpg

        from storage import migrate

        self.rebuild = True
        await _reset_postgres(self.url)
        await _migrate(self.url)
        self.heads = migrate.script_heads()
        conn = await asyncpg.connect(self.dsn)
        try:
            self.empty_all = await _empty_all_sql(conn)
        finally:
            await conn.close()
        self.rebuild = False

    async def _empty(self, conn) -> None:
        import asyncpg

        try:
            await conn.execute(self.empty_all)
        except asyncpg.LockNotAvailableError:
            # A connection an earlier test left open inside a transaction holds a lock: end it and try again.
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            await conn.execute(self.empty_all)


async def _empty_all_sql(conn) -> str:
    """DELETE from every table (those referring to others first) and restart every sequence, in one
    transaction: what TRUNCATE does, without creating new files for each table and index."""
    tables = {r["oid"]: r["name"] for r in await conn.fetch(
        "SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
        "AND c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'")}
    referred_by: dict[int, set[int]] = {oid: set() for oid in tables}
    for r in await conn.fetch("SELECT conrelid, confrelid FROM pg_constraint WHERE contype = 'f'"):
        if r["conrelid"] in tables and r["confrelid"] in tables and r["conrelid"] != r["confrelid"]:
            referred_by[r["confrelid"]].add(r["conrelid"])
    sequences = await conn.fetch(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name, start_value "
        "FROM pg_sequences WHERE schemaname = current_schema()")
    try:
        order = [tables[oid] for oid in graphlib.TopologicalSorter(referred_by).static_order()]
        empty = [f"DELETE FROM {name}" for name in order]
    except graphlib.CycleError:
        empty = [f"TRUNCATE {', '.join(tables.values())}"] if tables else []
    restart = [f"SELECT setval('{s['name'].replace(chr(39), chr(39) * 2)}', {s['start_value']}, false)"
               for s in sequences]
    return ";\n".join(["BEGIN", "SET LOCAL lock_timeout = '5s'", *empty, *restart, "COMMIT"])


@pytest.fixture(scope="session")
def _postgres() -> Postgres:
    """TEST_DATABASE_URL's database; under pytest-xdist, a database of its own for each worker (created and
    dropped here, so the role needs CREATEDB), since tests on one database would empty it under each other."""
    url = os.environ["TEST_DATABASE_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        url = _in_own_loop(lambda: _create_worker_database(url, worker))
    pg = Postgres(url)
    _in_own_loop(pg.build)
    yield pg
    if worker:
        _in_own_loop(lambda: _drop_database(os.environ["TEST_DATABASE_URL"], url))


async def _create_worker_database(url: str, worker: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    from storage.db import normalise_url

    base = make_url(normalise_url(url))
    name = f"{base.database}_{worker}"
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return base.set(database=name).render_as_string(hide_password=False)


async def _drop_database(admin_url: str, url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    from storage.db import normalise_url

    target = make_url(normalise_url(url))
    conn = await asyncpg.connect(_asyncpg_dsn(admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
async def database_url(request, tmp_path) -> str:
    """A database at every migration head with nothing in it, as the bot finds after its first start."""
    if os.environ.get("TEST_DATABASE_URL"):
        return await request.getfixturevalue("_postgres").ready()
    target = tmp_path / "test.db"
    _copy_sqlite(request.getfixturevalue("_sqlite_template"), target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
async def empty_database_url(request, tmp_path) -> str:
    """A database no migration has touched, for tests of the migrations themselves."""
    if os.environ.get("TEST_DATABASE_URL"):
        pg = request.getfixturevalue("_postgres")
        pg.rebuild = True          # whatever this test leaves, the next one gets a freshly migrated schema
        await _reset_postgres(pg.url)
        return pg.url
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
def clock() -> FixedClock:
    # A Tuesday in working hours; tests move it as they need.
    return FixedClock(london(2026, 12, 1, 10, 0))


@asynccontextmanager
async def running_bot(database_url: str, clock: FixedClock, **options):
    """The bot on loopback with its stand-ins (BotHarness.start's options), stopped however the test ends."""
    harness = await BotHarness.start(database_url, clock, **options)
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def bot(database_url, clock):
    async with running_bot(database_url, clock) as harness:
        yield harness


@pytest.fixture
async def bot_with_mail(database_url, clock, smtp_server):  # noqa: F811
    """Slack and Teams, with the organisation's SMTP (FOI forwarding, breach and harassment reports by email)."""
    async with running_bot(database_url, clock, env=smtp_server.env()) as harness:
        yield harness


@pytest.fixture
async def teams_bot(database_url, clock):
    """Teams only: no Slack to fall back on."""
    async with running_bot(database_url, clock, slack=False) as harness:
        yield harness


@pytest.fixture
async def teams_bot_with_mail(database_url, clock, smtp_server):  # noqa: F811
    """Teams only, with the organisation's SMTP (the way round for people Teams cannot reach)."""
    async with running_bot(database_url, clock, env=smtp_server.env(), slack=False) as harness:
        yield harness
