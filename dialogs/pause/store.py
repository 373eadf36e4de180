"""The mourning pause in storage: the pause in force, closing it once (with its event), and who to tell (the
accounts register's administrators)."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from chat.services import Services
from chat.wording import display_name
from dialogs.register import store as register
from dialogs.register.messages import account_label
from storage.events import record_event
from storage.models.pause import MourningPause

from .rules import KIND

log = logging.getLogger(__name__)


async def name_of(svc: Services, email: str | None) -> str:
    """A person's name for the pause's messages ("the bot" for what the bot did itself)."""
    if not email or email == "system":
        return "the bot"
    return await display_name(svc, email)


async def active_row(session) -> MourningPause | None:
    return await session.scalar(select(MourningPause).where(MourningPause.active == 1))


async def current(svc: Services) -> MourningPause | None:
    """The pause in force now. One past its end counts as over even before the sweep has closed it."""
    async with svc.db.sessions() as session:
        row = await active_row(session)
    return row if row is not None and row.ends_at > svc.now() else None


async def administrators(svc: Services) -> dict[str, list[str]]:
    """{email: ["Facebook “Suffolk Highways”", ...]} for every current administrator in the accounts register.

    The accounts register is the one list of who has access (5.5). When it cannot be read, nobody.
    """
    try:
        async with svc.db.sessions() as session:
            rows = await register.all_administrators(session)
    except SQLAlchemyError as exc:
        log.warning("could not read the accounts register for the mourning pause: %s", type(exc).__name__)
        return {}
    found: dict[str, list[str]] = {}
    for email, platform, name in rows:
        found.setdefault(email.lower(), []).append(account_label(platform, name))
    return found


async def close(session, pause: MourningPause, actor: str, now: datetime, action: str) -> bool:
    """End a pause once: the conditional update's row count says whether this call did it."""
    result = await session.execute(
        update(MourningPause).where(MourningPause.id == pause.id, MourningPause.active == 1)
        .values(active=None, ended_at=now, ended_by=actor).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    await record_event(session, at=now, actor=actor, subject_kind=KIND, subject_id=pause.id, action=action,
                       from_state="active", to_state="ended",
                       details={"early": action == "ended", "days": pause.days})
    return True
