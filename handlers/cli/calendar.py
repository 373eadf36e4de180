"""`python -m bot calendar add-holiday 2026-09-21 "State funeral"` and `calendar list [--year 2026]`.

Adding a proclaimed one-off bank holiday recomputes the due dates of open FOI cases and tells their owners
(by Slack or Teams, when the bot's credentials are set).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from chat.cli import fail, usage
from chat.errors import WorkflowError
from chat.wording import count as plural
from dialogs.foi.holidays import add_holiday, check_holiday
from policy.calendar import WorkingCalendar
from storage.models import ProclaimedHoliday


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("calendar", help="the working-day calendar used for statutory time limits")
    sub = p.add_subparsers(dest="calendar_command", metavar="<calendar command>", parser_class=type(p))
    add = sub.add_parser("add-holiday", help="add a proclaimed one-off bank holiday")
    add.add_argument("date", help="YYYY-MM-DD")
    add.add_argument("name", nargs="+", help="what it is, e.g. State funeral")
    add.set_defaults(func=run_add)
    lst = sub.add_parser("list", help="list the bank holidays in a year (all four UK nations, and proclaimed days)")
    lst.add_argument("--year", type=int, help="default: this year")
    lst.set_defaults(func=run_list)
    p.set_defaults(func=lambda args: usage(p))


async def run_add(args) -> int:
    try:
        day = date.fromisoformat(args.date)
        name = check_holiday(day, " ".join(args.name))
    except ValueError:
        return fail(f"python -m bot calendar add-holiday: expected a date like 2026-09-21, got {args.date!r}")
    except WorkflowError as exc:
        return fail(f"python -m bot calendar add-holiday: {exc.message}")
    async with args.cli.services(with_senders=True) as svc:
        try:
            result = await add_holiday(svc, day, name, "command line")
        except WorkflowError as exc:
            return fail(f"python -m bot calendar add-holiday: {exc.message}")
    print(f"added {result.day.isoformat()} {result.name}")
    for owner, ref, old, new in result.changed:
        print(f"{ref}\t{old.isoformat()} -> {new.isoformat()}\t{owner}")
    print(f"{plural(len(result.changed), 'open case')} with a new due date; {plural(result.owners_told, 'owner')} told")
    return 0


async def run_list(args) -> int:
    async with args.cli.services() as svc:
        year = args.year or svc.today().year
        async with svc.db.sessions() as s:
            named = {date.fromisoformat(h.day): h.name for h in await s.scalars(select(ProclaimedHoliday))}
        cal = WorkingCalendar(extra_holidays=named)   # with their names, which chat.workdays leaves out
        try:
            days = cal.holidays_between(date(year, 1, 1), date(year, 12, 31))
        except ValueError as exc:
            return fail(f"python -m bot calendar list: {exc}")
    for day, name in days:
        print(f"{day.isoformat()}\t{day:%a}\t{name}")
    return 0
