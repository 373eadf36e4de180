"""`python -m bot help`: the subcommands, and what the bot answers in chat."""
from __future__ import annotations

from chat.commands import typed


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("help", help="show the command line's subcommands and the chat commands")
    p.set_defaults(func=run)


def run(args) -> int:
    args.parser.print_help()
    print("\nIn Slack:")
    for family in ("smpolicy", "crisis"):
        for cmd in args.cli.registry.family_commands(family):
            print(f"  {typed(family, cmd.usage, 'slack'):40} {cmd.summary}")
    return 0
