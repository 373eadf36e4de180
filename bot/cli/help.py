"""`python -m bot help`: the subcommands, and what the bot answers in chat."""
from __future__ import annotations


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("help", help="show the command line's subcommands and the chat commands")
    p.set_defaults(func=run)


def run(args) -> int:
    from bot.cli import build_parser
    from chat.dispatch import command_text
    from chat.registry import load_all

    build_parser().print_help()
    registry = load_all()
    print("\nIn Slack:")
    for family in ("smpolicy", "crisis"):
        for cmd in registry.family_commands(family):
            print(f"  {command_text(family, cmd.usage, 'slack'):40} {cmd.summary}")
    return 0
