"""Retention: a closed case keeps its reference, dates and outcome; the question, the requester's handle and
email, and the link to their post are removed once it has been closed for `foi_retention_months`."""
from __future__ import annotations

import calendar as gregorian
from datetime import date

from sqlalchemy import select, update

from chat.services import Services
from storage.events import record_event
from storage.models.foi import FoiCase

from .digest import start_of_day
from .store import SUBJECT

BATCH = 500


def months_before(day: date, months: int) -> date:
    """The same date `months` earlier; the month's last day when there is no such date."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, gregorian.monthrange(year, month + 1)[1]))


async def remove_old_personal_data(svc: Services, now) -> int:
    cutoff = start_of_day(months_before(now.astimezone(svc.config.tz).date(), svc.config.foi_retention_months),
                          svc.config.tz)
    removed = 0
    while True:
        async with svc.db.transaction() as s:
            rows = (await s.execute(select(FoiCase.id, FoiCase.reference).where(
                FoiCase.state == "closed", FoiCase.redacted_at.is_(None), FoiCase.closed_at < cutoff)
                .order_by(FoiCase.id).limit(BATCH))).all()
            if not rows:
                return removed
            await s.execute(update(FoiCase).where(FoiCase.id.in_([r.id for r in rows]),
                                                  FoiCase.redacted_at.is_(None))
                            .values(question=None, requester_handle=None, requester_email=None, link=None,
                                    redacted_at=now).execution_options(synchronize_session=False))
            for row in rows:
                await record_event(s, at=now, actor="system", subject_kind=SUBJECT, subject_id=row.reference,
                                   action="personal_data_removed",
                                   details={"months": svc.config.foi_retention_months})
        removed += len(rows)
