"""`python -m bot audit export --from DATE --to DATE [--format csv|jsonl] [--output FILE]` (6.2).

Every recorded event in the period (dates inclusive, Europe/London days): who, when, what and the outcome,
on standard output unless --output names a file. Never the text of a checked post (see dialogs/audit/).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date

from chat.cli import fail, usage
from chat.wording import count as plural
from dialogs.audit.flow import write
from dialogs.audit.rules import Period

PROG = "python -m bot audit export"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("audit", help="export the audit trail (6.2)")
    sub = p.add_subparsers(dest="audit_command", metavar="<audit command>", parser_class=type(p))
    exp = sub.add_parser("export", help="every event between two dates as CSV or JSON Lines")
    exp.add_argument("--from", dest="first", required=True, help="the first day, YYYY-MM-DD")
    exp.add_argument("--to", dest="last", required=True, help="the last day (included), YYYY-MM-DD")
    exp.add_argument("--format", default="csv", choices=("csv", "jsonl"), help="csv (default) or jsonl")
    exp.add_argument("--output", help="write to this file instead of standard output")
    exp.set_defaults(func=run_export)
    p.set_defaults(func=lambda args: usage(p))


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


async def run_export(args) -> int:
    first, last = _day(args.first), _day(args.last)
    for value, raw, name in ((first, args.first, "--from"), (last, args.last, "--to")):
        if value is None:
            return fail(f"{PROG}: {name}: expected a date like 2026-12-01, got {raw!r}")
    if first > last:
        return fail(f"{PROG}: --from ({first}) is after --to ({last})")

    period = Period(first, last)
    async with args.cli.services() as svc:
        if not args.output:
            count = await write(svc.db, period, svc.config.tz, args.format, sys.stdout)
            sys.stdout.flush()
            return 0
        # Written beside the target and renamed, so a failed run never leaves half a file behind.
        target = os.path.abspath(args.output)
        try:
            fd, tmp = tempfile.mkstemp(prefix=".audit-", dir=os.path.dirname(target))
        except OSError as exc:
            return fail(f"{PROG}: --output: cannot write there ({exc.strerror})")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                count = await write(svc.db, period, svc.config.tz, args.format, out)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        print(f"{plural(count, 'event')} from {period.first} to {period.last} written to {args.output}", file=sys.stderr)
        return 0
