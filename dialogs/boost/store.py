"""Boost requests in storage: one already waiting for the same post."""
from __future__ import annotations

from sqlalchemy import select

from chat.services import Services
from dialogs.approvals.rules import OPEN
from storage.models.accounts import ApprovalRequest


async def waiting_for(svc: Services, requester: str, link: str) -> ApprovalRequest | None:
    async with svc.db.sessions() as s:
        for req in await s.scalars(select(ApprovalRequest).where(
                ApprovalRequest.kind == "boost", ApprovalRequest.requester == requester,
                ApprovalRequest.state.in_(OPEN))):
            if req.details.get("link") == link:
                return req
    return None
