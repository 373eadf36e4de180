"""`python -m bot config check [FILE]`: validate the organisation file and show what the bot will make of it.

Every problem is printed (stderr, one line each: the file, the key path, what is wrong) and the command exits 2;
a valid file prints the resolved organisation: who holds which role, which channels each platform posts to, the
people and accounts it names, and roles that name nobody. Start-up runs the same check (chat.orgconfig).
FILE defaults to SMPOLICY_CONFIG. `--strict` also fails (exit 2) on roles that name nobody.
"""
from __future__ import annotations

import sys

from bot.settings import load_settings
from chat.cli import fail, usage
from chat.orgconfig import ConfigError, OrgConfig, load_config
from chat.orgschema import CHANNELS, ROLES


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("config", help="check the organisation file (SMPOLICY_CONFIG)")
    inner = p.add_subparsers(dest="config_command", metavar="<subcommand>", parser_class=type(p))
    check = inner.add_parser("check", help="list every problem, or show the organisation the file resolves to",
                             description=__doc__.split("\n\n")[1])
    check.add_argument("file", nargs="?", help="the organisation file (default: SMPOLICY_CONFIG)")
    check.add_argument("--strict", action="store_true", help="also fail when a role names nobody")
    check.set_defaults(func=run)
    p.set_defaults(func=lambda args: usage(p))


def run(args) -> int:
    path = args.file or load_settings().config_path
    if not path:
        return fail("config check: give the organisation file, e.g. python -m bot config check smpolicy.toml, "
                    "or set SMPOLICY_CONFIG")
    try:
        config = load_config(path)
    except ConfigError as exc:
        count = len(exc.problems)
        print(f"organisation file {path}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        for problem in exc.problems:
            print(f"organisation file {path}: {problem}", file=sys.stderr)
        return 2
    print("\n".join(resolved(config)))
    if config.warnings and args.strict:
        return fail(f"organisation file {path}: {len(config.warnings)} role(s) name nobody (--strict)")
    return 0


def resolved(config: OrgConfig) -> list[str]:
    """The organisation as the bot will use it, for an operator's terminal (never a chat channel)."""
    lines = [f"organisation file {config.source}: valid",
             f"Organisation: {config.name}",
             f"  time zone {config.time_zone}, working hours {config.work_start:%H:%M} to {config.work_end:%H:%M}",
             f"  own email domains: {', '.join(config.email_domains) or '(none)'}",
             f"  FOI requests emailed to: {config.information_management_email or '(not set)'}",
             f"  security breaches emailed to: {config.security_breach_email or '(not set)'}; "
             f"harassment reports to HR at: {config.hr_email or '(not set: managers and comms only)'}",
             f"  FOI cases kept {config.foi_retention_months} months after closing; reported verdicts "
             f"{config.feedback_retention_days} days",
             "Roles:"]
    for role in ROLES:
        members = config.roles.get(role, ())
        lines.append(f"  {role}: {', '.join(_named(config, e) for e in members) if members else '(nobody)'}")
    lines.append("Channels:")
    for name in CHANNELS:
        ids = config.channels.get(name, {})
        where = ", ".join(f"{platform.capitalize()} {cid}" for platform, cid in sorted(ids.items()))
        lines.append(f"  {name}: {where or '(not set: nothing is posted there)'}")
    lines.append(f"People: {len(config.people)}")
    for email, person in sorted(config.people.items()):
        extra = [f"manager {_named(config, person.manager)}" if person.manager else "",
                 f"profile {person.profile}" if person.profile else ""]
        lines.append(f"  {_named(config, email)}" + "".join(f", {x}" for x in extra if x))
    if config.channel_profiles:
        lines.append("Channel profiles: " + ", ".join(f"{c} {p}" for c, p in sorted(config.channel_profiles.items())))
    lines.append(f"Accounts: {len(config.accounts)}")
    for key, account in sorted(config.accounts.items()):
        who = [f"{label} {_named(config, email)}" for label, email in (
            ("service lead", account.service_lead), ("cabinet member", account.cabinet_member),
            ("local councillor", account.local_councillor)) if email]
        lines.append(f"  {key} ({account.name}): {', '.join(who) or 'nobody named'}")
    if config.warnings:
        lines.append("Warnings:")
        lines += [f"  {warning}" for warning in config.warnings]
    return lines


def _named(config: OrgConfig, email: str) -> str:
    name = config.display_name(email)
    return email if name == email else f"{name} <{email}>"
