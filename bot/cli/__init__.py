"""`python -m bot <subcommand>`: the operators' command line.

Each module in this package adds one subcommand: it defines `add_parser(subparsers)` and sets
`func=run` where `run(args) -> int` (sync or async) returns the exit code. 0 ok, 1 a finding that stops
(`check`), 2 bad usage or input with one line on stderr.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import pkgutil
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as the house rules say
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot", description="smpolicy bot: operators' command line")
    subparsers = parser.add_subparsers(dest="command", metavar="<command>", parser_class=_Parser)
    import bot.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bot.cli.{info.name}")
        if hasattr(module, "add_parser"):
            module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command in (None, "help") else 2
    from chat.orgconfig import ConfigError

    try:
        result = args.func(args)
        if inspect.isawaitable(result):
            result = asyncio.run(result)
    except ConfigError as exc:  # a bad organisation file: one line, whatever the subcommand
        print(exc, file=sys.stderr)
        return 2
    return int(result or 0)
