"""What the Home tab reads: requests waiting for a person's decision and the crises they are in."""
from __future__ import annotations

from sqlalchemy import or_, select

from chat.services import Services
from dialogs.approvals.rules import PENDING, RequestKinds, approvers, steps_of
from storage.models.accounts import ApprovalRequest
from storage.models.crisis import Crisis, CrisisMember
from storage.models.signoff import SignOffRequest

MOST = 20   # lines in any one list: the Home tab is a summary, `status` and `foi list` have the rest


async def awaiting_decision(svc: Services, kinds: RequestKinds, email: str) -> list[ApprovalRequest]:
    """Open requests whose current step this person may decide (never their own)."""
    async with svc.db.sessions() as s:
        rows = list(await s.scalars(select(ApprovalRequest).where(ApprovalRequest.state == PENDING,
                                                                 ApprovalRequest.requester != email)
                                    .order_by(ApprovalRequest.step_started_at, ApprovalRequest.id)))
    mine = []
    for req in rows:
        steps = steps_of(req)
        if req.kind in kinds and req.step < len(steps) and email in approvers(svc, steps[req.step]):
            mine.append(req)
    return mine[:MOST]


async def crises_of(svc: Services, email: str) -> list[Crisis]:
    """Active crises this person started, approves, or is in the group of."""
    async with svc.db.sessions() as s:
        member_of = select(CrisisMember.crisis_id).where(CrisisMember.person == email,
                                                         CrisisMember.status == "in_room")
        return list(await s.scalars(select(Crisis).where(
            Crisis.status == "active",
            or_(Crisis.started_by == email, Crisis.approver == email, Crisis.id.in_(member_of)))
            .order_by(Crisis.started_at.desc()).limit(MOST)))


async def signoffs(svc: Services, email: str, *, as_approver: bool) -> list[SignOffRequest]:
    """Pending sign-off requests waiting for this person's decision, or the ones they asked for."""
    whose = ((SignOffRequest.approver == email, SignOffRequest.requester != email) if as_approver
             else (SignOffRequest.requester == email,))
    async with svc.db.sessions() as s:
        return list(await s.scalars(select(SignOffRequest).where(SignOffRequest.state == "pending", *whose)
                                    .order_by(SignOffRequest.created_at, SignOffRequest.id).limit(MOST)))
