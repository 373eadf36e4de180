"""The approval card shared by account requests (2.3, 2.5, 3.7, 8.2 2.3) and boosts (2.7).

Each kind of request (an account request, a boost) is a RequestKind its own workflow defines; the kinds the card
serves are listed once, in handlers/approvals.py, and passed in. A request walks through fixed steps (decided when
it is made). Each step's approvers get a card with Approve / Reject / Ask for more information; every copy of the
card is updated in place when anyone acts. Decisions are conditional UPDATEs on (state, step), so a double click
or a retried request is applied once and the later clicker is told who decided. Undecided steps are chased after
2 working days and escalated after 5."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update

from chat.errors import NotAllowed, NotFound
from chat.messages import Button, Buttons, Message, MessageRef, Text, message
from chat.services import Services
from chat.wording import display_names, when
from chat.workdays import working_calendar
from storage.events import record_event
from storage.models.accounts import ApprovalCard, ApprovalRequest

from .messages import card, status_line
from .rules import (AlreadyDecided, CHASE_AFTER, ESCALATE_AFTER, INFO, PENDING, REJECTED, RequestKind, RequestKinds,
                    Step, approvers, check_may_decide, parse_value, people_in, same_deciders, steps_of, subject_kind)
from .store import load, store_cards, transition

log = logging.getLogger(__name__)


async def announce(svc: Services, wf: RequestKind, req: ApprovalRequest, *, lead: str | None = None,
                   claim: tuple[str, str] | None = None, to: list[str] | None = None, audience: str = "approvers",
                   actionable: bool = True) -> int:
    """Send the current step's card to its approvers (its channel, else DMs); remember each copy.

    `claim=(kind, day)` makes the send once-only per day (chasers); `to` sends to these people instead;
    `actionable=False` leaves the buttons off (for someone who may not decide, told for information)."""
    step = steps_of(req)[req.step]
    card_step = req.step if actionable else -1
    msg = await card(svc, wf, req, card_step, lead)
    item = f"{req.id}:{req.step}"
    refs: list[MessageRef] = []
    configured = svc.config.channels.get(step.channel or "", {}) if to is None else {}
    for platform in configured:
        if not svc.notifier.connected(platform):
            continue
        try:  # one platform failing must not lose the other's card
            refs += await svc.notifier.post(step.channel, msg, platform=platform,
                                            claim=(claim[0], item, claim[1]) if claim else None)
        except Exception as exc:
            log.warning("could not post %s to %s on %s: %s", wf.ref(req), step.channel, platform, exc)
    if not configured:
        for email in (to if to is not None else approvers(svc, step)):
            if email == req.requester:
                continue
            try:
                sent = await svc.notifier.dm(email, msg, claim=(claim[0], f"{item}:{email}", claim[1])
                                             if claim else None)
            except Exception as exc:
                log.warning("could not send %s to %s: %s", wf.ref(req), email, exc)
                sent = None
            if sent:
                refs.append(sent)
    await store_cards(svc, req.id, card_step, refs, audience)
    return len(refs)


async def refresh(svc: Services, kinds: RequestKinds, req_id: int) -> None:
    """Update every copy of the card so everyone sees who decided and when."""
    async with svc.db.sessions() as s:
        req = await s.get(ApprovalRequest, req_id)
        cards = list(await s.scalars(select(ApprovalCard).where(ApprovalCard.request_id == req_id)))
    wf = kinds.of(req)
    rendered: dict[int, Message] = {}
    for c in cards:
        if c.step not in rendered:
            rendered[c.step] = await card(svc, wf, req, c.step)
        try:
            await svc.notifier.update(MessageRef(c.platform, c.channel, c.message_id), rendered[c.step])
        except Exception as exc:
            log.warning("could not update a card for %s: %s", wf.ref(req), exc)


async def _who_decided(svc: Services, wf: RequestKind, req: ApprovalRequest, step: int, actor: str) -> str:
    nm = await display_names(svc, people_in(req))

    def who(email):
        return "You" if email == actor else nm.get(email, email)

    done = [h for h in req.history if h["step"] == step]
    if done:
        h = done[-1]
        verb = steps_of(req)[step].done if h["outcome"] == "approved" else "rejected"
        return f"{who(h['by'])} already {verb} this at {when(svc, datetime.fromisoformat(h['at']))}."
    if req.state == INFO:
        return (f"{who(req.question_by)} asked the requester for more information at "
                f"{when(svc, req.question_at)}; it comes back to the approvers when they answer.")
    return f"This {wf.noun} has moved on: {status_line(svc, wf, req, nm)}"


async def _settled(svc: Services, kinds: RequestKinds, req_id: int, won: bool, step_no: int,
                   actor: str | None) -> ApprovalRequest:
    """After a conditional write: tell a late clicker who got there first, else update every copy of the card."""
    req = await load(svc, req_id)
    if not won:
        raise AlreadyDecided(await _who_decided(svc, kinds.of(req), req, step_no, actor))
    await refresh(svc, kinds, req_id)
    return req


async def prepare(svc: Services, kinds: RequestKinds, actor: str | None, value: str) -> tuple[ApprovalRequest, Step,
                  int]:
    """The request and step a button names, after checking the clicker may decide it and it is still open."""
    rid, step_no = parse_value(value)
    req = await load(svc, rid)
    step_no = req.step if step_no is None else step_no
    if not 0 <= step_no < len(req.steps):
        raise NotFound("That button is out of date. Please use `status` to see where things stand.")
    step = steps_of(req)[step_no]
    check_may_decide(svc, req, step, actor)
    if req.state != PENDING or req.step != step_no:
        raise AlreadyDecided(await _who_decided(svc, kinds.of(req), req, step_no, actor))
    return req, step, step_no


async def approve(svc: Services, kinds: RequestKinds, actor: str | None, value: str,
                  confirmed: str | None = None) -> str:
    req, step, n = await prepare(svc, kinds, actor, value)
    wf = kinds.of(req)
    if wf.guard:
        await wf.guard(svc, req, step)
    now = svc.now()
    last, carry = n == len(req.steps) - 1, False
    async with svc.db.transaction() as s:
        values = dict(decided_by=actor, decided_at=now, state=wf.final_state) if last else \
            dict(step=n + 1, step_started_at=now)
        won = await transition(s, req.id, n, PENDING, **values)
        if won:
            row = await s.get(ApprovalRequest, req.id, populate_existing=True)
            entry = {"step": n, "outcome": "approved", "by": actor, "at": now.isoformat()}
            if confirmed:
                entry["confirmed"] = f"{step.confirm}: {confirmed}"
                row.details = {**row.details, step.confirm: confirmed}
            row.history = [*row.history, entry]
            nxt = None if last else steps_of(row)[n + 1].key
            await record_event(s, at=now, actor=actor, subject_kind=subject_kind(row), subject_id=row.id,
                               action=wf.final_state if last else "step_approved", from_state=f"pending:{step.key}",
                               to_state=wf.final_state if last else f"pending:{nxt}",
                               details={"step": step.key, **({"confirmed": confirmed} if confirmed else {})})
            if last and wf.on_final:
                await wf.on_final(svc, s, row, actor)
            elif not last:
                carry = same_deciders(step, steps_of(row)[n + 1])
                if carry:  # the same people decide next: their card gets the next step's buttons
                    await s.execute(update(ApprovalCard).where(
                        ApprovalCard.request_id == row.id, ApprovalCard.step == n,
                        ApprovalCard.audience == "approvers").values(step=n + 1)
                        .execution_options(synchronize_session=False))
    req = await _settled(svc, kinds, req.id, won, n, actor)
    if last:
        await wf.after_final(svc, req, actor)
        return f"Done: {wf.ref(req)} is {wf.final_state}. I've told the requester."
    nxt = steps_of(req)[req.step]
    if not carry:
        await announce(svc, wf, req)
    await _tell_requester(svc, wf, req, f"Good news: {step.label} {step.done} your {wf.noun} {wf.ref(req)} "
                                        f"({wf.title(req)}). It's now with {nxt.label} ({nxt.section}).")
    return f"Thanks: {wf.ref(req)} is {step.done} and now with {nxt.label}."


async def reject(svc: Services, kinds: RequestKinds, actor: str | None, value: str, reason: str) -> str:
    req, step, n = await prepare(svc, kinds, actor, value)
    now = svc.now()
    async with svc.db.transaction() as s:
        won = await transition(s, req.id, n, PENDING, state=REJECTED, decided_by=actor, decided_at=now,
                                reason=reason)
        if won:
            row = await s.get(ApprovalRequest, req.id, populate_existing=True)
            row.history = [*row.history, {"step": n, "outcome": "rejected", "by": actor, "at": now.isoformat(),
                                          "reason": reason}]
            await record_event(s, at=now, actor=actor, subject_kind=subject_kind(row), subject_id=row.id,
                               action="rejected", from_state=f"pending:{step.key}", to_state=REJECTED,
                               details={"step": step.key, "reason": reason})
    req = await _settled(svc, kinds, req.id, won, n, actor)
    wf = kinds.of(req)
    nm = await display_names(svc, [actor])
    await _tell_requester(svc, wf, req, f"Sorry, your {wf.noun} {wf.ref(req)} ({wf.title(req)}) was not approved. "
                                        f"{nm[actor]} ({step.label}, {step.section}) said: “{reason}”. You can "
                                        f"reply to them directly, or make a new request with the changes.")
    return f"Rejected {wf.ref(req)}. I've told the requester why."


async def ask(svc: Services, kinds: RequestKinds, actor: str | None, value: str, question: str) -> str:
    req, step, n = await prepare(svc, kinds, actor, value)
    now = svc.now()
    async with svc.db.transaction() as s:
        won = await transition(s, req.id, n, PENDING, state=INFO, question=question, question_by=actor,
                                question_at=now)
        if won:
            await record_event(s, at=now, actor=actor, subject_kind=subject_kind(req), subject_id=req.id,
                               action="info_requested", from_state=f"pending:{step.key}",
                               to_state=f"{INFO}:{step.key}", details={"step": step.key, "question": question})
    req = await _settled(svc, kinds, req.id, won, n, actor)
    wf = kinds.of(req)
    nm = await display_names(svc, [actor])
    await _tell_requester(svc, wf, req, f"{nm[actor]} ({step.label}) needs more information about your {wf.noun} "
                                        f"{wf.ref(req)} ({wf.title(req)}):\n“{question}”\nPress *Answer* to reply; "
                                        f"your answer goes back to them.",
                          Buttons(Button("Answer", "approval.answer", str(req.id), "primary")))
    return f"I've asked the requester. Their answer will come back to {step.label} on a new card."


async def answer(svc: Services, kinds: RequestKinds, actor: str | None, value: str, text: str) -> str:
    rid, _ = parse_value(value)
    req = await load(svc, rid)
    if actor != req.requester:
        raise NotAllowed("Only the person who made the request can answer its question.")
    if req.state != INFO:
        raise AlreadyDecided("That question has already been answered, so there is nothing to do. "
                             "Use `status` to see where your request stands.")
    now = svc.now()
    step = steps_of(req)[req.step]
    async with svc.db.transaction() as s:
        won = await transition(s, req.id, None, INFO, state=PENDING, step_started_at=now, question=None,
                                question_by=None, question_at=None)
        if won:
            row = await s.get(ApprovalRequest, req.id, populate_existing=True)
            row.thread = [*row.thread, {"step": req.step, "q": req.question, "by": req.question_by,
                                        "at": req.question_at.isoformat(), "a": text,
                                        "answered_at": now.isoformat()}]
            await record_event(s, at=now, actor=actor, subject_kind=subject_kind(row), subject_id=row.id,
                               action="info_given", from_state=f"{INFO}:{step.key}",
                               to_state=f"pending:{step.key}", details={"step": step.key})
    if not won:
        raise AlreadyDecided("That question has already been answered.")
    req = await load(svc, req.id)
    await refresh(svc, kinds, req.id)
    await announce(svc, kinds.of(req), req, lead="The requester has answered the question below; it's back with you.")
    return f"Thanks, I've sent your answer to {step.label}."


async def _tell_requester(svc: Services, wf: RequestKind, req: ApprovalRequest, text: str, *extra) -> None:
    try:
        await svc.notifier.dm(req.requester, message(Text(text), *extra))
    except Exception as exc:
        log.warning("could not tell the requester of %s: %s", wf.ref(req), exc)


async def status_for(svc: Services, kinds: RequestKinds, email: str) -> list[str]:
    async with svc.db.sessions() as s:
        rows = list(await s.scalars(select(ApprovalRequest).where(ApprovalRequest.requester == email)
                                    .order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc())))
    out = []
    for req in rows:
        if req.kind not in kinds:
            continue
        wf = kinds.of(req)
        nm = await display_names(svc, people_in(req))
        out.append(f"*{wf.ref(req)}* {wf.title(req)}: {status_line(svc, wf, req, nm)}")
    return out


async def chase(svc: Services, kinds: RequestKinds, now: datetime) -> None:
    """Daily: a step waiting 2+ working days is chased where its card went; 5+ goes to the head of comms."""
    calendar = await working_calendar(svc)
    today = now.astimezone(svc.config.tz).date()
    if not calendar.is_working_day(today):
        return
    async with svc.db.sessions() as s:
        waiting = list(await s.scalars(select(ApprovalRequest).where(ApprovalRequest.state == PENDING)
                                       .order_by(ApprovalRequest.id)))
    for req in waiting:
        if req.kind not in kinds:
            continue
        wf = kinds.of(req)
        days = calendar.working_days_between(req.step_started_at.astimezone(svc.config.tz).date(), today)
        step = steps_of(req)[req.step]
        if days >= CHASE_AFTER:
            lead = f"⏰ Reminder: this has waited {days} working days for a decision."
            sent = await announce(svc, wf, req, lead=lead, claim=("approval_chase", today.isoformat()))
            await _log_chase(svc, req, step, "chased", sent, days)
        if days >= ESCALATE_AFTER and step.role != "head_of_comms":
            heads = [e for e in svc.config.members("head_of_comms") if e != req.requester]
            may_decide = "head_of_comms" in (step.role, *step.also)
            lead = (f"⚠️ Escalated to you: this has waited {days} working days for {step.label} "
                    f"({step.section}). " + ("As head of communications you can decide it here." if may_decide
                                             else f"Please chase {step.label}."))
            sent = await announce(svc, wf, req, lead=lead, claim=("approval_escalate", today.isoformat()),
                                  to=heads, audience="escalation", actionable=may_decide)
            await _log_chase(svc, req, step, "escalated", sent, days)


async def _log_chase(svc: Services, req, step: Step, action: str, sent: int, days: int) -> None:
    if not sent:
        return  # another process sent today's, or nobody could be reached
    async with svc.db.transaction() as s:
        await record_event(s, at=svc.now(), actor="system", subject_kind=subject_kind(req), subject_id=req.id,
                           action=action, details={"step": step.key, "working_days": days, "sent": sent})
