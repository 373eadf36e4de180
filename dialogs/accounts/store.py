"""Account requests in storage: finding one already in the register or waiting (dialogs/approvals/store.py files
them)."""
from __future__ import annotations

from sqlalchemy import func, select

from chat.services import Services
from dialogs.approvals.rules import OPEN
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
