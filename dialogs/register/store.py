"""The accounts register in storage: who administers which account, and an approved request entering it."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.services import Services
from storage.events import record_event
from storage.models.accounts import AccountAdmin, SocialAccount


async def active_admins(session: AsyncSession, account_id: int) -> list[str]:
    rows = await session.scalars(select(AccountAdmin.email).where(
        AccountAdmin.account_id == account_id, AccountAdmin.removed_at.is_(None)).order_by(AccountAdmin.id))
    return list(rows)


async def administrators_of(session_or_svc, account_name: str) -> list[str]:
    """Emails of everyone who administers the named account (any platform), e.g. to tell them to stop posting.

    Takes an open session or the Services; with Services an organisation-file account key works too."""
    names = {account_name.strip().lower()}
    config = getattr(session_or_svc, "config", None)
    if config is not None and account_name in config.accounts:
        names.add(config.accounts[account_name].name.lower())

    async def query(session: AsyncSession) -> list[str]:
        rows = await session.scalars(
            select(AccountAdmin.email).join(SocialAccount, SocialAccount.id == AccountAdmin.account_id).where(
                func.lower(SocialAccount.name).in_(names), SocialAccount.state == "active",
                AccountAdmin.removed_at.is_(None)))
        return sorted(set(rows))

    if isinstance(session_or_svc, AsyncSession):
        return await query(session_or_svc)
    async with session_or_svc.db.sessions() as session:
        return await query(session)


async def add_account(svc: Services, session: AsyncSession, req, actor: str) -> SocialAccount:
    """An approved request enters the register, in the same transaction as the approval."""
    d = req.details
    now = svc.now()
    acct = SocialAccount(request_id=req.id, platform=d["platform_label"], name=d["account_name"],
                         service_area=d["service_area"], kind=d["kind"], owner=req.requester, manager=d["manager"],
                         monitored_hours=d["monitored"], state="active", created_at=now)
    session.add(acct)
    await session.flush()
    for email in d["administrators"]:
        session.add(AccountAdmin(account_id=acct.id, email=email, added_at=now))
    await record_event(session, at=now, actor=actor, subject_kind="social_account", subject_id=acct.id,
                       action="registered", to_state="onboarding",
                       details={"request": req.id, "platform": acct.platform, "name": acct.name,
                                "administrators": d["administrators"]})
    return acct
