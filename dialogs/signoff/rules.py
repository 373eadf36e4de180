"""Who signs off a draft (4.2): during a crisis on its account, the one crisis approver (4.3) and nobody else
(or a deputy the organisation file names, in their absence); otherwise the requester's manager (2.2), else the
Communications Team; nobody signs off their own post."""
from __future__ import annotations

from chat.errors import NotAllowed
from chat.quoting import inert
from chat.services import Services
from storage.models.signoff import SignOffRequest

COMMS_TEAM = "comms_team"   # stands in `approver` when the team, not a person, decides
CRISIS_DEPUTIES = "crisis_deputy_approvers"   # the organisation file's stand-ins for an absent crisis approver


def default_approver(svc: Services, requester: str | None, crisis_approver: str | None = None) -> str:
    """The crisis approver first (4.3), then the requester's manager (2.2), else the Communications Team."""
    if crisis_approver and "@" in crisis_approver:
        return crisis_approver.lower()
    return svc.config.manager_of(requester) or COMMS_TEAM


def crisis_deputies(svc: Services, requester: str | None) -> list[str]:
    """Who may sign off instead of the crisis approver (the organisation file's crisis_deputy_approvers), never the
    requester themselves."""
    return [e for e in svc.config.members(CRISIS_DEPUTIES) if e != (requester or "").lower()]


def normal_approver(svc: Services, requester: str | None) -> str:
    """Where a sign-off goes when no crisis is on its account (4.2): the requester's manager, else the team."""
    return svc.config.manager_of(requester) or COMMS_TEAM


def may_decide(svc: Services, row: SignOffRequest, actor: str | None, current_approver: str | None = None) -> bool:
    """`current_approver`: whoever the crisis group has appointed now, if it changed after the request was sent."""
    if not actor or actor == row.requester:
        return False
    if row.crisis_account:   # 4.3: one approver for every post during the crisis, not the team, not a manager
        return actor == (current_approver or row.approver) or svc.config.has_role(actor, CRISIS_DEPUTIES)
    if row.approver == COMMS_TEAM:
        return svc.config.has_role(actor, "comms_team")
    return actor == row.approver or svc.config.has_role(actor, "comms_team")


def ensure_may_decide(svc: Services, row: SignOffRequest, actor: str | None, approver_name: str | None = None,
                      current_approver: str | None = None) -> None:
    if may_decide(svc, row, actor, current_approver):
        return
    if actor == row.requester:
        raise NotAllowed("You can't sign off your own post (4.2).")
    if row.crisis_account:
        raise NotAllowed(f"{inert(row.crisis_account)} is in a crisis, so only its one approver"
                         f"{f', {approver_name},' if approver_name else ''} can decide this (4.3). Nothing has "
                         "changed.")
    raise NotAllowed("Only the approver this was sent to (or the Communications Team) can decide it.")
