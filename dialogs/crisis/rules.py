"""The crisis workflow's pure decisions (§4.3): who the group is, which crisis a command names, names as ids.

No storage and no platform: each function takes what it needs and returns an answer, so it can be tested alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from chat.errors import BadInput
from chat.messages import PersonRef

from .messages import RESPONSE_LABELS

COMMS_ROLES = ("comms_team", "head_of_comms", "crisis_roster")
_LEADING_ID = re.compile(r"^#?(\d{1,9})(?:\s+|$)")


@dataclass(frozen=True)
class Wanted:
    email: str
    role: str


def comms_candidates(config) -> list[str]:
    """The crisis roster in order (the first reachable one joins); the Communications Team if none is set."""
    return list(config.members("crisis_roster")) or list(config.members("comms_team"))


def group_for(config, starter: str | None, account_keys: list[str]) -> list[Wanted]:
    """Everyone but the Communications Team member, in the order the policy lists them (duplicates dropped)."""
    wanted: list[Wanted] = []
    if starter:
        wanted.append(Wanted(starter, "starter"))
    manager = config.manager_of(starter)
    if manager:
        wanted.append(Wanted(manager, "manager"))
    for key in account_keys:
        contacts = config.accounts.get(key)
        if contacts is None:
            continue
        for role in ("service_lead", "cabinet_member", "local_councillor"):
            email = getattr(contacts, role)
            if email:
                wanted.append(Wanted(email, role))
    seen: set[str] = set()
    out = []
    for w in wanted:
        if w.email.lower() not in seen:
            seen.add(w.email.lower())
            out.append(Wanted(w.email.lower(), w.role))
    return out


def is_comms(config, email: str | None) -> bool:
    return config.has_role(email, *COMMS_ROLES)


def person_key(ref: PersonRef, email: str | None) -> str:
    return email or f"{ref.platform}:{ref.user_id}"


def unique(items):
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:40] or "account"


def split_id(args: str, bare_ok: bool) -> tuple[int | None, str]:
    """`#3 rest` -> (3, 'rest'); a bare `3` only where the command takes no other text."""
    args = (args or "").strip()
    found = _LEADING_ID.match(args)
    if found and (args.startswith("#") or bare_ok):
        return int(found.group(1)), args[found.end():].strip()
    return None, args


def message_time(raw: str | None) -> str | None:
    """Slack gives an epoch `ts`, Teams an ISO time; the timeline keeps ISO in UTC."""
    if not raw:
        return None
    try:
        return datetime.fromtimestamp(float(raw), timezone.utc).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(timezone.utc).isoformat()
    except ValueError:
        return None


def button_value(value: str | None) -> tuple[int, list[str]]:
    """A crisis button's value, `<crisis id>:<more>:...` -> (crisis id, [more, ...])."""
    head, *rest = (value or "").split(":")
    if not head.isdigit():
        raise BadInput("That button is not one I recognise.")
    return int(head), rest


def checklist_button(value: str | None) -> tuple[int, str]:
    """A response-checklist button, `<crisis id>:<item>` -> (crisis id, item)."""
    crisis_id, _, item = (value or "").partition(":")
    if item not in RESPONSE_LABELS or not crisis_id.isdigit():
        raise BadInput("That checklist button is not one I recognise.")
    return int(crisis_id), item


def snooze_button(value: str | None) -> tuple[int, str, int]:
    """A snooze button, `<crisis id>:<checkin|evening>:<minutes>` -> (crisis id, prompt, minutes)."""
    crisis_id, rest = button_value(value)
    kind, minutes = (rest + ["checkin", "30"])[:2]
    if kind not in ("checkin", "evening") or not minutes.isdigit() or not 5 <= int(minutes) <= 240:
        raise BadInput("That snooze button is not one I recognise.")
    return crisis_id, kind, int(minutes)


def review_id(raw: str | None) -> int:
    if not (raw or "").isdigit():
        raise BadInput("That review is not one I recognise.")
    return int(raw)
