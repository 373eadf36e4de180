"""The reports' pure decisions: months and their first working day, durations, the policy's review dates (6.1)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from chat.errors import BadInput
from policy.sections import load_pack
from storage.models import Event

# What other workflows record (dialogs/check, approvals via accounts and boost, signoff, crisis/store.py,
# foi/store.py). The short names ("boost", "foi") are accepted too.
REQUESTS = {  # label: (subject kinds, actions that open one, {decision action: approved | rejected})
    "Account requests (2.5)": (("account_request",), ("submitted",), {"approved": "approved", "rejected": "rejected"}),
    "Boosts (2.7)": (("boost_request", "boost"), ("submitted",),
                     {"arranged": "approved", "approved": "approved", "rejected": "rejected"}),
    "Sign-offs (4.2)": (("signoff",), ("requested",), {"approved": "approved", "declined": "rejected",
                                                       "rejected": "rejected"}),
}
FOI_KINDS = ("foi_case", "foi")
FOI_RESPONSES = ("answered", "refused")          # outcomes that are a response to the requester
VERDICTS = {"stop": "stop", "sign_off": "get sign-off", "ok": "OK", "unknown": "no verdict recorded"}
TOP_CATEGORIES = 8
SETTING_KEY = "policy_review"
MAY_RECORD_REVIEW = ("policy_owner", "comms_team", "head_of_comms")


def month_start(d: date) -> date:
    return d.replace(day=1)


def previous_month(d: date) -> date:
    return month_start(month_start(d) - timedelta(days=1))


def next_month(d: date) -> date:
    return month_start(month_start(d) + timedelta(days=32))


def month_name(first: date) -> str:
    return f"{first:%B} {first.year}"


def first_working_day(first: date, cal) -> date:
    d = first
    while not cal.is_working_day(d):
        d += timedelta(days=1)
    return d


def local_midnight(d: date, tz) -> datetime:
    return datetime.combine(d, time(0), tzinfo=tz)


@dataclass
class Requests:
    approved: int = 0
    rejected: int = 0
    waits: list[timedelta] = field(default_factory=list)
    open_at_end: int = 0


@dataclass
class Monthly:
    first: date
    events: int = 0
    checks: int = 0
    reported_wrong: int = 0     # verdicts reported wrong with consent ("This verdict is wrong")
    verdicts: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    requests: dict[str, Requests] = field(default_factory=lambda: {k: Requests() for k in REQUESTS})
    crises_started: int = 0
    crises_ended: int = 0
    reviews_done: int = 0
    crises_active_at_end: int = 0
    foi_new: int = 0
    foi_on_time: int = 0
    foi_late: int = 0
    foi_unknown: int = 0
    foi_closed_otherwise: int = 0
    pauses: list[str] = field(default_factory=list)


def details_of(e: Event) -> dict:
    return e.details if isinstance(e.details, dict) else {}


def due_from(history: list[Event]) -> date | None:
    """The last due date an FOI case's events name (created, extended, clock restarted, recomputed)."""
    due = None
    for e in history:
        d = details_of(e)
        raw = d.get("to") if e.action == "due_recomputed" else d.get("due")
        if isinstance(raw, str):
            try:
                due = date.fromisoformat(raw[:10])
            except ValueError:
                continue
    return due


def how_long(t: timedelta) -> str:
    hours = t.total_seconds() / 3600
    if hours < 1:
        return "under an hour"
    if hours < 48:
        n = round(hours)
        return f"{n} hour{'s' if n != 1 else ''}"
    n = round(hours / 24)
    return f"{n} days"


def parse_month(raw: str, today: date) -> date:
    raw = raw.strip()
    if not raw:
        return previous_month(today)
    if not re.fullmatch(r"\d{4}-\d{2}", raw):
        raise BadInput(f"“{raw}” isn't a month I can read; write it as YYYY-MM, e.g. `/smpolicy summary 2026-11`.")
    try:
        return date(int(raw[:4]), int(raw[5:]), 1)
    except ValueError:
        raise BadInput(f"“{raw}” isn't a month I can read; write it as YYYY-MM, e.g. "
                       "`/smpolicy summary 2026-11`.") from None


_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\s+(\d{4})$")


def pack_approved() -> date | None:
    """The policy document's own date in the pack ("May 2024", "01/05/2024" or ISO), if it can be read."""
    raw = str(load_pack().documents.get("policy", {}).get("date", "")).strip()
    for fmt in ("%B %Y", "%b %Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def anniversary(approved: date, year: int) -> date:
    try:
        return approved.replace(year=year)
    except ValueError:          # 29 February
        return date(year, 2, 28)


def review_due(approved: date, today: date) -> date | None:
    """The latest anniversary of the approval that has come (never the approval day itself)."""
    for year in (today.year, today.year - 1):
        day = anniversary(approved, year)
        if approved < day <= today:
            return day
    return None


def next_review(approved: date, today: date) -> date:
    day = anniversary(approved, max(today.year, approved.year + 1))
    return day if day > today and day > approved else anniversary(approved, day.year + 1)
