"""Platform user ids linked to email addresses."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from .db import Database
from .models import ConversationRef, Identity


def _insert(db: Database, model):
    """INSERT … ON CONFLICT for this database: several instances meeting a new person at once must not race
    (a select-then-insert lets two of them insert, and one fails)."""
    return (postgresql.insert if db.dialect == "postgresql" else sqlite.insert)(model)


async def remember_identity(db: Database, platform: str, user_id: str, email: str | None, name: str | None,
                            now: datetime, aad_object_id: str | None = None) -> None:
    email = email.lower() if email else None
    stmt = _insert(db, Identity).values(platform=platform, user_id=user_id, email=email, name=name or None,
                                        seen_at=now, aad_object_id=aad_object_id or None)
    # A known person: keep what we knew when the platform did not say it this time.
    stmt = stmt.on_conflict_do_update(
        index_elements=[Identity.platform, Identity.user_id],
        set_={"email": func.coalesce(stmt.excluded.email, Identity.email),
              "name": func.coalesce(stmt.excluded.name, Identity.name),
              "aad_object_id": func.coalesce(stmt.excluded.aad_object_id, Identity.aad_object_id),
              "seen_at": stmt.excluded.seen_at},
    )
    async with db.transaction() as session:
        await session.execute(stmt)


async def identity_by_user(session: AsyncSession, platform: str, user_id: str) -> Identity | None:
    return await session.scalar(select(Identity).where(Identity.platform == platform, Identity.user_id == user_id))


async def identities_by_email(session: AsyncSession, email: str) -> list[Identity]:
    rows = await session.scalars(
        select(Identity).where(Identity.email == email.lower()).order_by(Identity.seen_at.desc())
    )
    return list(rows)


async def save_conversation_ref(db: Database, platform: str, key: str, reference: dict, now: datetime) -> None:
    stmt = _insert(db, ConversationRef).values(platform=platform, key=key, reference=reference, updated_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=[ConversationRef.platform, ConversationRef.key],
                                      set_={"reference": stmt.excluded.reference,
                                            "updated_at": stmt.excluded.updated_at})
    async with db.transaction() as session:
        await session.execute(stmt)


async def conversation_ref(session: AsyncSession, platform: str, key: str) -> dict | None:
    row = await session.scalar(
        select(ConversationRef).where(ConversationRef.platform == platform, ConversationRef.key == key)
    )
    return row.reference if row else None


async def identity_by_aad(session: AsyncSession, aad_object_id: str) -> Identity | None:
    """The Teams person with this Azure AD object id (what the Teams people picker answers with)."""
    return await session.scalar(select(Identity).where(Identity.platform == "teams",
                                                       Identity.aad_object_id == aad_object_id).limit(1))


async def remember_members(db: Database, platform: str,
                           members: list[tuple[str, str | None, str | None, str | None]],
                           reference: dict, now: datetime) -> None:
    """A page of a team's roster in one transaction: each (user id, email, name, AAD object id) as an identity,
    and the team's conversation reference under `member:<user id>`, which is what opening a 1:1 chat with them needs
    (the service URL, the tenant, the bot)."""
    if not members:
        return
    ident = _insert(db, Identity).values([
        {"platform": platform, "user_id": uid, "email": email.lower() if email else None, "name": name or None,
         "aad_object_id": aad or None, "seen_at": now} for uid, email, name, aad in members])
    ident = ident.on_conflict_do_update(
        index_elements=[Identity.platform, Identity.user_id],
        set_={"email": func.coalesce(ident.excluded.email, Identity.email),
              "name": func.coalesce(ident.excluded.name, Identity.name),
              "aad_object_id": func.coalesce(ident.excluded.aad_object_id, Identity.aad_object_id),
              "seen_at": ident.excluded.seen_at})
    refs = _insert(db, ConversationRef).values([
        {"platform": platform, "key": f"member:{uid}", "reference": reference, "updated_at": now}
        for uid, _, _, _ in members])
    refs = refs.on_conflict_do_update(index_elements=[ConversationRef.platform, ConversationRef.key],
                                      set_={"reference": refs.excluded.reference,
                                            "updated_at": refs.excluded.updated_at})
    async with db.transaction() as session:
        await session.execute(ident)
        await session.execute(refs)
