"""The blocked-accounts list and harassment reports: one report per delivery (storage.claims.once), the account
added or its count raised in the same transaction, with one event. Handle and platform only (3.9)."""
from __future__ import annotations

from sqlalchemy import func, select, update

from chat.services import Services
from storage.claims import once
from storage.events import record_event
from storage.models.harassment import BlockedAccount, HarassmentReport

from .rules import handle_key, reference

SUBJECT = "harassment_report"


async def file(svc: Services, session, *, platform: str, handle: str, reporter: str,
               request_key: str | None) -> tuple[HarassmentReport, BlockedAccount, bool]:
    """In the caller's transaction: (the report, the account, whether the account is new to the list).
    Raises storage.claims.Repeated when this delivery was filed before."""
    now = svc.now()
    if request_key:
        await once(session, request_key, now)
    key = handle_key(handle)
    account = await session.scalar(select(BlockedAccount).where(BlockedAccount.platform == platform,
                                                                func.lower(BlockedAccount.handle) == key))
    new = account is None
    if new:
        account = BlockedAccount(platform=platform, handle=handle, reports=1, first_reported_at=now,
                                 last_reported_at=now)
        session.add(account)
        await session.flush()
    else:
        await session.execute(update(BlockedAccount).where(BlockedAccount.id == account.id)
                              .values(reports=BlockedAccount.reports + 1, last_reported_at=now)
                              .execution_options(synchronize_session=False))
        await session.refresh(account)
    report = HarassmentReport(account_id=account.id, created_at=now)
    session.add(report)
    await session.flush()
    report.reference = reference(svc.local_now().year, report.id)
    await record_event(session, at=now, actor=reporter, subject_kind=SUBJECT, subject_id=report.reference,
                       action="reported", details={"platform": platform, "handle": account.handle,
                                                   "blocked_list": "added" if new else "seen again"})
    return report, account, new


async def blocked(svc: Services) -> list[BlockedAccount]:
    async with svc.db.sessions() as s:
        return list(await s.scalars(select(BlockedAccount)
                                    .order_by(BlockedAccount.last_reported_at.desc(), BlockedAccount.id)))
