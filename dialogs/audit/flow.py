"""The audit trail (6.2): every recorded event in a period as CSV or JSON Lines, from chat (`audit export`,
the Communications Team) and the command line. Who took a copy, and of what, is itself recorded."""
from __future__ import annotations

import csv
import io
import json
from typing import TextIO

from chat.errors import BadInput, NotAllowed
from chat.messages import UploadFile
from chat.quoting import inert
from chat.services import Services
from storage.events import record_event

from .messages import export_file
from .rules import COLUMNS, FORMATS, MAY_EXPORT, Period, as_row, cell, parse_chat_args
from .store import iter_events


async def write(db, period: Period, tz, fmt: str, out: TextIO) -> int:
    """Write the period's events to `out`; returns how many."""
    if fmt not in FORMATS:
        raise BadInput(f"the format can be {' or '.join(FORMATS)}, not {inert(repr(fmt))}")
    start, end = period.bounds(tz)
    writer = None
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
    count = 0
    async for event in iter_events(db, start, end):
        row = as_row(event, tz)
        if writer is not None:
            writer.writerow([cell(row[c]) for c in COLUMNS])
        else:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


async def export_for_chat(svc: Services, actor: str | None, args: str, platform: str) -> UploadFile:
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
    return export_file(period, fmt, count, buffer.getvalue().encode("utf-8"), platform)
