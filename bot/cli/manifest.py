"""`python -m bot manifest slack|teams [--url URL] [--app-id ID]`: print an app manifest as JSON."""
from __future__ import annotations

import json

from bot.manifests import PLACEHOLDER_URL, TEAMS_APP_ID, slack_manifest, teams_manifest
from chat.cli import fail


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("manifest", help="print the Slack or Teams app manifest")
    p.add_argument("platform", choices=["slack", "teams"])
    p.add_argument("--url", help="the bot's public base URL (Slack)")
    p.add_argument("--app-id", help="the Azure bot's app id (Teams)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.platform == "slack":
        url = args.url or PLACEHOLDER_URL
        if not url.startswith("https://") and not url.startswith("http://"):
            return fail(f"--url: expected an address starting https://, got {url!r}")
        print(json.dumps(slack_manifest(args.cli.registry, url), indent=2))
    else:
        print(json.dumps(teams_manifest(args.cli.registry, args.app_id or TEAMS_APP_ID), indent=2))
    return 0
