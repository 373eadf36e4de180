"""The approval card in storage: loading a request, the one conditional write, the copies of the card."""
from __future__ import annotations

from sqlalchemy import update

from chat.errors import NotFound
from chat.messages import MessageRef
from chat.services import Services
from storage.models.accounts import ApprovalCard, ApprovalRequest


async def store_cards(svc: Services, req_id: int, step: int, refs: list[MessageRef], audience: str) -> None:
    if not refs:
        return
    async with svc.db.transaction() as s:
        for r in refs:
            s.add(ApprovalCard(request_id=req_id, step=step, platform=r.platform, channel=r.channel,
                               message_id=r.message_id, audience=audience, created_at=svc.now()))


async def load(svc: Services, req_id: int) -> ApprovalRequest:
    async with svc.db.sessions() as s:
        req = await s.get(ApprovalRequest, req_id)
    if req is None:
        raise NotFound("I can't find that request any more.")
    return req


async def transition(s, req_id: int, at_step: int | None, from_state: str, **values) -> bool:
    """The one conditional write: only applies if the request is still where the clicker saw it."""
    cond = [ApprovalRequest.id == req_id, ApprovalRequest.state == from_state]
    if at_step is not None:
        cond.append(ApprovalRequest.step == at_step)
    result = await s.execute(update(ApprovalRequest).where(*cond).values(**values)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1
