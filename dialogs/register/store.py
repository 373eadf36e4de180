"""The accounts register in storage: who administers which account, and an approved request entering it."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat.services import Services
from storage.events import record_event
from storage.models.accounts import AccountAdmin, SocialAccount

from .rules import ACCESS_PLATFORM, PLATFORMS


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


async def account_ids_named(svc: Services, account: str) -> list[int]:
    """The register's entries for an account named in a crisis (an organisation-file key, whose name is looked up,
    or the name itself), each exactly as registered (any case). Read once, when the crisis starts: from then on the
    crisis follows these ids, so a rename or a similarly named account changes nothing."""
    names = {" ".join(account.split()).lower()}
    if account in svc.config.accounts:
        names = {" ".join(svc.config.accounts[account].name.split()).lower()}
    async with svc.db.sessions() as session:
        rows = await session.scalars(select(SocialAccount.id).where(
            func.lower(func.trim(SocialAccount.name)).in_(names), SocialAccount.state == "active")
            .order_by(SocialAccount.id))
        return list(rows)


async def administrators_of_ids(svc: Services, account_ids: list[int]) -> list[str]:
    """Emails of everyone who administers any of these register entries now."""
    if not account_ids:
        return []
    async with svc.db.sessions() as session:
        rows = await session.scalars(select(AccountAdmin.email).where(
            AccountAdmin.account_id.in_(account_ids), AccountAdmin.removed_at.is_(None)))
        return sorted(set(rows))


async def all_administrators(session: AsyncSession) -> list[tuple[str, str, str]]:
    """(email, platform, account name) for every current administrator of every active account."""
    rows = await session.execute(
        select(AccountAdmin.email, SocialAccount.platform, SocialAccount.name)
        .join(SocialAccount, SocialAccount.id == AccountAdmin.account_id)
        .where(SocialAccount.state == "active", AccountAdmin.removed_at.is_(None))
        .order_by(SocialAccount.platform, SocialAccount.name))
    return [tuple(r) for r in rows.all()]


def with_station_admin(svc: Services, kind: str, admins: list[str], fire_service: bool = False) -> list[str]:
    """The SFRS social media administrator has administration rights on every station account (8.2 2.4) and on
    a fire-service profile dedicated to someone's role (8.2 5.5)."""
    wanted = kind == "station" or (fire_service and kind == "professional")
    extra = list(svc.config.members("sfrs_social_media_admin")) if wanted else []
    return list(dict.fromkeys([*admins, *extra]))


def on_access_platform(platform_label: str) -> bool:
    return platform_label.lower() in {label.lower() for key, label in PLATFORMS if key in ACCESS_PLATFORM}


async def add_account(svc: Services, session: AsyncSession, req, actor: str) -> SocialAccount:
    """An approved request enters the register, in the same transaction as the approval."""
    d = req.details
    now = svc.now()
    acct = SocialAccount(request_id=req.id, platform=d["platform_label"], name=d["account_name"],
                         service_area=d["service_area"], kind=d["kind"], owner=req.requester, manager=d["manager"],
                         monitored_hours=d["monitored"], state="active", created_at=now,
                         on_access_platform=on_access_platform(d["platform_label"]))
    session.add(acct)
    await session.flush()
    admins = with_station_admin(svc, d["kind"], d["administrators"], svc.config.profile_for(req.requester) == "sfrs")
    for email in admins:
        session.add(AccountAdmin(account_id=acct.id, email=email, added_at=now, added_by=actor))
    await record_event(session, at=now, actor=actor, subject_kind="social_account", subject_id=acct.id,
                       action="registered", to_state="onboarding",
                       details={"request": req.id, "platform": acct.platform, "name": acct.name,
                                "administrators": admins})
    return acct


async def add_admin(session: AsyncSession, account_id: int, email: str, actor: str, now) -> bool:
    """Give `email` access, once: False when they already have it. One who was removed is added back."""
    row = await session.scalar(select(AccountAdmin).where(AccountAdmin.account_id == account_id,
                                                          AccountAdmin.email == email))
    if row is None:
        session.add(AccountAdmin(account_id=account_id, email=email, added_at=now, added_by=actor))
        await session.flush()
    elif (await session.execute(update(AccountAdmin).where(
            AccountAdmin.id == row.id, AccountAdmin.removed_at.is_not(None))
            .values(removed_at=None, removed_by=None, added_at=now, added_by=actor)
            .execution_options(synchronize_session=False))).rowcount != 1:
        return False
    await record_event(session, at=now, actor=actor, subject_kind="social_account", subject_id=account_id,
                       action="admin_added", details={"administrator": email})
    return True


async def remove_admin(session: AsyncSession, account_id: int, email: str, actor: str, now, reason: str) -> bool:
    """Take `email`'s access away, once: False when they had none."""
    done = (await session.execute(update(AccountAdmin).where(
        AccountAdmin.account_id == account_id, AccountAdmin.email == email, AccountAdmin.removed_at.is_(None))
        .values(removed_at=now, removed_by=actor).execution_options(synchronize_session=False))).rowcount == 1
    if done:
        await record_event(session, at=now, actor=actor, subject_kind="social_account", subject_id=account_id,
                           action="admin_removed", details={"administrator": email, "reason": reason})
    return done
