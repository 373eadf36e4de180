"""The organisation file (SMPOLICY_CONFIG, TOML): who holds which role, channels, working hours, own details.

People are keyed by email address and resolved to Slack/Teams ids at run time (chat.directory), so one file
serves both platforms. A bad file stops start-up with one line naming the key and what is wrong.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from . import orgschema
from .orgschema import CHANNELS, PLATFORMS, ROLES


class ConfigError(ValueError):
    """What is wrong with the organisation file: `problems` holds one line per problem (`key.path: what`);
    str() is one line for start-up, the first problem and how many more there are."""

    def __init__(self, source: str | None, problems: list[str]):
        self.source = source
        self.problems = problems
        where = f"organisation file {source}" if source else "organisation file"
        line = f"{where}: {problems[0]}"
        if len(problems) > 1:
            more = len(problems) - 1
            line += (f" (and {more} more problem{'s' if more > 1 else ''}: "
                     f"run python -m bot config check{' ' + source if source else ''})")
        super().__init__(line)


@dataclass(frozen=True)
class Person:
    email: str
    manager: str | None = None
    profile: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class AccountContacts:
    """Who the crisis group needs for one account (4.3): service lead and, where named, a councillor."""
    key: str
    name: str
    service_lead: str | None = None
    cabinet_member: str | None = None
    local_councillor: str | None = None


@dataclass(frozen=True)
class OrgConfig:
    name: str = "Your council"
    time_zone: str = "Europe/London"
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    email_domains: tuple[str, ...] = ()
    published_phones: tuple[str, ...] = ()
    public_buildings: tuple[str, ...] = ()
    information_management_email: str | None = None
    comms_team_email: str | None = None
    # 2.10: suspected information security breaches go to the Information Management Team; this address, where
    # the organisation gives one apart from its FOI address, else information_management_email
    information_security_email: str | None = None
    hr_email: str | None = None          # 3.9: Human Resources, told of harassment where the file names it
    foi_retention_months: int = 12
    feedback_retention_days: int = 30   # a verdict reported wrong is kept this long for review, then deleted
    password_change_days: int = 90      # how often an account's owner is asked to change its password (5.5)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # channels[name][platform] -> channel / conversation id
    channels: dict[str, dict[str, str]] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    channel_profiles: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, AccountContacts] = field(default_factory=dict)
    source: str | None = None
    warnings: tuple[str, ...] = ()   # roles that name nobody: the bot runs, but that work reaches no one

    @property
    def security_breach_email(self) -> str | None:
        """Where a suspected information security breach is reported (2.10)."""
        return self.information_security_email or self.information_management_email

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def members(self, role: str) -> tuple[str, ...]:
        if role not in ROLES:
            raise KeyError(f"unknown role {role!r}")
        return self.roles.get(role, ())

    def has_role(self, email: str | None, *roles: str) -> bool:
        if not email:
            return False
        email = email.lower()
        return any(email in self.members(r) for r in roles)

    def manager_of(self, email: str | None) -> str | None:
        person = self.people.get((email or "").lower())
        return person.manager if person else None

    def profile_for(self, email: str | None, channel: str | None = None) -> str:
        """A person's own setting wins, then the channel's, then `staff`."""
        person = self.people.get((email or "").lower())
        if person and person.profile:
            return person.profile
        if channel and channel in self.channel_profiles:
            return self.channel_profiles[channel]
        return "staff"

    def channel(self, name: str, platform: str) -> str | None:
        return self.channels.get(name, {}).get(platform)

    def display_name(self, email: str) -> str:
        person = self.people.get(email.lower())
        return person.name if person and person.name else email


def parse_config(data: dict, source: str | None = None) -> OrgConfig:
    """Validate against the schema (chat/orgschema.py) and build the OrgConfig; every problem is collected."""
    try:
        parsed = orgschema.OrganisationFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, orgschema.problems(exc)) from None
    duplicates = _duplicates(data.get("people", {}))
    if duplicates:
        raise ConfigError(source, duplicates)
    org = parsed.organisation
    hours = org.working_hours
    roles = {role: tuple(dict.fromkeys(getattr(parsed.roles, role))) for role in ROLES if getattr(parsed.roles, role)}
    channels = {name: {p: cid for p in PLATFORMS if (cid := getattr(getattr(parsed.channels, name), p))}
                for name in CHANNELS}
    return OrgConfig(
        name=org.name,
        time_zone=org.time_zone,
        work_start=time.fromisoformat(hours.start),
        work_end=time.fromisoformat(hours.end),
        email_domains=tuple(d.strip().lower() for d in org.email_domains),
        published_phones=tuple(org.published_phones),
        public_buildings=tuple(org.public_buildings),
        information_management_email=org.information_management_email,
        comms_team_email=org.comms_team_email,
        information_security_email=org.information_security_email,
        hr_email=org.hr_email,
        foi_retention_months=org.foi_retention_months,
        feedback_retention_days=org.feedback_retention_days,
        password_change_days=org.password_change_days,
        roles=roles,
        channels={name: ids for name, ids in channels.items() if ids},
        people={email: Person(email, p.manager, p.profile, p.name) for email, p in parsed.people.items()},
        channel_profiles=dict(parsed.channel_profiles),
        accounts={key: AccountContacts(key=key, name=a.name or key, service_lead=a.service_lead,
                                       cabinet_member=a.cabinet_member, local_councillor=a.local_councillor)
                  for key, a in parsed.accounts.items()},
        source=source,
        warnings=tuple(orgschema.role_gaps(parsed)),
    )


def _duplicates(people: object) -> list[str]:
    """Two entries for one person once emails are normalised (`Jo@x` and `jo@x`): which would win is a guess."""
    if not isinstance(people, dict):
        return []
    seen: dict[str, str] = {}
    found = []
    for key in people:
        email = str(key).strip().lower()
        if email in seen:
            found.append(f'people."{key}": the same person as people."{seen[email]}" (emails ignore case)')
        seen.setdefault(email, str(key))
    return found


def load_config(path: str | Path | None) -> OrgConfig:
    """No file: an empty organisation (the bot still starts, and says what is missing)."""
    if not path:
        return OrgConfig()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(p), ["not found (check SMPOLICY_CONFIG)"]) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ConfigError(str(p), [f"cannot be read ({type(exc).__name__})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), [f"not valid TOML: {exc}"]) from None
    return parse_config(data, source=str(p))
