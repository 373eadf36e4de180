"""Who is who across platforms: platform user ids <-> email addresses, remembered in the identities table."""
from __future__ import annotations

import asyncio
import logging
import re

from storage.db import Database
from storage.identity import identities_by_email, identity_by_user, remember_identity

from .clock import Clock
from .messages import PersonRef
from .platforms import PlatformSender

log = logging.getLogger(__name__)


# How people are named in a command: Slack escapes an @mention as <@U123|name> (should_escape is on) and an
# address as <mailto:a@b|a@b>; Teams mentions arrive as addresses already (bot/teams/agent.py); or typed.
SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
SLACK_MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>")
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


class Directory:
    def __init__(self, db: Database, clock: Clock, senders: dict[str, PlatformSender]):
        self.db = db
        self.clock = clock
        self.senders = senders  # platform -> PlatformSender
        # (platform, user id) -> email. Emails rarely change; this saves a query on every request.
        self._emails: dict[tuple[str, str], str] = {}
        # Concurrent first requests from one person share one lookup instead of racing to write it.
        self._pending: dict[tuple[str, str], asyncio.Future] = {}

    async def emails_of(self, people) -> tuple[list[str], list[str]]:
        """The emails of the people picked in a form, each once and in order, and the label of each one who has
        none (to say who could not be found)."""
        found, missing = [], []
        for person in people or []:
            email = await self.email_of(person) if isinstance(person, PersonRef) else None
            if email:
                found.append(email)
            else:
                missing.append(getattr(person, "label", None) or "someone")
        return list(dict.fromkeys(found)), missing

    async def email_of(self, person: PersonRef | None) -> str | None:
        """The person's email: given, remembered, or asked of the platform (then remembered)."""
        if person is None:
            return None
        if person.email:
            return person.email.lower()
        if not person.platform or not person.user_id:
            return None
        key = (person.platform, person.user_id)
        if key in self._emails:
            return self._emails[key]
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            email = await self._lookup(person, key)
            future.set_result(email)
            return email
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters (if any) re-raise it themselves
            raise
        finally:
            del self._pending[key]

    async def _lookup(self, person: PersonRef, key: tuple[str, str]) -> str | None:
        async with self.db.sessions() as session:
            row = await identity_by_user(session, person.platform, person.user_id)
        if row and row.email:
            self._remember(key, row.email)
            return row.email
        sender = self.senders.get(person.platform)
        if sender is None:
            return None
        try:
            email, name = await sender.user_email(person.user_id)
        except Exception as exc:  # the platform is down or the scope is missing: carry on without an email
            log.warning("could not look up %s user %s: %s", person.platform, person.user_id, exc)
            return None
        await remember_identity(self.db, person.platform, person.user_id, email, name, self.clock.now())
        if email:
            self._remember(key, email.lower())
        return email.lower() if email else None

    def _remember(self, key: tuple[str, str], email: str) -> None:
        if len(self._emails) > 50_000:  # bounded: a large tenant must not grow memory without limit
            self._emails.clear()
        self._emails[key] = email

    async def platform_profile(self, platform: str, user_id: str) -> tuple[str | None, str | None]:
        """(email, display name) as the platform's own directory gives them; (None, None) when that platform is
        not connected. Raises whatever the platform raises (callers asking for a name carry on without one)."""
        sender = self.senders.get(platform)
        if sender is None:
            return None, None
        return await sender.user_email(user_id)

    async def resolve(self, person: PersonRef) -> PersonRef:
        email = await self.email_of(person)
        return PersonRef(person.platform, person.user_id, email, person.name)

    async def user_ids(self, email: str) -> list[tuple[str, str]]:
        """(platform, user id) pairs for an email, most recently seen first; asks Slack when nobody is known."""
        async with self.db.sessions() as session:
            rows = await identities_by_email(session, email)
        found = [(r.platform, r.user_id) for r in rows if r.platform in self.senders]
        if found:
            return found
        slack = self.senders.get("slack")
        if slack is not None:
            try:
                user_id = await slack.user_by_email(email)
            except Exception as exc:
                log.warning("users.lookupByEmail failed: %s", exc)
                user_id = None
            if user_id:
                await remember_identity(self.db, "slack", user_id, email, None, self.clock.now())
                return [("slack", user_id)]
        return []

    async def user_id_on(self, email: str, platform: str) -> str | None:
        for p, uid in await self.user_ids(email):
            if p == platform:
                return uid
        return None

    async def person_named_in(self, text: str | None) -> PersonRef | None:
        """The first person a command names: a Slack @mention (resolved to an email when Slack will say) or an
        email address. None when nobody is named; a PersonRef without an email when Slack would not say."""
        text = text or ""
        found = SLACK_MENTION.search(text)
        if found:
            return await self.resolve(PersonRef("slack", found.group(1), name=found.group(2)))
        found = SLACK_MAILTO.search(text) or EMAIL.search(text)
        if found:
            email = (found.group(1) if found.re is SLACK_MAILTO else found.group(0)).lower()
            return PersonRef(None, None, email)
        return None

    async def mention(self, email: str | None, platform: str) -> str:
        """How to name someone in a message on `platform`: a Slack mention when we can, else the address."""
        if not email:
            return "someone"
        if platform == "slack":
            uid = await self.user_id_on(email, "slack")
            if uid:
                return f"<@{uid}>"
        return email
