"""The organisation file's schema: strict pydantic models, one per table, unknown keys forbidden.

Every key `smpolicy.example.toml` can hold is declared here, so a misspelt key (`timezone`, `manger`) or a value
of the wrong type (`foi_retention_months = true`) is refused instead of silently breaking routing. Emails are
normalised (trimmed, lower case) as they are read. `problems(exc)` turns pydantic's errors into lines naming the
key path as the file spells it and what is wrong, with "did you mean" for near misses.
"""
from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

PROFILES = ("staff", "sfrs", "member", "personal")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _email(value: str) -> str:
    cleaned = value.strip().lower()
    if not _EMAIL.match(cleaned):
        raise ValueError(f"expected an email address like jo.bloggs@council.gov.uk, got {value!r}")
    return cleaned


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (for example Europe/London)") from None
    return value


def _clock(value: str) -> str:
    if not _CLOCK.match(value.strip()):
        raise ValueError(f"expected a time like 09:00, got {value!r}")
    return value.strip()


def _profile(value: str) -> str:
    if value not in PROFILES:
        raise ValueError(f"expected one of {', '.join(PROFILES)}, got {value!r}")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("expected a channel id, got nothing")
    return value.strip()


Email = Annotated[str, AfterValidator(_email)]
Profile = Annotated[str, AfterValidator(_profile)]
ChannelId = Annotated[str, AfterValidator(_not_blank)]


class _Table(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class WorkingHours(_Table):
    start: Annotated[str, AfterValidator(_clock)] = "09:00"
    end: Annotated[str, AfterValidator(_clock)] = "17:00"

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class Organisation(_Table):
    name: str = "Your council"
    time_zone: Annotated[str, AfterValidator(_time_zone)] = "Europe/London"
    working_hours: WorkingHours = WorkingHours()
    email_domains: list[str] = []
    published_phones: list[str] = []
    public_buildings: list[str] = []
    information_management_email: Email | None = None
    comms_team_email: Email | None = None
    information_security_email: Email | None = None   # 2.10; without it, information_management_email
    hr_email: Email | None = None                     # 3.9: told of harassment reports
    foi_retention_months: int = Field(12, ge=1, le=120, description="months")
    feedback_retention_days: int = Field(30, ge=1, le=365, description="days")
    password_change_days: int = Field(90, ge=7, le=365, description="days")   # 5.5: change passwords regularly


class Roles(_Table):
    comms_team: list[Email] = []
    head_of_comms: list[Email] = []
    sfrs_business_support: list[Email] = []
    information_management: list[Email] = []
    policy_owner: list[Email] = []
    crisis_roster: list[Email] = []
    budget_holders: list[Email] = []
    crisis_deputy_approvers: list[Email] = []   # may decide a crisis sign-off in the approver's absence (4.3)
    chief_fire_officer: list[Email] = []        # with the head of communications, makes an SFRS account official
    sfrs_social_media_admin: list[Email] = []   # given every station account, told of fire-service leavers


class PlatformIds(_Table):
    slack: ChannelId | None = None
    teams: ChannelId | None = None


class Channels(_Table):
    comms_team: PlatformIds = PlatformIds()
    information_management: PlatformIds = PlatformIds()
    crisis_team: PlatformIds = PlatformIds()


class PersonEntry(_Table):
    name: str | None = None
    manager: Email | None = None
    profile: Profile | None = None


class AccountEntry(_Table):
    name: str | None = None
    service_lead: Email | None = None
    cabinet_member: Email | None = None
    local_councillor: Email | None = None


class OrganisationFile(_Table):
    organisation: Organisation = Organisation()
    roles: Roles = Roles()
    channels: Channels = Channels()
    people: dict[Email, PersonEntry] = {}
    channel_profiles: dict[str, Profile] = {}
    accounts: dict[str, AccountEntry] = {}


ROLES = tuple(Roles.model_fields)
CHANNELS = tuple(Channels.model_fields)
PLATFORMS = tuple(PlatformIds.model_fields)


# --- errors as lines a person can act on ------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z0-9_-]+$")


def key_path(loc: tuple) -> str:
    """The location as the file spells it: `people."jo@x.gov.uk".manager`, `roles.comms_team[2]`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif part == "[key]":
            continue
        else:
            name = part if _PLAIN.match(part) else f'"{part}"'
            out += f".{name}" if out else name
    return out or "(the whole file)"


def _model_at(loc: tuple):
    """The model class whose keys are allowed at `loc` (for "did you mean"), or None."""
    current: object = OrganisationFile
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        else:  # a dict (a person's email, an account's key): step into its value type
            current = typing.get_args(current)[-1] if typing.get_args(current) else None
        args = [a for a in typing.get_args(current) if a is not type(None)]
        if typing.get_origin(current) in (typing.Union, types.UnionType) and args:
            current = args[0]
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _describe(error: dict) -> str:
    loc, kind, given = tuple(error["loc"]), error["type"], error.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        near = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        what = "unknown table" if len(loc) == 1 else "unknown key"
        if near:
            return f"{what} (did you mean `{near[0]}`?)"
        return f"{what} (expected one of {', '.join(allowed)})" if allowed else what
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "assertion_error":
        return str(error["ctx"]["error"])
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number{_unit(loc)}, got {_toml(given)}"
    if kind in ("string_type", "str_type"):
        return f"expected text in quotes, got {_toml(given)}"
    if kind == "list_type":
        return f"expected a list like [\"...\"], got {_toml(given)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a table, got {_toml(given)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"expected a whole number{_unit(loc)} {_limit(error)}, got {_toml(given)}"
    return error["msg"][:1].lower() + error["msg"][1:]


def _field(loc: tuple):
    model = _model_at(loc[:-1])
    return model.model_fields.get(loc[-1]) if model else None


def _unit(loc: tuple) -> str:
    field = _field(loc)
    return f" of {field.description}" if field is not None and field.description else ""


def _limit(error: dict) -> str:
    field = _field(tuple(error["loc"]))
    ge = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
    le = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), None)
    return f"from {ge} to {le}"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def problems(exc: ValidationError) -> list[str]:
    """One line a problem: `key.path: what is wrong`, in the order they appear in the file."""
    return [f"{key_path(tuple(e['loc']))}: {_describe(e)}" for e in exc.errors()]


def role_gaps(parsed: OrganisationFile) -> list[str]:
    """Roles that name nobody: the work routed to them reaches no one."""
    return [f"roles.{role}: names nobody ({ROLE_PURPOSE[role]})" for role in ROLES
            if role in ROLE_PURPOSE and not getattr(parsed.roles, role)]


# What goes unanswered when a role names nobody (the policy section that gives the role its work). A role left out
# here is optional (crisis_deputy_approvers: the appointed approver decides alone).
ROLE_PURPOSE = {
    "comms_team": "no one can approve account requests (2.5) or paid boosts (2.7), or lead a crisis (4.3)",
    "head_of_comms": "requests that wait too long for a decision have no one to escalate to (2.5)",
    "sfrs_business_support": "fire-service account requests have no one to approve them (8.2)",
    "information_management": "forwarded FOI, EIR and subject access requests have no owner (8.1)",
    "policy_owner": "no one gets the yearly policy review reminder (6.1)",
    "crisis_roster": "no one is on call to join a crisis room (4.3)",
    "budget_holders": "paid boosts have no one to authorise the spend (2.7)",
    "chief_fire_officer": "no SFRS professional or station account can be made official (8.2 5.5)",
    "sfrs_social_media_admin": "no one is given station accounts or told of fire-service leavers (8.2 2.3)",
}
