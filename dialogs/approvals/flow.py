"""The approval card shared by account requests (2.3, 2.5, 3.7, 8.2 2.3) and boosts (2.7).

Each kind of request (an account request, a boost) is a RequestKind its own workflow defines; the kinds the card
serves are listed once, in handlers/approvals.py, and passed in. A request walks through fixed steps (decided when
it is made). Each step's approvers get a card with Approve / Reject / Ask for more information; every copy of the
card is updated in place when anyone acts. Decisions are conditional UPDATEs on (state, step), so a double click
or a retried request is applied once and the later clicker is told who decided; the cards, updates and DMs a
decision causes are queued in the outbox in its transaction, so they go once, crash or no crash. Undecided steps
are chased after 2 working days and escalated after 5 (sent at once, each once a day by its send claim)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update

from chat.errors import NotAllowed, NotFound
from chat.messages import Button, Buttons, Message, MessageRef, Text, message
from chat.quoting import inert
from chat.services import Services
from chat.wording import display_names, when
from chat.workdays import working_calendar
from storage.events import record_event
from storage.models.accounts import ApprovalCard, ApprovalRequest

from .messages import card, render_card, status_line
from .rules import (AlreadyDecided, CHASE_AFTER, ESCALATE_AFTER, INFO, PENDING, REJECTED, RequestKind, RequestKinds,
                    Step, approvers, check_may_decide, parse_value, people_in, same_deciders, steps_of, subject_kind,
                    working_days_waited)
from .store import load, store_cards, transition

log = logging.getLogger(__name__)
CARD_SENT = "approval.card"   # the outbox receipt that remembers where each copy of a card landed


def version(req: ApprovalRequest) -> str:
    """Names one state of a request, so the messages each change causes have keys of their own."""
    return f"{req.id}:{len(req.history)}.{len(req.thread)}.{req.state}.{req.step}"


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


SUPERSEDED = "superseded"   # an approvers' card replaced by a newer one for the same step (after an answer)


async def queue_announce(svc: Services, s, wf: RequestKind, req: ApprovalRequest, nm: dict, *,
                         lead: str | None = None, notify: str | None = None) -> None:
    """In the change's transaction: the current step's card to its approvers (its channel, else DMs), each copy
    remembered as it is sent (card_sent). `notify`: who caused it, told if a copy can never be delivered."""
    step = steps_of(req)[req.step]
    msg = render_card(svc, wf, req, req.step, nm, lead)
    key = f"approval:{version(req)}:card"
    where = dict(notify=notify, about=f"the card for {wf.ref(req)}", receipt=CARD_SENT,
                 receipt_args={"request_id": req.id, "step": req.step, "audience": "approvers"})
    if svc.config.channels.get(step.channel or ""):
        await svc.outbox.post(s, step.channel, msg, key=key, **where)
        return
    for email in approvers(svc, step):
        if email != req.requester:
            await svc.outbox.dm(s, email, msg, key=f"{key}:{email}", **where)


async def card_sent(svc: Services, session, args: dict, ref: MessageRef | None) -> None:
    """The outbox's receipt for a card: remember the copy, so later changes update it in place."""
    if ref is not None:
        session.add(ApprovalCard(request_id=args["request_id"], step=args["step"], platform=ref.platform,
                                 channel=ref.channel, message_id=ref.message_id,
                                 audience=args.get("audience", "approvers"), created_at=svc.now()))


async def queue_refresh(svc: Services, s, wf: RequestKind, req: ApprovalRequest, nm: dict) -> None:
    """In the change's transaction: every copy of the card shows who decided and when."""
    cards = list(await s.scalars(select(ApprovalCard).where(ApprovalCard.request_id == req.id)
                                 .order_by(ApprovalCard.id)))
    rendered: dict[int | None, Message] = {}
    for c in cards:
        step = None if c.audience == SUPERSEDED else c.step     # a card replaced by a newer one: no buttons
        if step not in rendered:
            rendered[step] = render_card(svc, wf, req, step, nm)
        await svc.outbox.update(s, MessageRef(c.platform, c.channel, c.message_id), rendered[step],
                                key=f"approval:{version(req)}:update:{c.id}")


async def queue_to_requester(svc: Services, s, req: ApprovalRequest, text: str, *extra) -> None:
    await svc.outbox.dm(s, req.requester, message(Text(text), *extra), key=f"approval:{version(req)}:requester")


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


async def prepare(svc: Services, kinds: RequestKinds, actor: str | None, value: str) -> tuple[ApprovalRequest, Step,
                  int]:
    """The request and step a button names, after checking the clicker may decide it and it is still open."""
    rid, step_no = parse_value(value)
    req = await load(svc, rid)
    step_no = req.step if step_no is None else step_no
    if not 0 <= step_no < len(req.steps):
        raise NotFound("That button is out of date. Please use `/smpolicy status` to see where things stand.")
    step = steps_of(req)[step_no]
    check_may_decide(svc, req, step, actor)
    if req.state != PENDING or req.step != step_no:
        raise AlreadyDecided(await _who_decided(svc, kinds.of(req), req, step_no, actor))
    return req, step, step_no


async def _deciding(svc: Services, kinds: RequestKinds, actor: str | None, value: str):
    """What every decision starts from: the request and step (checked), its kind, and the names its card and
    messages use, read before the decision's transaction (they may ask the platform)."""
    req, step, n = await prepare(svc, kinds, actor, value)
    return req, step, n, kinds.of(req), await display_names(svc, people_in(req) | {actor})


async def _late(svc: Services, kinds: RequestKinds, req_id: int, step_no: int, actor: str | None):
    """A conditional write that lost: who got there first."""
    req = await load(svc, req_id)
    return AlreadyDecided(await _who_decided(svc, kinds.of(req), req, step_no, actor))


async def approve(svc: Services, kinds: RequestKinds, actor: str | None, value: str,
                  confirmed: str | None = None) -> str:
    req, step, n, wf, nm = await _deciding(svc, kinds, actor, value)
    if wf.guard:
        await wf.guard(svc, req, step)
    now = svc.now()
    last = n == len(req.steps) - 1
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
            nxt = None if last else steps_of(row)[n + 1]
            await record_event(s, at=now, actor=actor, subject_kind=subject_kind(row), subject_id=row.id,
                               action=wf.final_state if last else "step_approved", from_state=f"pending:{step.key}",
                               to_state=wf.final_state if last else f"pending:{nxt.key}",
                               details={"step": step.key, **({"confirmed": confirmed} if confirmed else {})})
            carry = not last and same_deciders(step, nxt)
            if last and wf.on_final:
                await wf.on_final(svc, s, row, actor)
            elif carry:  # the same people decide next: their card gets the next step's buttons
                await s.execute(update(ApprovalCard).where(
                    ApprovalCard.request_id == row.id, ApprovalCard.step == n,
                    ApprovalCard.audience == "approvers").values(step=n + 1)
                    .execution_options(synchronize_session=False))
            await s.flush()
            # What the change causes, queued with it: sent once it is committed, and only then.
            await queue_refresh(svc, s, wf, row, nm)
            if last:
                await wf.after_final(svc, s, row, actor, nm)
            else:
                if not carry:
                    await queue_announce(svc, s, wf, row, nm, notify=actor)
                # The same people deciding the next step are not "now with" anyone new: say what comes next.
                next_words = (f"Next step: {nxt.title.lower()}, also by {nxt.label} ({nxt.section})." if carry
                              or step.label == nxt.label else f"It's now with {nxt.label} ({nxt.section}).")
                await queue_to_requester(svc, s, row, f"Good news: {step.label} {step.done} your {wf.noun} "
                                                      f"{wf.ref(row)} ({wf.title(row)}). {next_words}")
    if not won:
        raise await _late(svc, kinds, req.id, n, actor)
    if last:
        return f"Done: {wf.ref(req)} is {wf.final_state}. I've told the requester."
    nxt = steps_of(req)[n + 1]
    return f"Thanks: {wf.ref(req)} is {step.done} and now with {nxt.label}."


async def _change_pending(svc: Services, kinds: RequestKinds, actor: str | None, value: str, values, then):
    """A conditional change to the step the clicker saw pending (reject, ask): `values(now)` the columns it sets,
    `then(s, row, step, wf, nm, now)` its event and messages, queued in the same transaction. A late or repeated
    click changes nothing and is told who got there first. Returns (request, step, workflow)."""
    req, step, n, wf, nm = await _deciding(svc, kinds, actor, value)
    now = svc.now()
    async with svc.db.transaction() as s:
        won = await transition(s, req.id, n, PENDING, **values(now))
        if won:
            row = await s.get(ApprovalRequest, req.id, populate_existing=True)
            await then(s, row, step, wf, nm, now)
    if not won:
        raise await _late(svc, kinds, req.id, n, actor)
    return req, step, wf


async def reject(svc: Services, kinds: RequestKinds, actor: str | None, value: str, reason: str) -> str:
    async def rejected(s, row, step, wf, nm, now) -> None:
        row.history = [*row.history, {"step": row.step, "outcome": "rejected", "by": actor, "at": now.isoformat(),
                                      "reason": reason}]
        await record_event(s, at=now, actor=actor, subject_kind=subject_kind(row), subject_id=row.id,
                           action="rejected", from_state=f"pending:{step.key}", to_state=REJECTED,
                           details={"step": step.key, "reason": reason})
        await s.flush()
        await queue_refresh(svc, s, wf, row, nm)
        await queue_to_requester(svc, s, row, f"Sorry, your {wf.noun} {wf.ref(row)} ({wf.title(row)}) was not "
                                              f"approved. {nm[actor]} ({step.label}, {step.section}) said: "
                                              f"“{inert(reason)}”. You can reply to them directly, or make a new "
                                              f"request with the changes.")

    req, _, wf = await _change_pending(svc, kinds, actor, value, lambda now: dict(
        state=REJECTED, decided_by=actor, decided_at=now, reason=reason), rejected)
    return f"Rejected {wf.ref(req)}. I've told the requester why."


async def ask(svc: Services, kinds: RequestKinds, actor: str | None, value: str, question: str) -> str:
    async def asked(s, row, step, wf, nm, now) -> None:
        await record_event(s, at=now, actor=actor, subject_kind=subject_kind(row), subject_id=row.id,
                           action="info_requested", from_state=f"pending:{step.key}",
                           to_state=f"{INFO}:{step.key}", details={"step": step.key, "question": question})
        await queue_refresh(svc, s, wf, row, nm)
        await queue_to_requester(svc, s, row, f"{nm[actor]} ({step.label}) needs more information about your "
                                              f"{wf.noun} {wf.ref(row)} ({wf.title(row)}):\n“{inert(question)}”\n"
                                              f"Press *Answer* to reply; your answer goes back to them.",
                                 Buttons(Button("Answer", "approval.answer", str(row.id), "primary")))

    _, step, _ = await _change_pending(svc, kinds, actor, value, lambda now: dict(
        state=INFO, question=question, question_by=actor, question_at=now), asked)
    return f"I've asked the requester. Their answer will come back to {step.label} on a new card."


async def answer(svc: Services, kinds: RequestKinds, actor: str | None, value: str, text: str) -> str:
    rid, _ = parse_value(value)
    req = await load(svc, rid)
    if actor != req.requester:
        raise NotAllowed("Only the person who made the request can answer its question.")
    if req.state != INFO:
        raise AlreadyDecided("That question has already been answered, so there is nothing to do. "
                             "Use `/smpolicy status` to see where your request stands.")
    wf = kinds.of(req)
    nm = await display_names(svc, people_in(req))
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
            # The answer comes back on a new card; the step's earlier cards keep their history but lose their
            # buttons, so one request never has two live cards.
            await s.execute(update(ApprovalCard).where(
                ApprovalCard.request_id == row.id, ApprovalCard.step == row.step,
                ApprovalCard.audience == "approvers").values(audience=SUPERSEDED)
                .execution_options(synchronize_session=False))
            await s.flush()
            await queue_refresh(svc, s, wf, row, nm)
            await queue_announce(svc, s, wf, row, nm, notify=actor,
                                 lead="The requester has answered the question below; it's back with you.")
    if not won:
        raise AlreadyDecided("That question has already been answered.")
    return f"Thanks, I've sent your answer to {step.label}."


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
        days = working_days_waited(calendar, req.step_started_at.astimezone(svc.config.tz), today,
                                   svc.config.work_end)
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
