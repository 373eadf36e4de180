"""The approval card in storage: filing a request, loading one, the one conditional write, the copies of the card."""
from __future__ import annotations

from typing import Awaitable, Callable

from sqlalchemy import update

from chat.errors import found
from chat.messages import MessageRef
from chat.services import Services
from storage.claims import once
from storage.events import record_event
from storage.models.accounts import ApprovalCard, ApprovalRequest

from .rules import PENDING, Step, subject_kind


async def file(svc: Services, *, kind: str, requester: str, steps: list[Step], details: dict, event: dict,
               then: Callable[..., Awaitable[None]], request_key: str | None = None) -> ApprovalRequest:
    """A new request at its first step with its `submitted` event; `then(session, req)` queues what it causes
    (its first card). A second run of the same delivery (`request_key`) raises storage.claims.Repeated."""
    now = svc.now()
    async with svc.db.transaction() as s:
        if request_key:
            await once(s, request_key, now)
        req = ApprovalRequest(kind=kind, requester=requester, state=PENDING, step=0,
                              steps=[st.dump() for st in steps], details=details, history=[], thread=[],
                              created_at=now, step_started_at=now)
        s.add(req)
        await s.flush()
        await record_event(s, at=now, actor=requester, subject_kind=subject_kind(req), subject_id=req.id,
                           action="submitted", to_state=f"pending:{steps[0].key}", details=event)
        await then(s, req)
    return req


async def store_cards(svc: Services, req_id: int, step: int, refs: list[MessageRef], audience: str) -> None:
    if not refs:
        return
    async with svc.db.transaction() as s:
        for r in refs:
            s.add(ApprovalCard(request_id=req_id, step=step, platform=r.platform, channel=r.channel,
                               message_id=r.message_id, audience=audience, created_at=svc.now()))


async def load(svc: Services, req_id: int) -> ApprovalRequest:
    async with svc.db.sessions() as s:
        return found(await s.get(ApprovalRequest, req_id), "that request")


async def transition(s, req_id: int, at_step: int | None, from_state: str, **values) -> bool:
    """The one conditional write: only applies if the request is still where the clicker saw it."""
    cond = [ApprovalRequest.id == req_id, ApprovalRequest.state == from_state]
    if at_step is not None:
        cond.append(ApprovalRequest.step == at_step)
    result = await s.execute(update(ApprovalRequest).where(*cond).values(**values)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1
