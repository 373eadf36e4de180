"""The organisation file (SMPOLICY_CONFIG, TOML): who holds which role, channels, working hours, own details.

People are keyed by email address and resolved to Slack/Teams ids at run time (chat.directory), so one file
serves both platforms. A bad file stops start-up with one line naming the key and what is wrong.
"""
from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROLES = (
    "comms_team",
    "head_of_comms",
    "sfrs_business_support",
    "information_management",
    "policy_owner",
    "crisis_roster",
    "budget_holders",
    "crisis_deputy_approvers",   # may decide a crisis sign-off in the appointed approver's absence (4.3)
    "chief_fire_officer",        # with the head of communications, makes an SFRS account official (8.2 5.5)
    "sfrs_social_media_admin",   # given every station account, told of fire-service leavers (8.2 2.3, 2.4)
)
PROFILES = ("staff", "sfrs", "member", "personal")
PLATFORMS = ("slack", "teams")
# The channels the workflows post to, by the names this file gives them.
CHANNELS = ("comms_team", "information_management", "crisis_team")
ORGANISATION_KEYS = ("name", "time_zone", "working_hours", "email_domains", "published_phones", "public_buildings",
                     "information_management_email", "comms_team_email", "foi_retention_months",
                     "feedback_retention_days", "information_security_email", "hr_email",
                     "password_change_days")
PERSON_KEYS = ("name", "manager", "profile")
ACCOUNT_KEYS = ("name", "service_lead", "cabinet_member", "local_councillor")


class ConfigError(ValueError):
    """One clear line: the key and what is wrong with it."""


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


def _fail(key: str, problem: str) -> ConfigError:
    return ConfigError(f"organisation file: {key}: {problem}")


def _email(key: str, value: object) -> str:
    if not isinstance(value, str) or "@" not in value or " " in value.strip():
        raise _fail(key, f"expected an email address, got {value!r}")
    return value.strip().lower()


def _strings(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(key, "expected a list of strings")
    return tuple(value)


def _clock(key: str, value: object) -> time:
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise _fail(key, f"expected a time like 09:00, got {value!r}") from None


def _table(key: str, value: object, allowed: tuple[str, ...] | None = None) -> dict:
    """A table; with `allowed`, an unknown key (a typo such as `manger` or `timezone`) is an error that
    suggests the key meant, because a misspelt key silently breaks routing (sign-off to nobody)."""
    if not isinstance(value, dict):
        raise _fail(key, "expected a table")
    for name in value if allowed is not None else ():
        if name not in allowed:
            near = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            hint = f"did you mean {near[0]}?" if near else f"expected one of {', '.join(allowed)}"
            raise _fail(f"{key}.{name}" if key else name, f"unknown key ({hint})")
    return value


def parse_config(data: dict, source: str | None = None) -> OrgConfig:
    known_top = {"organisation", "roles", "channels", "people", "channel_profiles", "accounts"}
    for key in data:
        if key not in known_top:
            near = difflib.get_close_matches(key, sorted(known_top), n=1, cutoff=0.6)
            hint = f"did you mean {near[0]}?" if near else f"expected one of {', '.join(sorted(known_top))}"
            raise _fail(key, f"unknown section ({hint})")
    org = _table("organisation", data.get("organisation", {}), ORGANISATION_KEYS)
    tz = org.get("time_zone", "Europe/London")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail("organisation.time_zone", f"unknown time zone {tz!r}") from None
    hours = _table("organisation.working_hours", org.get("working_hours", {}), ("start", "end"))
    start = _clock("organisation.working_hours.start", hours.get("start", "09:00"))
    end = _clock("organisation.working_hours.end", hours.get("end", "17:00"))
    if end <= start:
        raise _fail("organisation.working_hours", "end must be after start")
    retention = org.get("foi_retention_months", 12)
    if isinstance(retention, bool) or not isinstance(retention, int) or retention < 1:
        raise _fail("organisation.foi_retention_months", "expected a whole number of months, at least 1")
    feedback_days = org.get("feedback_retention_days", 30)
    if isinstance(feedback_days, bool) or not isinstance(feedback_days, int) or not 1 <= feedback_days <= 365:
        raise _fail("organisation.feedback_retention_days", "expected a whole number of days, from 1 to 365")
    password_days = org.get("password_change_days", 90)
    if isinstance(password_days, bool) or not isinstance(password_days, int) or not 7 <= password_days <= 365:
        raise _fail("organisation.password_change_days", "expected a whole number of days, from 7 to 365")

    roles_raw = _table("roles", data.get("roles", {}), ROLES)
    roles: dict[str, tuple[str, ...]] = {}
    for role, emails in roles_raw.items():
        roles[role] = tuple(_email(f"roles.{role}", e) for e in _strings(f"roles.{role}", emails))

    channels: dict[str, dict[str, str]] = {}
    for name, per_platform in _table("channels", data.get("channels", {}), CHANNELS).items():
        per_platform = _table(f"channels.{name}", per_platform, PLATFORMS)
        for platform, cid in per_platform.items():
            if not isinstance(cid, str) or not cid:
                raise _fail(f"channels.{name}.{platform}", "expected a channel id")
        channels[name] = dict(per_platform)

    people: dict[str, Person] = {}
    for email, info in _table("people", data.get("people", {})).items():
        key = f"people.{email}"
        info = _table(key, info, PERSON_KEYS)
        profile = info.get("profile")
        if profile is not None and profile not in PROFILES:
            raise _fail(f"{key}.profile", f"expected one of {', '.join(PROFILES)}")
        manager = _email(f"{key}.manager", info["manager"]) if "manager" in info else None
        people[_email(key, email)] = Person(_email(key, email), manager, profile, info.get("name"))

    channel_profiles: dict[str, str] = {}
    for cid, profile in _table("channel_profiles", data.get("channel_profiles", {})).items():
        if profile not in PROFILES:
            raise _fail(f"channel_profiles.{cid}", f"expected one of {', '.join(PROFILES)}")
        channel_profiles[cid] = profile

    accounts: dict[str, AccountContacts] = {}
    for akey, info in _table("accounts", data.get("accounts", {})).items():
        key = f"accounts.{akey}"
        info = _table(key, info, ACCOUNT_KEYS)
        contacts = {
            k: _email(f"{key}.{k}", info[k])
            for k in ("service_lead", "cabinet_member", "local_councillor")
            if k in info
        }
        accounts[akey] = AccountContacts(key=akey, name=str(info.get("name", akey)), **contacts)

    def optional_email(key: str) -> str | None:
        return _email(f"organisation.{key}", org[key]) if key in org else None

    return OrgConfig(
        name=str(org.get("name", "Your council")),
        time_zone=tz,
        work_start=start,
        work_end=end,
        email_domains=tuple(d.lower() for d in _strings("organisation.email_domains", org.get("email_domains", []))),
        published_phones=_strings("organisation.published_phones", org.get("published_phones", [])),
        public_buildings=_strings("organisation.public_buildings", org.get("public_buildings", [])),
        information_management_email=optional_email("information_management_email"),
        comms_team_email=optional_email("comms_team_email"),
        information_security_email=optional_email("information_security_email"),
        hr_email=optional_email("hr_email"),
        foi_retention_months=retention,
        feedback_retention_days=feedback_days,
        password_change_days=password_days,
        roles=roles,
        channels=channels,
        people=people,
        channel_profiles=channel_profiles,
        accounts=accounts,
        source=source,
    )


def load_config(path: str | Path | None) -> OrgConfig:
    """No file: an empty organisation (the bot still starts, and says what is missing)."""
    if not path:
        return OrgConfig()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"organisation file {p}: not found (check SMPOLICY_CONFIG)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"organisation file {p}: not valid TOML: {exc}") from None
    return parse_config(data, source=str(p))
