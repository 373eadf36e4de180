"""The approval card's pure decisions: the kinds of request, their steps, who may decide a step, button values."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Awaitable, Callable

from chat.errors import NotAllowed, NotFound, WorkflowError
from chat.messages import Input
from chat.services import Services
from storage.models.accounts import ApprovalRequest

PENDING, INFO, REJECTED = "pending", "info_requested", "rejected"
OPEN = (PENDING, INFO)
CHASE_AFTER, ESCALATE_AFTER = 2, 5          # working days a step may wait before a chaser / an escalation


def working_days_waited(calendar, started_local, today, work_end) -> int:
    """Whole working days a step has waited by `today`: one that arrived after working hours (19:23 on a Tuesday)
    or on a day off starts waiting the next working day, so on Thursday it has waited one day, not two."""
    start = started_local.date()
    if not calendar.is_working_day(start) or started_local.time() >= work_end:
        start = calendar.add_working_days(start, 1)
    return max(0, calendar.working_days_between(start, today)) if start <= today else 0


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
    after_final: Callable[..., Awaitable[None]]         # (svc, session, req, actor, names): queues its messages
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


def people_in(req: ApprovalRequest) -> set[str]:
    found = {req.requester, req.decided_by, req.question_by}
    found |= {h.get("by") for h in req.history} | {t.get("by") for t in req.thread}
    found |= {s.get("person") for s in req.steps}
    for value in req.details.values():
        if isinstance(value, str) and "@" in value:
            found.add(value)
        elif isinstance(value, list):
            found |= {v for v in value if isinstance(v, str) and "@" in v}
    return {f for f in found if f}


def approvers(svc: Services, step: Step) -> list[str]:
    if step.person:
        return [step.person]
    found: list[str] = []
    for role in (step.role, *step.also):
        found += [e for e in svc.config.members(role) if e not in found]
    return found


def check_may_decide(svc: Services, req: ApprovalRequest, step: Step, actor: str | None) -> None:
    if not actor:
        raise NotAllowed("I couldn't tell who you are, so I can't let you decide this. Please try again.")
    if actor == req.requester:
        raise NotAllowed(f"You can't decide your own request: {step.label} must ({step.section}).")
    if step.person and actor != step.person:
        raise NotAllowed(f"Only {step.label} can decide this step ({step.section}).")
    if step.role and not svc.config.has_role(actor, step.role, *step.also):
        raise NotAllowed(f"Only {step.label} can decide this step ({step.section}).")


def parse_value(value: str) -> tuple[int, int | None]:
    try:
        rid, _, step = value.partition(":")
        return int(rid), (int(step) if step else None)
    except ValueError:
        raise NotFound("That button is out of date. Please use `/smpolicy status` to see where things stand.") from None


def same_deciders(a: Step, b: Step) -> bool:
    return (a.role, a.also, a.person, a.channel) == (b.role, b.also, b.person, b.channel)


def subject_kind(req) -> str:
    return f"{req.kind}_request"
