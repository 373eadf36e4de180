"""Is the database there at start-up? One line naming DATABASE_URL and what is wrong, instead of a traceback.

PostgreSQL often starts a few seconds after the bot (containers, a reboot): connection refusals are retried
for a short, bounded time before giving up.
"""
from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from .db import Database

log = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """A one-line, secret-free reason the bot cannot use its database."""


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unreadable)"


def _sqlite_problem(db: Database) -> str | None:
    database = db.engine.url.database
    if not database or database == ":memory:":
        return None
    folder = Path(database).expanduser().resolve().parent
    if not folder.is_dir():
        return f"the folder {folder} for the SQLite file does not exist"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} for the SQLite file is not writable"
    return None


def _reason(exc: BaseException) -> tuple[str, bool]:
    """(what went wrong in a few words, whether waiting a little might fix it)."""
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else ""
    lowered = message.lower()
    name = type(getattr(exc, "orig", None) or exc).__name__
    if "locked" in lowered:
        return "the SQLite file is locked by another program", False
    if "password authentication failed" in lowered or "invalidpassword" in name.lower():
        return "the user name or password was refused", False
    if "does not exist" in lowered and "database" in lowered:
        return "that database does not exist on the server", False
    if isinstance(exc, (ConnectionRefusedError, OSError)) or "refused" in lowered or "connect" in lowered:
        return "the database server is not accepting connections (is it running?)", True
    if "unable to open database file" in lowered:
        return "the SQLite file cannot be opened", False
    return f"{name}: {message[:160]}" if message else name, False


async def ensure_reachable(db: Database, *, attempts: int = 6, delay: float = 1.5) -> None:
    """Raise DatabaseUnavailable with one line if the database cannot be used; retry refusals briefly."""
    where = describe(db.url)
    if db.is_sqlite:
        problem = _sqlite_problem(db)
        if problem:
            raise DatabaseUnavailable(f"DATABASE_URL ({where}): {problem}")
    for attempt in range(1, attempts + 1):
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return
        except Exception as exc:  # drivers raise many kinds; each becomes a reason
            reason, transient = _reason(exc)
            if not transient or attempt == attempts:
                raise DatabaseUnavailable(f"DATABASE_URL ({where}): {reason}") from None
            log.warning("database not reachable yet (%s); trying again in %.0f s", reason, delay)
            await asyncio.sleep(delay)
