"""`python -m bot <subcommand>`: the operators' command line.

The operators' own subcommands are listed here; each workflow adds its own through its Workflow (`cli=`). Each
module defines `add_parser(subparsers)` and sets `func=run` where `run(args) -> int` (sync or async) returns the
exit code; `args.cli` is the CliContext (chat/cli.py). 0 ok, 1 a finding that stops (`check`), 2 bad usage or
input with one line on stderr.
"""
from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import sys

from chat.orgconfig import ConfigError
from chat.registry import Registry

from . import check, config, help, manifest, migrate, remind
from ._common import EdgeCli

OPERATOR_COMMANDS = (check.add_parser, config.add_parser, help.add_parser, manifest.add_parser, migrate.add_parser, remind.add_parser)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as the house rules say
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser(registry: Registry) -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot", description="smpolicy bot: operators' command line")
    subparsers = parser.add_subparsers(dest="command", metavar="<command>", parser_class=_Parser)
    # Alphabetical by module, so the help lists the subcommands in the same order whoever contributed them.
    for add_parser in sorted((*OPERATOR_COMMANDS, *registry.cli), key=lambda fn: fn.__module__.rsplit(".", 1)[-1]):
        add_parser(subparsers)
    return parser


def joined(argv: list[str], names) -> list[str]:
    """A workflow may add words under another command: `check feedback export` is the `check-feedback`
    subcommand, because `check` itself takes the text to check."""
    if len(argv) >= 2 and f"{argv[0]}-{argv[1]}" in names:
        return [f"{argv[0]}-{argv[1]}", *argv[2:]]
    return argv


def main(argv: list[str] | None = None, *, registry: Registry) -> int:
    parser = build_parser(registry)
    argv = list(sys.argv[1:] if argv is None else argv)
    names = next((a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)), {})
    args = parser.parse_args(joined(argv, names))
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command in (None, "help") else 2
    args.cli, args.parser = EdgeCli(registry), parser
    try:
        result = args.func(args)
        if inspect.isawaitable(result):
            result = asyncio.run(result)
    except ConfigError as exc:  # a bad organisation file: one line, whatever the subcommand
        print(exc, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`python -m bot check ... | head`): nothing more can be written, and no traceback
        # is owed. Standard output is pointed at nothing so that Python's flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a command ended by SIGPIPE; 1 would read as a "stop" verdict
    return int(result or 0)
