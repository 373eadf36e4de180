"""Account requests in storage: filing one (with its event), and finding one already in the register or waiting."""
from __future__ import annotations

from typing import Awaitable, Callable

from sqlalchemy import func, select

from chat.services import Services
from dialogs.approvals.rules import OPEN, PENDING, Step
from storage.claims import once
from storage.events import record_event
from storage.models.accounts import ApprovalRequest, SocialAccount


async def same_name(svc: Services, platform_label: str, name: str) -> tuple[SocialAccount | None,
                    list[ApprovalRequest]]:
    """The active account, and the open requests, with this platform and name (2.5: one register, no duplicates)."""
    async with svc.db.sessions() as s:
        acct = await s.scalar(select(SocialAccount).where(
            func.lower(SocialAccount.platform) == platform_label.lower(),
            func.lower(SocialAccount.name) == name.lower(), SocialAccount.state == "active"))
        waiting = [r for r in await s.scalars(select(ApprovalRequest).where(
            ApprovalRequest.kind == "account", ApprovalRequest.state.in_(OPEN)))
            if (r.details.get("platform_label", "").lower(), r.details.get("account_name", "").lower())
            == (platform_label.lower(), name.lower())]
    return acct, waiting


async def insert_request(svc: Services, requester: str, steps: list[Step], details: dict,
                         then: Callable[..., Awaitable[None]], request_key: str | None = None) -> ApprovalRequest:
    """A new account request at its first step, with its `submitted` event; `then(session, req)` queues what
    it causes. A second run of the same delivery (`request_key`) raises storage.claims.Repeated."""
    now = svc.now()
    async with svc.db.transaction() as s:
        if request_key:
            await once(s, request_key, now)
        req = ApprovalRequest(kind="account", requester=requester, state=PENDING, step=0,
                              steps=[st.dump() for st in steps], details=details, history=[], thread=[],
                              created_at=now, step_started_at=now)
        s.add(req)
        await s.flush()
        await record_event(s, at=now, actor=requester, subject_kind="account_request", subject_id=req.id,
                           action="submitted", to_state=f"pending:{steps[0].key}",
                           details={"platform": details["platform_label"], "name": details["account_name"]})
        await then(s, req)
    return req
