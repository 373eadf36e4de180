"""Security reports: filed once per verdict (its token is unique), and the email's progress, each change with
its event. Never the post or the secret: only the reference, who, when and the kinds of material."""
from __future__ import annotations

from datetime import datetime
from typing import Awaitable, Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from chat.services import Services
from storage.events import record_event
from storage.models.security import SecurityReport

from .rules import Offer, reference

SUBJECT = "security_report"


async def by_token(svc: Services, token: str) -> SecurityReport | None:
    async with svc.db.sessions() as s:
        return await s.scalar(select(SecurityReport).where(SecurityReport.token == token))


async def by_id(svc: Services, report_id: int) -> SecurityReport | None:
    async with svc.db.sessions() as s:
        return await s.get(SecurityReport, report_id)


async def file(svc: Services, offer: Offer, reporter: str, platform: str,
               then: Callable[..., Awaitable[None]] | None = None) -> tuple[SecurityReport, bool]:
    """(the report, whether this call filed it). A second click, or two at once, finds the first. `then(session,
    row)` queues what a new report causes (its email) in the transaction that files it."""
    found = await by_token(svc, offer.token)
    if found is not None:
        return found, False
    now = svc.now()
    try:
        async with svc.db.transaction() as s:
            row = SecurityReport(token=offer.token, reporter=reporter, platform=platform,
                                 categories=list(offer.categories), email_state="pending", email_attempts=0,
                                 created_at=now)
            s.add(row)
            await s.flush()
            row.reference = reference(svc.local_now().year, row.id)
            await record_event(s, at=now, actor=reporter, subject_kind=SUBJECT, subject_id=row.reference,
                               action="reported", to_state="pending",
                               details={"categories": list(offer.categories), "platform": platform})
            if then is not None:
                await then(s, row)
    except IntegrityError:      # the other click won the race
        return await by_token(svc, offer.token), False
    return row, True


async def mark_emailed(svc: Services, report_id: int, sent: bool, reason: str | None = None) -> bool:
    """Record one attempt; True if this call marked it sent (a retry racing a click marks it once)."""
    async with svc.db.transaction() as s:
        values: dict = {"email_attempts": SecurityReport.email_attempts + 1}
        if sent:
            values.update(email_state="sent", emailed_at=svc.now())
        result = await s.execute(update(SecurityReport)
                                 .where(SecurityReport.id == report_id, SecurityReport.email_state == "pending")
                                 .values(**values).execution_options(synchronize_session=False))
        changed = result.rowcount == 1
        if changed:
            row = await s.get(SecurityReport, report_id)
            if sent or row.email_attempts == 1:
                await record_event(s, at=svc.now(), actor="system", subject_kind=SUBJECT,
                                   subject_id=row.reference, action="emailed" if sent else "email_failed",
                                   details={} if sent else {"reason": (reason or "")[:200]})
        return changed and sent


async def unsent(svc: Services, before: datetime, limit: int = 100) -> list[SecurityReport]:
    async with svc.db.sessions() as s:
        return list(await s.scalars(select(SecurityReport)
                                    .where(SecurityReport.email_state == "pending",
                                           SecurityReport.created_at < before)
                                    .order_by(SecurityReport.id).limit(limit)))
