"""The audit trail export (6.2: "Compliance with this policy ... will be subject to corporate review by Internal
Audit"): every event between two dates, as CSV or JSON Lines, with who, when, what and the outcome.

Never the text of a checked post: the checker's events hold a hash, its verdict and its categories only
(dialogs/checking.py). As a second guard, free-text detail keys another workflow might add (a note, a draft)
are replaced by their length here, so a file given to auditors cannot carry a post or someone's personal data.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import AsyncIterator, TextIO

from sqlalchemy import and_, or_, select

from chat.messages import UploadFile
from storage.events import record_event
from storage.models import Event

from chat.errors import BadInput, NotAllowed

FORMATS = ("csv", "jsonl")
COLUMNS = ("id", "when", "who", "subject", "subject_id", "action", "from_state", "outcome", "details")
# Detail keys that can hold free text typed or pasted by a person.
FREE_TEXT_KEYS = frozenset({"text", "draft", "post", "post_text", "content", "body", "message", "question",
                            "snippet"})
BATCH = 500                  # rows read per query: a year's trail is streamed, never held in memory
CHAT_MAX_DAYS = 366          # a chat upload stays a sensible size; the command line takes any range
MAY_EXPORT = ("comms_team", "head_of_comms")
TEAMS_SHOWN = 20_000         # Teams shows a bot's "file" as text, cut at this many characters


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
            raise BadInput(f"{name}: expected a date like 2026-12-01, got {raw!r}") from None
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


async def iter_events(db, start: datetime, end: datetime) -> AsyncIterator[Event]:
    """Events with start <= at < end in time order, read in batches (keyset on (at, id))."""
    last: tuple[datetime, int] | None = None
    while True:
        query = select(Event).where(Event.at >= start, Event.at < end)
        if last is not None:
            query = query.where(or_(Event.at > last[0], and_(Event.at == last[0], Event.id > last[1])))
        async with db.sessions() as session:
            rows = list(await session.scalars(query.order_by(Event.at, Event.id).limit(BATCH)))
        for row in rows:
            yield row
        if len(rows) < BATCH:
            return
        last = (rows[-1].at, rows[-1].id)


def _cell(value) -> str:
    """A spreadsheet must not run a cell as a formula (auditors open these in Excel)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True) \
        if isinstance(value, (dict, list)) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def write(db, period: Period, tz, fmt: str, out: TextIO) -> int:
    """Write the period's events to `out`; returns how many."""
    if fmt not in FORMATS:
        raise BadInput(f"the format can be {' or '.join(FORMATS)}, not {fmt!r}")
    start, end = period.bounds(tz)
    writer = None
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
    count = 0
    async for event in iter_events(db, start, end):
        row = as_row(event, tz)
        if writer is not None:
            writer.writerow([_cell(row[c]) for c in COLUMNS])
        else:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


# --- the chat command --------------------------------------------------------------------------------------------

def parse_chat_args(args: str) -> tuple[Period, str]:
    """`export FROM TO [csv|jsonl]`."""
    words = args.split()
    if not words or words[0].lower() != "export" or len(words) not in (3, 4):
        raise BadInput("Use `audit export FROM TO [csv|jsonl]` with dates as YYYY-MM-DD, for example "
                       "`audit export 2026-11-01 2026-11-30`. The file has every recorded event: who, when, what "
                       "and the outcome (6.2).")
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


async def export_for_chat(svc, actor: str | None, args: str, platform: str) -> UploadFile:
    if not svc.config.has_role(actor, *MAY_EXPORT):
        raise NotAllowed("Only the Communications Team can export the audit trail (6.2).")
    period, fmt = parse_chat_args(args)
    buffer = io.StringIO()
    count = await write(svc.db, period, svc.config.tz, fmt, buffer)
    # Who took a copy of the trail, and of what, is itself part of the trail.
    async with svc.db.transaction() as session:
        await record_event(session, at=svc.now(), actor=actor, subject_kind="audit",
                           subject_id=f"{period.first.isoformat()}/{period.last.isoformat()}", action="exported",
                           details={"format": fmt, "events": count, "platform": platform})
    content = buffer.getvalue().encode("utf-8")
    span = f"{period.first.isoformat()} to {period.last.isoformat()}"
    comment = (f"{count} event(s) from {span}: who, when, what and the outcome (6.2). No checked post's text "
               "is ever recorded.")
    if platform == "teams" and len(content) > TEAMS_SHOWN:
        comment += (" Teams shows only the start of a file from a bot; for all of it, an operator can run "
                    f"`python -m bot audit export --from {period.first} --to {period.last} --format {fmt}`.")
    return UploadFile(filename=f"smpolicy-audit-{period.first}-to-{period.last}.{fmt}", content=content,
                      title=f"Audit trail {span}", comment=comment)
