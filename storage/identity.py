"""Platform user ids linked to email addresses."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import Database
from .models import ConversationRef, Identity


async def remember_identity(db: Database, platform: str, user_id: str, email: str | None, name: str | None,
                            now: datetime) -> None:
    async with db.transaction() as session:
        row = await session.scalar(
            select(Identity).where(Identity.platform == platform, Identity.user_id == user_id)
        )
        if row is None:
            session.add(Identity(platform=platform, user_id=user_id, email=(email or None) and email.lower(),
                                 name=name, seen_at=now))
        else:
            if email:
                row.email = email.lower()
            if name:
                row.name = name
            row.seen_at = now


async def identity_by_user(session: AsyncSession, platform: str, user_id: str) -> Identity | None:
    return await session.scalar(select(Identity).where(Identity.platform == platform, Identity.user_id == user_id))


async def identities_by_email(session: AsyncSession, email: str) -> list[Identity]:
    rows = await session.scalars(
        select(Identity).where(Identity.email == email.lower()).order_by(Identity.seen_at.desc())
    )
    return list(rows)


async def save_conversation_ref(db: Database, platform: str, key: str, reference: dict, now: datetime) -> None:
    async with db.transaction() as session:
        row = await session.scalar(
            select(ConversationRef).where(ConversationRef.platform == platform, ConversationRef.key == key)
        )
        if row is None:
            session.add(ConversationRef(platform=platform, key=key, reference=reference, updated_at=now))
        else:
            row.reference = reference
            row.updated_at = now


async def conversation_ref(session: AsyncSession, platform: str, key: str) -> dict | None:
    row = await session.scalar(
        select(ConversationRef).where(ConversationRef.platform == platform, ConversationRef.key == key)
    )
    return row.reference if row else None
