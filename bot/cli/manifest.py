"""`python -m bot manifest slack|teams`: an app manifest, checked against the platform's rules.

    python -m bot manifest slack --url https://bot.example.gov.uk     the Slack manifest, printed
    python -m bot manifest teams --app-id GUID                        the Teams manifest, printed
    python -m bot manifest teams --app-id GUID --zip smpolicy.zip     the Teams package, ready to upload
    python -m bot manifest --write                                    regenerate the copies in manifests/
"""
from __future__ import annotations

import json
from pathlib import Path

from bot.manifest_rules import is_guid, slack_problems, teams_problems
from bot.manifests import PLACEHOLDER_URL, TEAMS_APP_ID, slack_manifest, teams_manifest, write_committed
from bot.teams_package import package
from chat.cli import fail


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("manifest", help="print the Slack or Teams app manifest, or write the Teams package")
    p.add_argument("platform", nargs="?", choices=["slack", "teams"])
    p.add_argument("--url", help="the bot's public base URL (Slack)")
    p.add_argument("--app-id", help="the Azure bot's app id, a GUID (Teams)")
    p.add_argument("--zip", metavar="FILE", help="write the Teams app package (manifest and icons) to FILE")
    p.add_argument("--write", action="store_true",
                   help="regenerate the copies in manifests/ (placeholder address and app id)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.write:
        if args.platform or args.url or args.app_id or args.zip:
            return fail("--write regenerates both copies in manifests/ with placeholders: give it nothing else")
        for path in write_committed(args.cli.registry):
            print(f"wrote {path}")
        return 0
    if args.platform is None:
        return fail("say which manifest: python -m bot manifest slack|teams (or --write)")
    if args.platform == "slack":
        if args.app_id or args.zip:
            return fail("--app-id and --zip are for the Teams manifest")
        url = args.url or PLACEHOLDER_URL
        if not url.startswith("https://") and not url.startswith("http://"):
            return fail(f"--url: expected an address starting https://, got {url!r}")
        manifest, problems = slack_manifest(args.cli.registry, url), slack_problems
    else:
        if args.url:
            return fail("--url is for the Slack manifest; Teams reaches the bot through its Azure registration")
        app_id = args.app_id or TEAMS_APP_ID
        if not is_guid(app_id):
            return fail(f"--app-id: expected the Azure bot's app id, a GUID such as "
                        f"1b4e28ba-2fa1-11d2-883f-0016d3cca427, got {app_id!r}")
        manifest, problems = teams_manifest(args.cli.registry, app_id), teams_problems
    found = problems(manifest)
    if found:   # a registry change broke a platform limit: say so rather than hand over a manifest it refuses
        return fail(f"the {args.platform} manifest breaks the platform's rules: " + "; ".join(found))
    if args.zip:
        if not args.app_id:
            return fail("--zip needs --app-id: the package must name your Azure bot")
        try:
            Path(args.zip).write_bytes(package(manifest))
        except OSError as exc:
            return fail(f"--zip: cannot write {args.zip}: {exc.strerror}")
        print(f"wrote {args.zip}: upload it in Teams (Apps, Manage your apps, Upload an app)")
        return 0
    print(json.dumps(manifest, indent=2))
    return 0
