"""`python -m bot remind --now 2026-12-01T09:00 [--dry-run]`: run every due sweep once as at that time."""
from __future__ import annotations

from bot.scheduler import SweepRunner
from bot.settings import load_settings
from chat.cli import fail
from chat.clock import FixedClock
from chat.orgconfig import ConfigError, load_config

from ._common import parse_when


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("remind", help="run every reminder sweep once, as at --now")
    p.add_argument("--now", help="local date-time to run as, e.g. 2026-12-01T09:00 (default: now)")
    p.add_argument("--dry-run", action="store_true", help="say which sweeps are due without sending")
    p.set_defaults(func=run)


async def run(args) -> int:
    try:
        tz = load_config(load_settings().config_path).tz
        at = parse_when(args.now, tz) if args.now else None
    except ConfigError as exc:
        return fail(str(exc))
    except ValueError:
        return fail(f"--now: expected a date-time like 2026-12-01T09:00, got {args.now!r}")
    async with args.cli.services(FixedClock(at) if at else None, with_senders=not args.dry_run) as svc:
        outcomes = await SweepRunner(svc).run_all(dry_run=args.dry_run)
    for name, outcome in outcomes:
        print(f"{name}: {outcome}")
    if not outcomes:
        print("no sweeps are registered")
    return 1 if any(o == "failed" for _, o in outcomes) else 0
