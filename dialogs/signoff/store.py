"""Sign-off requests in storage: the draft is kept only while someone needs to read it and removed once decided;
each state change writes its event, and a decision is applied once (a conditional UPDATE). The messages each
change causes are queued in the outbox in the same transaction (`then`), so they go exactly when it happens."""
from __future__ import annotations

from typing import Awaitable, Callable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat.errors import BadInput, NotAllowed, found
from chat.services import Services
from storage.claims import once
from storage.events import record_event
from storage.models.signoff import SignOffRequest

from .rules import ensure_may_decide


Then = Callable[[AsyncSession, SignOffRequest], Awaitable[None]]   # queues the change's messages
# A decision's messages also get the draft as it was before the decision removed it (to say which post).
ThenDecided = Callable[[AsyncSession, SignOffRequest, str | None], Awaitable[None]]


async def create(svc: Services, *, requester: str, approver: str, draft: str, verdict: str,
                 categories: list[str], then: Then, request_key: str | None = None,
                 account_name: str | None = None, crisis_account: str | None = None,
                 crisis_id: int | None = None, account_key: str | None = None) -> SignOffRequest:
    """File a request; with the delivery's `request_key`, a second run of the same delivery raises
    storage.claims.Repeated instead of filing it twice."""
    if not draft.strip():
        raise BadInput("Please paste the draft you want signed off.")
    if approver == requester:
        raise NotAllowed("You can't sign off your own post. Choose your manager or leave the approver empty "
                         "and I'll send it to the Communications Team (4.2).")
    async with svc.db.transaction() as session:
        if request_key:
            await once(session, request_key, svc.now())
        row = SignOffRequest(requester=requester, approver=approver, draft=draft, verdict=verdict,
                             categories=categories, state="pending", cards=[], created_at=svc.now(),
                             account_name=account_name, crisis_account=crisis_account, crisis_id=crisis_id,
                             account_key=account_key)
        session.add(row)
        await session.flush()
        await record_event(session, at=svc.now(), actor=requester, subject_kind="signoff", subject_id=row.id,
                           action="requested", to_state="pending",
                           details={"approver": approver, "verdict": verdict, "categories": categories,
                                    "account": account_name, "crisis": crisis_id})
        await then(session, row)
    return row


async def get(svc: Services, request_id: int) -> SignOffRequest:
    async with svc.db.sessions() as session:
        return found(await session.get(SignOffRequest, request_id), "that sign-off request")


async def add_card(session: AsyncSession, request_id: int, ref: dict) -> None:
    """Where a copy of the approver's card landed (the outbox's receipt, as it records the card sent)."""
    row = await session.get(SignOffRequest, request_id)
    if row is not None:
        row.cards = [*row.cards, ref]


async def decide(svc: Services, request_id: int, actor: str | None, approve: bool, reason: str | None,
                 names: dict, then: ThenDecided, current_approver: str | None = None) -> tuple[SignOffRequest, bool]:
    """Apply a decision once. Returns (the request as it now stands, whether this call decided it)."""
    row = await get(svc, request_id)
    ensure_may_decide(svc, row, actor, names.get(current_approver or row.approver), current_approver)
    draft = row.draft
    if not approve and not (reason or "").strip():
        raise BadInput("Please give a reason, so the requester knows what to change.")
    to_state = "approved" if approve else "declined"
    async with svc.db.transaction() as session:
        # Conditional: a double click or a second approver finds it already decided and changes nothing.
        result = await session.execute(
            update(SignOffRequest)
            .where(SignOffRequest.id == request_id, SignOffRequest.state == "pending")
            .values(state=to_state, decided_by=actor, decided_at=svc.now(), reason=(reason or None), draft=None)
        )
        applied = result.rowcount == 1
        if applied:
            await record_event(session, at=svc.now(), actor=actor, subject_kind="signoff", subject_id=request_id,
                               action=to_state, from_state="pending", to_state=to_state,
                               details={"has_reason": bool(reason)})
        row = await session.scalar(select(SignOffRequest).where(SignOffRequest.id == request_id)
                                   .execution_options(populate_existing=True))
        if applied:
            await then(session, row, draft)
    return row, applied


async def waiting_in_crisis(session: AsyncSession, crisis_id: int) -> list[SignOffRequest]:
    """Requests still waiting for a crisis's approver (or deputy)."""
    return list(await session.scalars(select(SignOffRequest).where(
        SignOffRequest.crisis_id == crisis_id, SignOffRequest.crisis_account.is_not(None),
        SignOffRequest.state == "pending").order_by(SignOffRequest.id)))


async def reroute(session: AsyncSession, row: SignOffRequest, approver: str, at) -> bool:
    """Move a waiting crisis request to the usual route, once (False when it was decided or moved meanwhile)."""
    result = await session.execute(
        update(SignOffRequest)
        .where(SignOffRequest.id == row.id, SignOffRequest.state == "pending",
               SignOffRequest.crisis_account.is_not(None))
        .values(approver=approver, crisis_account=None, cards=[]))
    if result.rowcount != 1:
        return False
    await record_event(session, at=at, actor="system", subject_kind="signoff", subject_id=row.id,
                       action="rerouted", from_state="pending", to_state="pending",
                       details={"approver": approver, "crisis": row.crisis_id, "why": "crisis ended"})
    return True
