"""The approval card shared by account requests (2.3, 2.5, 3.7, 8.2 2.3) and boosts (2.7).

Each kind of request (an account request, a boost) is a RequestKind its own workflow defines; the kinds the card
serves are listed once, in handlers/approvals.py, and passed in. A request walks through fixed steps (decided when
it is made). Each step's approvers get a card with Approve /
Reject / Ask for more information; every copy of the card is updated in place when anyone acts. Decisions are
conditional UPDATEs on (state, step), so a double click or a retried request is applied once and the later
clicker is told who decided. Undecided steps are chased after 2 working days and escalated after 5.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Awaitable, Callable

from sqlalchemy import select, update

from chat.messages import Button, Buttons, Header, Input, Message, MessageRef, Note, Text, message
from chat.workdays import working_calendar
from storage.events import record_event
from storage.identity import remember_identity
from storage.models.accounts import ApprovalCard, ApprovalRequest
from storage.models.core import Identity

from chat.errors import NotAllowed, NotFound, WorkflowError

log = logging.getLogger(__name__)

PENDING, INFO, REJECTED = "pending", "info_requested", "rejected"
OPEN = (PENDING, INFO)
CHASE_AFTER, ESCALATE_AFTER = 2, 5          # working days a step may wait before a chaser / an escalation


class AlreadyDecided(WorkflowError):
    """Someone else got there first: the message says who and when."""


@dataclass(frozen=True)
class Step:
    key: str
    title: str                      # the step in the progress list: "Manager's authorisation"
    label: str                      # who decides, as a sentence names them: "the Communications Team"
    section: str
    role: str | None = None         # a role in the organisation file...
    person: str | None = None       # ...or one named person (the manager, the budget holder)
    also: tuple[str, ...] = ()      # other roles that may decide (the head of communications)
    channel: str | None = None      # a configured channel the card goes to; otherwise DMs
    approve: str = "Approve"
    done: str = "approved"
    confirm: str | None = None      # a detail the approver confirms when approving (the budget code)

    @classmethod
    def load(cls, raw: dict) -> "Step":
        return cls(**{**raw, "also": tuple(raw.get("also") or ())})

    def dump(self) -> dict:
        return {**asdict(self), "also": list(self.also)}


@dataclass
class RequestKind:
    """What differs between account requests and boosts."""
    kind: str
    prefix: str                                         # AR / BR
    noun: str                                           # "account request"
    final_state: str                                    # approved / arranged
    title: Callable[[ApprovalRequest], str]
    summary: Callable[[ApprovalRequest, dict], list]    # (request, names) -> blocks for the card
    after_final: Callable[..., Awaitable[None]]         # (svc, req, actor): messages, after commit
    on_final: Callable[..., Awaitable[None]] | None = None  # (svc, session, req, actor): in the same transaction
    guard: Callable[..., Awaitable[None]] | None = None  # (svc, req, step): raise NotAllowed to refuse
    confirm_input: Callable[[ApprovalRequest, Step], Input] | None = None

    def ref(self, req: ApprovalRequest) -> str:
        return f"{self.prefix}-{req.id}"


class RequestKinds:
    """The kinds of request the approval card serves, by their stored `kind`."""

    def __init__(self, *kinds: RequestKind):
        self._by_name = {k.kind: k for k in kinds}

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def of(self, req: ApprovalRequest) -> RequestKind:
        return self._by_name[req.kind]

    def ref(self, req: ApprovalRequest) -> str:
        return self.of(req).ref(req)


def steps_of(req: ApprovalRequest) -> list[Step]:
    return [Step.load(s) for s in req.steps]


def when(svc, dt: datetime) -> str:
    local = dt.astimezone(svc.config.tz)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


async def names(svc, emails) -> dict[str, str]:
    """Display names for emails: the organisation file, then what the platforms told us, then the address."""
    emails = {e for e in emails if e}
    out = {e: svc.config.display_name(e) for e in emails}
    unknown = [e for e, n in out.items() if n == e]
    if not unknown:
        return out
    nameless: dict[str, tuple[str, str]] = {}
    async with svc.db.sessions() as s:
        for row in await s.scalars(select(Identity).where(Identity.email.in_(unknown))):
            if row.name:
                out[row.email] = row.name
            else:
                nameless[row.email] = (row.platform, row.user_id)
    for email, (platform, user_id) in nameless.items():
        if out[email] != email or not svc.notifier.connected(platform):
            continue
        try:  # found by email lookup, which gives no name: ask once and remember it
            _, name = await svc.directory.platform_profile(platform, user_id)
        except Exception:
            continue
        if name:
            out[email] = name
            await remember_identity(svc.db, platform, user_id, email, name, svc.now())
    return out


def _people_in(req: ApprovalRequest) -> set[str]:
    found = {req.requester, req.decided_by, req.question_by}
    found |= {h.get("by") for h in req.history} | {t.get("by") for t in req.thread}
    found |= {s.get("person") for s in req.steps}
    for value in req.details.values():
        if isinstance(value, str) and "@" in value:
            found.add(value)
        elif isinstance(value, list):
            found |= {v for v in value if isinstance(v, str) and "@" in v}
    return {f for f in found if f}


# --- who may act ---------------------------------------------------------------------------------------------

def approvers(svc, step: Step) -> list[str]:
    if step.person:
        return [step.person]
    found: list[str] = []
    for role in (step.role, *step.also):
        found += [e for e in svc.config.members(role) if e not in found]
    return found


def check_may_decide(svc, req: ApprovalRequest, step: Step, actor: str | None) -> None:
    if not actor:
        raise NotAllowed("I couldn't tell who you are, so I can't let you decide this. Please try again.")
    if actor == req.requester:
        raise NotAllowed(f"You can't decide your own request: {step.label} must ({step.section}).")
    if step.person and actor != step.person:
        raise NotAllowed(f"Only {step.label} can decide this step ({step.section}).")
    if step.role and not svc.config.has_role(actor, step.role, *step.also):
        raise NotAllowed(f"Only {step.label} can decide this step ({step.section}).")


# --- the card -------------------------------------------------------------------------------------------------

def _progress(svc, req: ApprovalRequest, nm: dict) -> list[str]:
    lines = []
    for i, step in enumerate(steps_of(req)):
        done = [h for h in req.history if h["step"] == i]
        if done:
            h = done[-1]
            verb = step.done if h["outcome"] == "approved" else "rejected"
            mark = "✅" if h["outcome"] == "approved" else "❌"
            line = f"{mark} *{step.title}* ({step.section}): {verb} by {nm.get(h['by'], h['by'])} " \
                   f"at {when(svc, datetime.fromisoformat(h['at']))}"
            if h.get("reason"):
                line += f": “{h['reason']}”"
            if h.get("confirmed"):
                line += f" ({h['confirmed']})"
        elif i == req.step and req.state == PENDING:
            line = f"⏳ *{step.title}* ({step.section}): waiting since {when(svc, req.step_started_at)}"
        elif i == req.step and req.state == INFO:
            line = f"❓ *{step.title}* ({step.section}): {nm.get(req.question_by)} asked for more " \
                   f"information at {when(svc, req.question_at)}; waiting for the requester's answer"
        else:
            line = f"◻️ *{step.title}* ({step.section}): not yet"
        lines.append(line)
    return lines


def _thread(svc, req: ApprovalRequest, nm: dict) -> list[str]:
    lines = []
    for t in req.thread:
        lines.append(f"*Question from {nm.get(t['by'], t['by'])}:* {t['q']}\n*Answer "
                     f"({when(svc, datetime.fromisoformat(t['answered_at']))}):* {t['a']}")
    if req.state == INFO and req.question:
        lines.append(f"*Question from {nm.get(req.question_by)}:* {req.question}")
    return lines


async def card(svc, wf: RequestKind, req: ApprovalRequest, card_step: int | None, lead: str | None = None) -> Message:
    """The approvers' card. Buttons only on a card for the step now awaited, while it is awaited."""
    nm = await names(svc, _people_in(req))
    blocks: list = [Header(f"{wf.noun.capitalize()} {wf.ref(req)}: {wf.title(req)}")]
    if lead:
        blocks.append(Text(lead))
    blocks += wf.summary(req, nm)
    blocks.append(Text("\n".join(_progress(svc, req, nm))))
    blocks += [Text(t) for t in _thread(svc, req, nm)]
    if req.state == REJECTED:
        blocks.append(Text(f"❌ *Rejected* by {nm.get(req.decided_by)} at {when(svc, req.decided_at)}."))
    elif req.state == wf.final_state:
        blocks.append(Text(f"✅ *{wf.final_state.capitalize()}* by {nm.get(req.decided_by)} at "
                           f"{when(svc, req.decided_at)}."))
    if card_step == req.step and req.state == PENDING:
        step = steps_of(req)[req.step]
        value = f"{req.id}:{req.step}"
        blocks.append(Buttons(Button(step.approve, "approval.approve", value, "primary"),
                              Button("Reject", "approval.reject", value, "danger"),
                              Button("Ask for more information", "approval.ask", value)))
        blocks.append(Note(f"Requested by {nm.get(req.requester)}. Only {step.label} can decide this step "
                           f"({step.section}); nobody decides their own request."))
    return message(*blocks, text=f"{wf.noun.capitalize()} {wf.ref(req)}: {wf.title(req)}")


async def _store_cards(svc, req_id: int, step: int, refs: list[MessageRef], audience: str) -> None:
    if not refs:
        return
    async with svc.db.transaction() as s:
        for r in refs:
            s.add(ApprovalCard(request_id=req_id, step=step, platform=r.platform, channel=r.channel,
                               message_id=r.message_id, audience=audience, created_at=svc.now()))


async def announce(svc, wf: RequestKind, req: ApprovalRequest, *, lead: str | None = None,
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
    await _store_cards(svc, req.id, card_step, refs, audience)
    return len(refs)


async def refresh(svc, kinds: RequestKinds, req_id: int) -> None:
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


# --- loading and deciding -------------------------------------------------------------------------------------

async def load(svc, req_id: int) -> ApprovalRequest:
    async with svc.db.sessions() as s:
        req = await s.get(ApprovalRequest, req_id)
    if req is None:
        raise NotFound("I can't find that request any more.")
    return req


def parse_value(value: str) -> tuple[int, int | None]:
    try:
        rid, _, step = value.partition(":")
        return int(rid), (int(step) if step else None)
    except ValueError:
        raise NotFound("That button is out of date. Please use `status` to see where things stand.") from None


async def _who_decided(svc, wf: RequestKind, req: ApprovalRequest, step: int, actor: str) -> str:
    nm = await names(svc, _people_in(req))

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


async def _transition(s, req_id: int, at_step: int | None, from_state: str, **values) -> bool:
    """The one conditional write: only applies if the request is still where the clicker saw it."""
    cond = [ApprovalRequest.id == req_id, ApprovalRequest.state == from_state]
    if at_step is not None:
        cond.append(ApprovalRequest.step == at_step)
    result = await s.execute(update(ApprovalRequest).where(*cond).values(**values)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


async def _settled(svc, kinds: RequestKinds, req_id: int, won: bool, step_no: int,
                   actor: str | None) -> ApprovalRequest:
    """After a conditional write: tell a late clicker who got there first, else update every copy of the card."""
    req = await load(svc, req_id)
    if not won:
        raise AlreadyDecided(await _who_decided(svc, kinds.of(req), req, step_no, actor))
    await refresh(svc, kinds, req_id)
    return req


def _same_deciders(a: Step, b: Step) -> bool:
    return (a.role, a.also, a.person, a.channel) == (b.role, b.also, b.person, b.channel)


def _subject(req) -> str:
    return f"{req.kind}_request"


async def prepare(svc, kinds: RequestKinds, actor: str | None, value: str) -> tuple[ApprovalRequest, Step, int]:
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


async def approve(svc, kinds: RequestKinds, actor: str | None, value: str, confirmed: str | None = None) -> str:
    req, step, n = await prepare(svc, kinds, actor, value)
    wf = kinds.of(req)
    if wf.guard:
        await wf.guard(svc, req, step)
    now = svc.now()
    last, carry = n == len(req.steps) - 1, False
    async with svc.db.transaction() as s:
        values = dict(decided_by=actor, decided_at=now, state=wf.final_state) if last else \
            dict(step=n + 1, step_started_at=now)
        won = await _transition(s, req.id, n, PENDING, **values)
        if won:
            row = await s.get(ApprovalRequest, req.id, populate_existing=True)
            entry = {"step": n, "outcome": "approved", "by": actor, "at": now.isoformat()}
            if confirmed:
                entry["confirmed"] = f"{step.confirm}: {confirmed}"
                row.details = {**row.details, step.confirm: confirmed}
            row.history = [*row.history, entry]
            nxt = None if last else steps_of(row)[n + 1].key
            await record_event(s, at=now, actor=actor, subject_kind=_subject(row), subject_id=row.id,
                               action=wf.final_state if last else "step_approved", from_state=f"pending:{step.key}",
                               to_state=wf.final_state if last else f"pending:{nxt}",
                               details={"step": step.key, **({"confirmed": confirmed} if confirmed else {})})
            if last and wf.on_final:
                await wf.on_final(svc, s, row, actor)
            elif not last:
                carry = _same_deciders(step, steps_of(row)[n + 1])
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


async def reject(svc, kinds: RequestKinds, actor: str | None, value: str, reason: str) -> str:
    req, step, n = await prepare(svc, kinds, actor, value)
    now = svc.now()
    async with svc.db.transaction() as s:
        won = await _transition(s, req.id, n, PENDING, state=REJECTED, decided_by=actor, decided_at=now,
                                reason=reason)
        if won:
            row = await s.get(ApprovalRequest, req.id, populate_existing=True)
            row.history = [*row.history, {"step": n, "outcome": "rejected", "by": actor, "at": now.isoformat(),
                                          "reason": reason}]
            await record_event(s, at=now, actor=actor, subject_kind=_subject(row), subject_id=row.id,
                               action="rejected", from_state=f"pending:{step.key}", to_state=REJECTED,
                               details={"step": step.key, "reason": reason})
    req = await _settled(svc, kinds, req.id, won, n, actor)
    wf = kinds.of(req)
    nm = await names(svc, [actor])
    await _tell_requester(svc, wf, req, f"Sorry, your {wf.noun} {wf.ref(req)} ({wf.title(req)}) was not approved. "
                                        f"{nm[actor]} ({step.label}, {step.section}) said: “{reason}”. You can "
                                        f"reply to them directly, or make a new request with the changes.")
    return f"Rejected {wf.ref(req)}. I've told the requester why."


async def ask(svc, kinds: RequestKinds, actor: str | None, value: str, question: str) -> str:
    req, step, n = await prepare(svc, kinds, actor, value)
    now = svc.now()
    async with svc.db.transaction() as s:
        won = await _transition(s, req.id, n, PENDING, state=INFO, question=question, question_by=actor,
                                question_at=now)
        if won:
            await record_event(s, at=now, actor=actor, subject_kind=_subject(req), subject_id=req.id,
                               action="info_requested", from_state=f"pending:{step.key}",
                               to_state=f"{INFO}:{step.key}", details={"step": step.key, "question": question})
    req = await _settled(svc, kinds, req.id, won, n, actor)
    wf = kinds.of(req)
    nm = await names(svc, [actor])
    await _tell_requester(svc, wf, req, f"{nm[actor]} ({step.label}) needs more information about your {wf.noun} "
                                        f"{wf.ref(req)} ({wf.title(req)}):\n“{question}”\nPress *Answer* to reply; "
                                        f"your answer goes back to them.",
                          Buttons(Button("Answer", "approval.answer", str(req.id), "primary")))
    return f"I've asked the requester. Their answer will come back to {step.label} on a new card."


async def answer(svc, kinds: RequestKinds, actor: str | None, value: str, text: str) -> str:
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
        won = await _transition(s, req.id, None, INFO, state=PENDING, step_started_at=now, question=None,
                                question_by=None, question_at=None)
        if won:
            row = await s.get(ApprovalRequest, req.id, populate_existing=True)
            row.thread = [*row.thread, {"step": req.step, "q": req.question, "by": req.question_by,
                                        "at": req.question_at.isoformat(), "a": text,
                                        "answered_at": now.isoformat()}]
            await record_event(s, at=now, actor=actor, subject_kind=_subject(row), subject_id=row.id,
                               action="info_given", from_state=f"{INFO}:{step.key}",
                               to_state=f"pending:{step.key}", details={"step": step.key})
    if not won:
        raise AlreadyDecided("That question has already been answered.")
    req = await load(svc, req.id)
    await refresh(svc, kinds, req.id)
    await announce(svc, kinds.of(req), req, lead="The requester has answered the question below; it's back with you.")
    return f"Thanks, I've sent your answer to {step.label}."


async def _tell_requester(svc, wf: RequestKind, req: ApprovalRequest, text: str, *extra) -> None:
    try:
        await svc.notifier.dm(req.requester, message(Text(text), *extra))
    except Exception as exc:
        log.warning("could not tell the requester of %s: %s", wf.ref(req), exc)


# --- status and chasers ---------------------------------------------------------------------------------------

def status_line(svc, wf: RequestKind, req: ApprovalRequest, nm: dict) -> str:
    step = steps_of(req)[min(req.step, len(req.steps) - 1)]
    if req.state == PENDING:
        return f"waiting for {step.label} ({step.section}) since {when(svc, req.step_started_at)}"
    if req.state == INFO:
        return f"{nm.get(req.question_by, req.question_by)} asked you a question: “{req.question}”"
    if req.state == REJECTED:
        return f"rejected by {nm.get(req.decided_by, req.decided_by)} at {when(svc, req.decided_at)}: “{req.reason}”"
    return f"{wf.final_state} by {nm.get(req.decided_by, req.decided_by)} at {when(svc, req.decided_at)}"


async def status_for(svc, kinds: RequestKinds, email: str) -> list[str]:
    async with svc.db.sessions() as s:
        rows = list(await s.scalars(select(ApprovalRequest).where(ApprovalRequest.requester == email)
                                    .order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc())))
    out = []
    for req in rows:
        if req.kind not in kinds:
            continue
        wf = kinds.of(req)
        nm = await names(svc, _people_in(req))
        out.append(f"*{wf.ref(req)}* {wf.title(req)}: {status_line(svc, wf, req, nm)}")
    return out


async def chase(svc, kinds: RequestKinds, now: datetime) -> None:
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


async def _log_chase(svc, req, step: Step, action: str, sent: int, days: int) -> None:
    if not sent:
        return  # another process sent today's, or nobody could be reached
    async with svc.db.transaction() as s:
        await record_event(s, at=svc.now(), actor="system", subject_kind=_subject(req), subject_id=req.id,
                           action=action, details={"step": step.key, "working_days": days, "sent": sent})
