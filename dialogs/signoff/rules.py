"""Who signs off a draft (4.2): the crisis approver during a crisis (4.3), else the requester's manager (2.2),
else the Communications Team; nobody signs off their own post."""
from __future__ import annotations

from chat.errors import NotAllowed
from chat.services import Services
from storage.models.signoff import SignOffRequest

COMMS_TEAM = "comms_team"   # stands in `approver` when the team, not a person, decides


def default_approver(svc: Services, requester: str | None, crisis_approver: str | None = None) -> str:
    """The crisis approver first (4.3), then the requester's manager (2.2), else the Communications Team."""
    if crisis_approver and "@" in crisis_approver:
        return crisis_approver.lower()
    return svc.config.manager_of(requester) or COMMS_TEAM


def may_decide(svc: Services, row: SignOffRequest, actor: str | None) -> bool:
    if not actor or actor == row.requester:
        return False
    if row.approver == COMMS_TEAM:
        return svc.config.has_role(actor, "comms_team")
    return actor == row.approver or svc.config.has_role(actor, "comms_team")


def ensure_may_decide(svc: Services, row: SignOffRequest, actor: str | None) -> None:
    if may_decide(svc, row, actor):
        return
    if actor == row.requester:
        raise NotAllowed("You can't sign off your own post (4.2).")
    raise NotAllowed("Only the approver this was sent to (or the Communications Team) can decide it.")
