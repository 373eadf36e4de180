"""`python -m bot foi due-date --received 2026-12-24 [--type foi|eir|eir-extended|sar]` and `foi list`.

due-date prints YYYY-MM-DD. It uses the proclaimed bank holidays in the database when it can read them (an
administrator's one-off days); with no database it uses the statutory calendar alone.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from chat.cli import fail, usage
from chat.workdays import proclaimed_holidays, working_calendar
from chat.wording import count as plural
from dialogs.foi.rules import standing
from dialogs.foi.store import open_cases
from policy.calendar import WorkingCalendar, due_date
from storage.db import Database

TYPES = ("foi", "eir", "eir-extended", "sar")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("foi", help="FOI, EIR and subject access cases (8.1)")
    sub = p.add_subparsers(dest="foi_command", metavar="<foi command>", parser_class=type(p))
    due = sub.add_parser("due-date", help="print the statutory due date of a request as YYYY-MM-DD")
    due.add_argument("--received", required=True, help="the date the request was received, YYYY-MM-DD")
    due.add_argument("--type", default="foi", choices=TYPES, help="foi (default), eir, eir-extended or sar")
    due.set_defaults(func=run_due_date)
    lst = sub.add_parser("list", help="list open cases: reference, type, owner, due date (no personal data)")
    lst.set_defaults(func=run_list)
    p.set_defaults(func=lambda args: usage(p))


async def _proclaimed(cli) -> list[date]:
    """The administrator's extra holidays, or none when there is no database (or no table) to read."""
    db = None
    try:
        db = Database(cli.database_url())
        path = db.engine.url.database if db.is_sqlite else None
        if db.is_sqlite and (not path or not Path(path).exists()):
            return []      # no database yet: don't create an empty file just to read nothing
        return await proclaimed_holidays(db)
    except Exception:
        return []
    finally:
        if db is not None:
            await db.close()


async def run_due_date(args) -> int:
    try:
        received = date.fromisoformat(args.received)
    except ValueError:
        return fail(f"python -m bot foi due-date: --received: expected a date like 2026-12-01, got {args.received!r}")
    try:
        print(due_date(received, args.type, WorkingCalendar(extra_holidays=await _proclaimed(args.cli))).isoformat())
    except ValueError as exc:
        return fail(f"python -m bot foi due-date: {exc}")
    return 0


async def run_list(args) -> int:
    async with args.cli.services() as svc:
        cases = await open_cases(svc)
        cal = await working_calendar(svc)
        today = svc.today()
        for c in cases:
            kind = "eir-extended" if c.extended else c.kind
            state = " (clock stopped)" if c.state == "clarifying" else ""
            print(f"{c.reference}\t{kind}\t{c.owner_email}\t{c.due.isoformat()}\t"
                  f"{standing(c.due, today, cal).words()}{state}\t{'emailed' if c.email_state == 'sent' else 'not yet sent'}")
        print(plural(len(cases), "open case"))
    return 0
