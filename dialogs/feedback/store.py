"""The review queue in storage: a case is created only with the reporter's consent, reviewed once, and deleted
after the retention period. Every change writes one event, and no event carries the draft or either note. The
messages a change causes (the team's card, its updates) are queued in the outbox in the same transaction
(`then`), so they go exactly when the change happens."""
from __future__ import annotations

from datetime import datetime
from typing import Awaitable, Callable

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chat.errors import NotFound
from chat.services import Services
from storage.claims import once
from storage.events import record_event
from storage.models import Event
from storage.models.feedback import FeedbackCase

from .rules import Label, Report, new_ref

SUBJECT = "check_feedback"
BATCH = 500

Then = Callable[[AsyncSession, FeedbackCase], Awaitable[None]]   # queues the change's messages


async def create_case(svc: Services, report: Report, *, reporter: str, platform: str, profile: str,
                      has_image: bool, checker_verdict: str, checker_categories: list[str], then: Then,
                      request_key: str | None = None) -> FeedbackCase:
    """With the delivery's `request_key`, a second run of the same submission (the inbox re-running it after a
    crash) raises storage.claims.Repeated instead of queueing the case twice."""
    now = svc.now()
    for _ in range(5):   # a random reference that clashes (one in four billion) takes another
        try:
            async with svc.db.transaction() as s:
                if request_key:
                    await once(s, f"feedback:{request_key}", now)
                case = FeedbackCase(
                    ref=new_ref(), reporter=reporter, platform=platform, draft=report.draft, profile=profile,
                    has_image=has_image, checker_verdict=checker_verdict, checker_categories=checker_categories,
                    correction=report.correction, correction_category=report.category, note=report.note,
                    state="pending", cards=[], created_at=now)
                s.add(case)
                await s.flush()
                await record_event(s, at=now, actor=reporter, subject_kind=SUBJECT, subject_id=case.ref,
                                   action="reported", to_state="pending",
                                   details={"checker_verdict": checker_verdict, "checker_categories": checker_categories,
                                            "correction": report.correction, "category": report.category,
                                            "profile": profile, "has_image": has_image, "platform": platform,
                                            "has_note": bool(report.note)})
                await then(s, case)
            return case
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a feedback reference")


async def get_case(svc: Services, ref: str) -> FeedbackCase:
    async with svc.db.sessions() as s:
        case = await s.scalar(select(FeedbackCase).where(FeedbackCase.ref == ref))
    if case is None:
        raise NotFound("I can't find that case any more: reported verdicts are deleted after "
                       f"{svc.config.feedback_retention_days} days, reviewed or not.")
    return case


async def add_card(session: AsyncSession, ref: str, card: dict) -> None:
    """Where a copy of the team's card landed (the outbox's receipt, as it records the card sent)."""
    case = await session.scalar(select(FeedbackCase).where(FeedbackCase.ref == ref))
    if case is not None:   # deleted already: nothing to remember
        case.cards = [*case.cards, card]


async def review_case(svc: Services, ref: str, reviewer: str, label: Label, corpus_text: str,
                      corpus_note: str | None, then: Then) -> tuple[FeedbackCase, bool]:
    """Review once: (the case as it now stands, whether this call reviewed it)."""
    now = svc.now()
    async with svc.db.transaction() as s:
        result = await s.execute(
            update(FeedbackCase).where(FeedbackCase.ref == ref, FeedbackCase.state == "pending")
            .values(state="reviewed", decision=label.decision, final_verdict=label.verdict,
                    final_categories=label.categories, corpus_text=corpus_text, corpus_note=corpus_note,
                    reviewed_by=reviewer, reviewed_at=now)
            .execution_options(synchronize_session=False))
        applied = result.rowcount == 1
        if applied:
            await record_event(s, at=now, actor=reviewer, subject_kind=SUBJECT, subject_id=ref, action="reviewed",
                               from_state="pending", to_state="reviewed",
                               details={"decision": label.decision, "verdict": label.verdict,
                                        "categories": label.categories})
            case = await s.scalar(select(FeedbackCase).where(FeedbackCase.ref == ref)
                                  .execution_options(populate_existing=True))
            await then(s, case)
    return await get_case(svc, ref), applied


async def pending_cases(svc: Services, limit: int = 20) -> tuple[list[FeedbackCase], int]:
    """The oldest waiting cases (up to `limit`) and how many are waiting in all."""
    async with svc.db.sessions() as s:
        total = await s.scalar(select(func.count()).select_from(FeedbackCase)
                               .where(FeedbackCase.state == "pending"))
        rows = list(await s.scalars(select(FeedbackCase).where(FeedbackCase.state == "pending")
                                    .order_by(FeedbackCase.created_at, FeedbackCase.id).limit(limit)))
    return rows, int(total or 0)


async def reviewed_cases(svc: Services) -> list[FeedbackCase]:
    async with svc.db.sessions() as s:
        return list(await s.scalars(select(FeedbackCase).where(FeedbackCase.state == "reviewed")
                                    .order_by(FeedbackCase.reviewed_at, FeedbackCase.id)))


async def counts_between(svc: Services, start: datetime, end: datetime) -> tuple[int, int]:
    """(checks made, verdicts reported wrong) between two instants, from the event log."""
    async with svc.db.sessions() as s:
        checks = await s.scalar(select(func.count()).select_from(Event).where(
            Event.subject_kind == "check", Event.at >= start, Event.at < end))
        reported = await s.scalar(select(func.count()).select_from(Event).where(
            Event.subject_kind == SUBJECT, Event.action == "reported", Event.at >= start, Event.at < end))
    return int(checks or 0), int(reported or 0)


async def purge_before(svc: Services, cutoff: datetime, now: datetime,
                       then: Callable[[AsyncSession, str, list], Awaitable[None]]) -> int:
    """Delete every case reported before `cutoff`, reviewed or not, with one event each; `then(session, ref,
    cards)` queues what its channel cards should now say. Returns how many were deleted."""
    purged = 0
    while True:
        async with svc.db.transaction() as s:
            rows = (await s.execute(select(FeedbackCase.id, FeedbackCase.ref, FeedbackCase.state, FeedbackCase.cards)
                                    .where(FeedbackCase.created_at < cutoff)
                                    .order_by(FeedbackCase.id).limit(BATCH))).all()
            if not rows:
                return purged
            await s.execute(delete(FeedbackCase).where(FeedbackCase.id.in_([r.id for r in rows]))
                            .execution_options(synchronize_session=False))
            for row in rows:
                await record_event(s, at=now, actor="system", subject_kind=SUBJECT, subject_id=row.ref,
                                   action="purged", from_state=row.state,
                                   details={"days": svc.config.feedback_retention_days})
                await then(s, row.ref, list(row.cards or []))
        purged += len(rows)
