"""The full schema the migrations produce, as sorted JSON, to show that a change to the migrations' code left the
schema they make exactly as it was.

    python tools/schema_dump.py sqlite > after.json                      # a fresh SQLite file, migrated to all heads
    python tools/schema_dump.py postgresql+asyncpg://postgres@127.0.0.1:55434/postgres > after.json
    diff before.json after.json                                          # empty: the same schema

What is compared: every table's columns (type as the database states it, nullability, default, autoincrement),
primary key, foreign keys, unique constraints, indexes and check constraints (names included), as SQLAlchemy
inspects them; on SQLite also each object's CREATE statement as stored in sqlite_master, on PostgreSQL each
constraint's and index's definition and the sequences, as the catalogue gives them. A PostgreSQL database given
must be empty: its public schema is dropped and made again first.
"""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from sqlalchemy import inspect, text

sys.path.insert(0, str(Path.cwd()))

from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402


def _inspected(sync_conn) -> dict:
    insp = inspect(sync_conn)
    out = {}
    for table in sorted(insp.get_table_names()):
        out[table] = {
            "columns": [{k: str(v) for k, v in col.items() if k != "comment"} for col in insp.get_columns(table)],
            "primary_key": insp.get_pk_constraint(table),
            "foreign_keys": sorted(insp.get_foreign_keys(table), key=lambda f: str(f.get("name"))),
            "unique": sorted(insp.get_unique_constraints(table), key=lambda u: str(u.get("name"))),
            "indexes": sorted(insp.get_indexes(table), key=lambda i: str(i.get("name"))),
            "checks": sorted(insp.get_check_constraints(table), key=lambda c: str(c.get("name"))),
        }
    return out


async def _catalogue(conn, dialect: str) -> dict:
    if dialect == "sqlite":
        rows = await conn.execute(text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"))
        return {"sqlite_master": [list(r) for r in rows]}
    constraints = await conn.execute(text(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1, 2"))
    indexes = await conn.execute(text(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"))
    sequences = await conn.execute(text(
        "SELECT sequencename, data_type::text, start_value, increment_by FROM pg_sequences "
        "WHERE schemaname = 'public' ORDER BY 1"))
    return {"constraints": [list(r) for r in constraints], "indexes": [list(r) for r in indexes],
            "sequences": [list(r) for r in sequences]}


async def dump(url: str) -> dict:
    db = Database(url)
    try:
        if not db.is_sqlite:
            async with db.engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(db)
        async with db.engine.connect() as conn:
            schema = await conn.run_sync(_inspected)
            schema["_catalogue"] = await _catalogue(conn, conn.dialect.name)
        return schema
    finally:
        await db.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/schema_dump.py sqlite | DATABASE_URL", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/schema.db" if argv[0] == "sqlite" else argv[0]
        print(json.dumps(asyncio.run(dump(url)), indent=1, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
