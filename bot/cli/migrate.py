"""`python -m bot migrate`: apply database migrations (start-up does this too)."""
from __future__ import annotations

from ._common import ConfigError, fail


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("migrate", help="apply database migrations")
    p.set_defaults(func=run)


async def run(args) -> int:
    from bot.settings import load_settings
    from storage import migrate
    from storage.db import Database

    try:
        db = Database(load_settings().database_url)
    except Exception as exc:
        return fail(f"cannot open the database: {exc}")
    try:
        await migrate.upgrade(db)
        print("migrations current:", ", ".join(sorted(migrate.script_heads())))
    except ConfigError as exc:
        return fail(str(exc))
    finally:
        await db.close()
    return 0
