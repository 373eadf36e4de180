"""What a workflow's `python -m bot <name>` subcommand is given, so it never needs the platform edge.

A workflow declares `add_parser(subparsers)` functions in its Workflow (`cli=`); the command line (bot/cli) builds
the parser from the registry and, before running a subcommand, sets `args.cli` to a CliContext. Exit codes:
0 ok, 1 a finding that stops, 2 bad usage or input with one line on stderr.
"""
from __future__ import annotations

import sys
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from .clock import Clock
from .registry import Registry
from .services import Services


class CliContext(Protocol):
    registry: Registry

    def services(self, clock: Clock | None = None,
                 with_senders: bool = False) -> AbstractAsyncContextManager[Services]:
        """`async with args.cli.services() as svc:` the Services for one run, migrated, closed afterwards;
        with_senders connects Slack and Teams to send for real. A bad organisation file raises ConfigError,
        which the command line reports in one line (exit 2)."""
        ...

    def database_url(self) -> str:
        """DATABASE_URL, for a subcommand that reads the database without migrating it."""
        ...


def fail(message: str) -> int:
    """One line on stderr; exit code 2."""
    print(message, file=sys.stderr)
    return 2


def usage(parser) -> int:
    """A command group given no subcommand: its help, exit code 2."""
    parser.print_help()
    return 2
