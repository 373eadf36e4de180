"""Helpers shared by the mourning pause tests (no tests here): register entries, pauses, DMs."""
from __future__ import annotations

from sqlalchemy import select

from storage.models.accounts import AccountAdmin, SocialAccount
from storage.models.pause import MourningPause


async def register_account(bot, name: str, admins: list[str], platform: str = "Facebook",
                           removed: list[str] = ()) -> int:
    """An account straight into the register (the accounts workflow's own tests cover how it gets there)."""
    now = bot.svc.now()
    async with bot.svc.db.transaction() as s:
        acct = SocialAccount(platform=platform, name=name, service_area="Test", kind="service",
                             owner=admins[0], manager="manager@example.gov.uk", monitored_hours="9 to 5",
                             state="active", created_at=now)
        s.add(acct)
        await s.flush()
        for email in admins:
            s.add(AccountAdmin(account_id=acct.id, email=email, added_at=now))
        for email in removed:
            s.add(AccountAdmin(account_id=acct.id, email=email, added_at=now, removed_at=now,
                               removed_by="comms@example.gov.uk"))
    return acct.id


async def pauses(bot) -> list[MourningPause]:
    async with bot.svc.db.sessions() as s:
        return list(await s.scalars(select(MourningPause).order_by(MourningPause.id)))


def dms(bot, user: str, containing: str) -> list:
    return [c for c in bot.slack.to(user) if containing in c.text()]


def last_reply(bot) -> str:
    return bot.slack.responses()[-1].text()
