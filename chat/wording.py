"""How every workflow's messages name people and moments, so they read the same everywhere."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.identity import remember_identity
from storage.models.core import Identity

from .services import Services


def count(n: int, one: str, many: str | None = None) -> str:
    """`count(3, "day")` -> "3 days", `count(1, "day")` -> "1 day": never "3 day(s)"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def either(names) -> str:
    """["Cam Comms", "Cat Comms", "Hal Head"] -> "Cam Comms, Cat Comms or Hal Head"."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}" if names else ""


def when(svc: Services, dt: datetime) -> str:
    """`14:05 on Tuesday 1 December 2026`, in the organisation's time zone."""
    local = dt.astimezone(svc.config.tz)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


async def display_name(svc: Services, email: str) -> str:
    """One person's name for a message (see display_names): the organisation file, the platforms, the address."""
    return (await display_names(svc, [email]))[email] if email else email


async def display_names(svc: Services, emails) -> dict[str, str]:
    """Display names for emails: the organisation file, then what the platforms told us, then the address."""
    emails = {e for e in emails if e}
    out = {e: svc.config.display_name(e) for e in emails}
    unknown = [e for e, n in out.items() if n == e]
    if not unknown:
        return out
    nameless: dict[str, tuple[str, str]] = {}
    async with svc.db.sessions() as s:
        for row in await s.scalars(select(Identity).where(Identity.email.in_(unknown))):
            if row.name:
                out[row.email] = row.name
            else:
                nameless[row.email] = (row.platform, row.user_id)
    for email in unknown:
        if out[email] == email and email not in nameless:
            try:  # never seen: the platform's directory finds them by email (Slack's users.lookupByEmail)
                ids = await svc.directory.user_ids(email)
            except Exception:
                ids = []
            if ids:
                nameless[email] = ids[0]
    for email, (platform, user_id) in nameless.items():
        if out[email] != email or not svc.notifier.connected(platform):
            continue
        try:  # found by email lookup, which gives no name: ask once and remember it
            _, name = await svc.directory.platform_profile(platform, user_id)
        except Exception:
            continue
        if name:
            out[email] = name
            await remember_identity(svc.db, platform, user_id, email, name, svc.now())
    return out
