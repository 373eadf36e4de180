"""`python -m bot crisis report ID [--post]` and `python -m bot crisis list`: crises without a chat client (§4.3).

`report` prints the crisis's timeline, response checklist and post-crisis review as Markdown; with --post it is
also put in the crisis room as a file.
"""
from __future__ import annotations

import sys

from chat.cli import fail
from dialogs.crisis import messages, report, store


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("crisis", help="crisis reports and the list of active crises (4.3)")
    sub = p.add_subparsers(dest="crisis_command", metavar="<report|list>", parser_class=type(p))
    report = sub.add_parser("report", help="print a crisis's report as Markdown")
    report.add_argument("crisis_id", metavar="ID", help="the crisis number, e.g. 3")
    report.add_argument("--post", action="store_true", help="also put the report in the crisis room as a file")
    report.set_defaults(func=run_report)
    listing = sub.add_parser("list", help="list the active crises")
    listing.set_defaults(func=run_list)
    p.set_defaults(func=lambda args: fail("crisis: say what to do: report ID, or list"))


async def run_report(args) -> int:
    raw = str(args.crisis_id).lstrip("#")
    if not raw.isdigit():
        return fail(f"crisis report: expected a crisis number like 3, got {args.crisis_id!r}")
    async with args.cli.services(with_senders=args.post) as svc:
        crisis = await store.get(svc.db, int(raw))
        if crisis is None:
            return fail(f"crisis report: there is no crisis {raw}")
        file = await report.report_file(svc, crisis)
        sys.stdout.write(file.content.decode("utf-8"))
        if args.post:
            if not crisis.room_id:
                return fail(f"crisis report: crisis {raw} has no room to post to")
            try:
                await svc.notifier.upload(crisis.platform, crisis.room_id, file)
            except Exception as exc:  # the report was printed; say why it could not be posted
                return fail(f"crisis report: could not post it in the room: {getattr(exc, 'reason', exc)}")
    return 0


async def run_list(args) -> int:
    async with args.cli.services() as svc:
        actives = await store.active(svc.db)
        for c in actives:
            print(f"{c.id}\t{messages.account_names(c)}\t{c.platform}:{c.room_name}\tstarted "
                  f"{messages.when(c.started_at, svc.config.tz)}\tby {c.started_by}")
        if not actives:
            print("no active crises")
    return 0
