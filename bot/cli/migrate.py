"""`python -m bot migrate`: apply database migrations (start-up does this too).

Developers: `python -m bot migrate --new "foi cases" --id 0004_foi` writes a revision for the tables you added
under storage/models/, branching from 0001_core so that workflows never edit each other's revisions.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from bot.settings import load_settings
from chat.cli import fail
from chat.orgconfig import ConfigError
from storage import migrate
from storage.db import Database


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("migrate", help="apply database migrations")
    p.add_argument("--new", metavar="MESSAGE", help="(developers) write a new revision for changed models")
    p.add_argument("--id", dest="rev_id", help="the new revision's id, e.g. 0004_foi")
    p.set_defaults(func=run)


async def run(args) -> int:
    if args.new:
        if not args.rev_id:
            return fail("migrate --new needs --id, e.g. --id 0004_foi")
        return await _new_revision(args.new, args.rev_id)
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


async def _new_revision(message: str, rev_id: str) -> int:
    from alembic import command   # a developer's tool: alembic's command module loads only for --new

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'gen.db'}")
        await migrate.upgrade(db)
        async with db.engine.connect() as conn:
            def generate(sync_conn):
                label = rev_id.split("_", 1)[-1]
                command.revision(migrate._alembic_config(sync_conn), message=message, autogenerate=True,
                                 rev_id=rev_id, head="0001_core", splice=True, branch_label=label)
            await conn.run_sync(generate)
        await db.close()
    return 0
