"""FOI cases in storage: create one with a unique reference, and every state change after it.

Each change is a conditional UPDATE (only from the states it makes sense from) checked by its row count, so a
double click or two processes applying the same change apply it once; the later one is told who did it.
Every change writes one event, and no event carries the question or the requester's details.
"""
from __future__ import annotations

import asyncio
import random
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from chat import logcontext
from chat.errors import BadInput, NotAllowed, NotFound
from chat.quoting import inert
from chat.services import Services
from storage.events import record_event
from storage.models.foi import FoiCase

from .rules import (OPEN_STATES, OUTCOMES, SHORT_KIND, Submission, calendar_kind, compute_due, day_text,
                    normalise_reference, paused_between, reference)

SUBJECT = "foi_case"
DUPLICATE_WINDOW = timedelta(minutes=10)   # the same question sent twice by one person in this time is one case


async def create_case(svc: Services, sub: Submission, owner_email: str, created_by: str, cal,
                      then=None) -> tuple[FoiCase, bool]:
    """(case, created). The reference is the year's next number; a clash with another process retries.
    `then(session, case)` queues what a new case causes, in the transaction that creates it."""
    now, year = svc.now(), svc.today().year
    due = compute_due(sub.received, sub.kind, False, 0, cal)
    for attempt in range(25):
        try:
            async with svc.db.transaction() as s:
                twin = await s.scalar(select(FoiCase).where(
                    FoiCase.created_by == created_by, FoiCase.received == sub.received,
                    FoiCase.created_at >= now - DUPLICATE_WINDOW, FoiCase.question == sub.question).limit(1))
                if twin is not None:
                    return twin, False
                seq = (await s.scalar(select(func.max(FoiCase.seq)).where(FoiCase.year == year)) or 0) + 1
                case = FoiCase(
                    reference=reference(year, seq), year=year, seq=seq, kind=sub.kind, extended=False,
                    state="open", received=sub.received, due=due, paused_days=0, owner_email=owner_email,
                    created_by=created_by, created_at=now, source_platform=sub.source_platform,
                    visibility=sub.visibility, link=sub.link, question=sub.question,
                    requester_handle=sub.requester_handle, requester_email=sub.requester_email,
                    email_state="pending", email_attempts=0, creator_waiting=False)
                s.add(case)
                await s.flush()
                await record_event(s, at=now, actor=created_by, subject_kind=SUBJECT, subject_id=case.reference,
                                   action="created", to_state="open",
                                   details={"kind": sub.kind, "received": sub.received.isoformat(),
                                            "due": due.isoformat(), "source": sub.source_platform,
                                            "visibility": sub.visibility, "owner": owner_email})
                if then is not None:
                    await then(s, case)
            return case, True
        except IntegrityError:
            # Another process took this number first: read the new highest and try again.
            await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
    raise RuntimeError("could not allocate an FOI reference after 25 attempts")


def parse_reference(raw: str | None) -> str:
    ref = normalise_reference(raw)
    if ref is None:
        raise BadInput(f"`{inert(raw)}` isn't a case reference; they look like FOI-2026-0001.")
    logcontext.about(ref)
    return ref


async def get_case(svc: Services, ref: str) -> FoiCase:
    async with svc.db.sessions() as s:
        case = await s.scalar(select(FoiCase).where(FoiCase.reference == ref))
    if case is None:
        raise NotFound(f"I can't find case {ref}. Check the reference in your daily reminder or your list of cases (8.1).")
    return case


def may_manage(svc: Services, case: FoiCase, email: str | None) -> bool:
    """The owner, or Information Management (8.1: they handle every request)."""
    return bool(email) and (email == case.owner_email or svc.config.has_role(email, "information_management"))


def _check_allowed(svc: Services, case: FoiCase, email: str | None, doing: str) -> None:
    if not may_manage(svc, case, email):
        raise NotAllowed(f"Only the case owner ({svc.config.display_name(case.owner_email)}) or Information "
                         f"Management can {doing} {case.reference}.")


async def _change(svc: Services, ref: str, actor: str, action: str, *, allowed_from: tuple[str, ...], values: dict,
                  extra_where=(), details: dict | None = None, to_state: str | None = None) -> tuple[FoiCase, bool]:
    """Apply one conditional change and its event; (case as it is now, whether this call changed it)."""
    async with svc.db.transaction() as s:
        case = await s.scalar(select(FoiCase).where(FoiCase.reference == ref))
        if case is None:
            raise NotFound(f"I can't find case {ref}. Check the reference in your daily reminder or your list of cases (8.1).")
        before = case.state
        result = await s.execute(
            update(FoiCase).where(FoiCase.id == case.id, FoiCase.state.in_(allowed_from), *extra_where)
            .values(**values).execution_options(synchronize_session=False))
        changed = result.rowcount == 1
        if changed:
            await record_event(s, at=svc.now(), actor=actor, subject_kind=SUBJECT, subject_id=ref, action=action,
                               from_state=before, to_state=to_state or values.get("state", before),
                               details=details or {})
    async with svc.db.sessions() as s:
        fresh = await s.scalar(select(FoiCase).where(FoiCase.reference == ref))
    return fresh, changed


async def close_case(svc: Services, ref: str, by: str, outcome: str = "answered") -> tuple[FoiCase, bool]:
    if outcome not in OUTCOMES:
        raise BadInput(f"The outcome can be {', '.join(OUTCOMES)}; `{inert(outcome)}` isn't one of them.")
    case = await get_case(svc, ref)
    _check_allowed(svc, case, by, "close")
    return await _change(svc, ref, by, "closed", allowed_from=OPEN_STATES,
                         values={"state": "closed", "closed_at": svc.now(), "closed_by": by, "outcome": outcome,
                                 "paused_since": None}, details={"outcome": outcome})


async def reassign_case(svc: Services, ref: str, by: str, new_owner: str) -> tuple[FoiCase, bool]:
    case = await get_case(svc, ref)
    _check_allowed(svc, case, by, "reassign")
    if case.state not in OPEN_STATES:
        raise BadInput(f"{ref} is closed, so there is nobody to hand it to.")
    if new_owner == case.owner_email:
        raise BadInput(f"{svc.config.display_name(new_owner)} already owns {ref}.")
    return await _change(svc, ref, by, "reassigned", allowed_from=OPEN_STATES, values={"owner_email": new_owner},
                         extra_where=(FoiCase.owner_email == case.owner_email,),
                         details={"from": case.owner_email, "to": new_owner})


async def clarify_case(svc: Services, ref: str, by: str) -> tuple[FoiCase, bool]:
    case = await get_case(svc, ref)
    _check_allowed(svc, case, by, "stop the clock on")
    if case.state == "closed":
        raise BadInput(f"{ref} is closed.")
    return await _change(svc, ref, by, "clock_stopped", allowed_from=("open",),
                         values={"state": "clarifying", "paused_since": svc.today()},
                         details={"since": svc.today().isoformat()})


async def resume_case(svc: Services, ref: str, by: str, cal) -> tuple[FoiCase, bool]:
    case = await get_case(svc, ref)
    _check_allowed(svc, case, by, "restart the clock on")
    if case.state != "clarifying":
        raise BadInput(f"The clock on {ref} isn't stopped" + (" (it is closed)." if case.state == "closed" else "."))
    today = svc.today()
    if case.kind == "sar":
        # Subject access: the clock pauses while waiting, so the days waited are added (ICO guidance).
        paused = case.paused_days + paused_between(case.kind, case.paused_since or today, today, cal)
    else:
        # FOI s1(3) and EIR reg 9(4): nothing is owed until the clarification arrives, so the working days start
        # again from the day after it does. Counting every working day since receipt as paused does exactly that.
        paused = cal.working_days_between(case.received, today)
    due = compute_due(case.received, case.kind, case.extended, paused, cal)
    return await _change(svc, ref, by, "clock_restarted", allowed_from=("clarifying",),
                         values={"state": "open", "paused_since": None, "paused_days": paused, "due": due},
                         details={"paused_days": paused, "due": due.isoformat()})


async def extend_case(svc: Services, ref: str, by: str, cal) -> tuple[FoiCase, bool]:
    """EIR reg 7: 40 working days for a complex and voluminous request, told to the requester in the first 20."""
    case = await get_case(svc, ref)
    _check_allowed(svc, case, by, "extend")
    if case.kind != "eir":
        raise BadInput(f"Only EIR requests can be extended (EIR reg 7); {ref} is {SHORT_KIND[case.kind]}.")
    if case.state == "closed":
        raise BadInput(f"{ref} is closed.")
    if not case.extended:
        first_deadline = compute_due(case.received, "eir", False, case.paused_days, cal)
        if svc.today() > first_deadline:
            raise BadInput(f"It's too late to extend {ref}: the requester had to be told within 20 working days "
                           f"(by {day_text(first_deadline)}; EIR reg 7(3)).")
    due = compute_due(case.received, "eir", True, case.paused_days, cal)
    return await _change(svc, ref, by, "extended", allowed_from=OPEN_STATES,
                         values={"extended": True, "due": due}, extra_where=(FoiCase.extended.is_(False),),
                         details={"due": due.isoformat()})


async def open_cases(svc: Services, owner: str | None = None) -> list[FoiCase]:
    query = select(FoiCase).where(FoiCase.state.in_(OPEN_STATES)).order_by(FoiCase.due, FoiCase.id)
    if owner:
        query = query.where(FoiCase.owner_email == owner)
    async with svc.db.sessions() as s:
        return list(await s.scalars(query))


async def recompute_due_dates(svc: Services, cal, actor: str) -> list[tuple[str, str, date, date]]:
    """After the calendar changed: new due dates for open cases; (owner, reference, old, new) for each change."""
    changed = []
    async with svc.db.transaction() as s:
        rows = (await s.execute(select(FoiCase.id, FoiCase.reference, FoiCase.owner_email, FoiCase.received,
                                       FoiCase.kind, FoiCase.extended, FoiCase.paused_days, FoiCase.due)
                                .where(FoiCase.state.in_(OPEN_STATES)))).all()
        for cid, ref, owner, received, kind, extended, paused, old in rows:
            new = compute_due(received, kind, extended, paused, cal)
            if new == old:
                continue
            await s.execute(update(FoiCase).where(FoiCase.id == cid).values(due=new)
                            .execution_options(synchronize_session=False))
            await record_event(s, at=svc.now(), actor=actor, subject_kind=SUBJECT, subject_id=ref,
                               action="due_recomputed", details={"from": old.isoformat(), "to": new.isoformat(),
                                                                "rule": calendar_kind(kind, extended)})
            changed.append((owner, ref, old, new))
    return changed
