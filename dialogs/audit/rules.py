"""The audit export's pure decisions: the period, what a row shows, and never the text of a post (3.4, 6.2)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from chat.errors import BadInput
from chat.quoting import inert
from storage.models import Event

FORMATS = ("csv", "jsonl")
COLUMNS = ("id", "when", "who", "subject", "subject_id", "action", "from_state", "outcome", "details")
# Detail keys that can hold free text typed or pasted by a person.
FREE_TEXT_KEYS = frozenset({"text", "draft", "post", "post_text", "content", "body", "message", "question",
                            "snippet"})
CHAT_MAX_DAYS = 366          # a chat upload stays a sensible size; the command line takes any range
MAY_EXPORT = ("comms_team", "head_of_comms")


@dataclass(frozen=True)
class Period:
    first: date
    last: date               # inclusive

    def bounds(self, tz) -> tuple[datetime, datetime]:
        """Local midnight at the start of the first day to local midnight after the last."""
        return (datetime.combine(self.first, time(0), tzinfo=tz),
                datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=tz))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def parse_period(first: str, last: str, *, names: tuple[str, str] = ("FROM", "TO")) -> Period:
    """Two ISO dates, the first not after the last; BadInput says which one is wrong."""
    found = []
    for raw, name in zip((first, last), names):
        try:
            found.append(date.fromisoformat((raw or "").strip()))
        except ValueError:
            raise BadInput(f"{name}: expected a date like 2026-12-01, got {inert(repr(raw))}") from None
    if found[0] > found[1]:
        raise BadInput(f"{names[0]} ({found[0].isoformat()}) is after {names[1]} ({found[1].isoformat()})")
    return Period(*found)


def redact(details):
    """Free-text values replaced by "[N characters not exported]", at any depth."""
    if isinstance(details, dict):
        return {k: (f"[{len(str(v))} characters not exported]" if k.lower() in FREE_TEXT_KEYS and v
                    else redact(v)) for k, v in details.items()}
    if isinstance(details, list):
        return [redact(v) for v in details]
    return details


def as_row(event: Event, tz) -> dict:
    return {
        "id": event.id,
        "when": event.at.astimezone(tz).isoformat(timespec="seconds"),
        "who": event.actor,
        "subject": event.subject_kind,
        "subject_id": event.subject_id,
        "action": event.action,
        "from_state": event.from_state or "",
        "outcome": event.to_state or "",
        "details": redact(event.details or {}),
    }


def cell(value) -> str:
    """A spreadsheet must not run a cell as a formula (auditors open these in Excel)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True) \
        if isinstance(value, (dict, list)) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def parse_chat_args(args: str) -> tuple[Period, str]:
    """`export FROM TO [csv|jsonl]`."""
    words = args.split()
    if not words or words[0].lower() != "export" or len(words) not in (3, 4):
        raise BadInput("Use `/smpolicy audit export FROM TO [csv|jsonl]` with dates as YYYY-MM-DD, for example "
                       "`/smpolicy audit export 2026-11-01 2026-11-30`. The file has every recorded event: who, "
                       "when, what and the outcome (6.2).")
    try:
        period = parse_period(words[1], words[2])
    except BadInput as exc:
        raise BadInput(f"I couldn't read the dates: {exc.message}. Write them as YYYY-MM-DD.") from None
    fmt = words[3].lower() if len(words) == 4 else "csv"
    if fmt not in FORMATS:
        raise BadInput(f"The format can be csv or jsonl, not “{words[3]}”.")
    if period.days > CHAT_MAX_DAYS:
        raise BadInput(f"That's {period.days} days; in chat I export up to a year at a time. For longer, an "
                       "operator can run `python -m bot audit export --from DATE --to DATE`.")
    return period, fmt
