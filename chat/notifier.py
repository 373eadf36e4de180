"""Sends DMs and channel posts on either platform, once.

A send with a `claim=(kind, item, day)` inserts a unique claim row first; only the process whose insert
succeeded sends, and a failed send releases the claim so the next sweep retries. This is what makes a daily
reminder go out exactly once even with several bot instances on one PostgreSQL.
"""
from __future__ import annotations

import logging
from time import monotonic
from typing import TYPE_CHECKING

from storage.claims import mark_sent, release_claim, try_claim

from .messages import Message, MessageRef, PersonRef, UploadFile
from .platforms import MessageReader, PlatformSender, Room, SendError

if TYPE_CHECKING:
    from .services import Services

log = logging.getLogger(__name__)

# Every reply asks for the banner, so the line is kept for a few seconds rather than read from the database each
# time. It is forgotten whenever this process changes what a banner says (forget_banner), and when the clock
# moves to another minute; a change made by another instance shows within BANNER_CACHE_SECONDS.
BANNER_CACHE_SECONDS = 5.0


class Notifier:
    """Belongs to one Services, which it reads for the organisation, the database, the clock, the directory
    and the registry's banners. `senders` (platform -> PlatformSender) is shared with the directory and filled
    in as the platform edges connect."""

    def __init__(self, svc: "Services", senders: dict[str, PlatformSender]):
        self.svc = svc
        self.senders = senders
        self._banner: tuple[object, float, str | None] | None = None   # (minute, valid until, line)

    def connected(self, platform: str | None) -> bool:
        """Whether the bot can send on `platform` now (its edge is configured and connected)."""
        return platform in self.senders

    def reader(self, platform: str | None) -> MessageReader | None:
        """The platform's MessageReader, when it is connected and can read files and messages."""
        sender = self.senders.get(platform)
        return sender if sender is not None and hasattr(sender, "download") else None

    async def banner(self) -> str | None:
        """The registry's banners joined into one line (a mourning pause, say), or None."""
        if not self.svc.registry.banners:
            return None
        minute = self.svc.now().replace(second=0, microsecond=0)
        cached = self._banner
        if cached and cached[0] == minute and monotonic() < cached[1]:
            return cached[2]
        lines, failed = [], False
        for fn in self.svc.registry.banners:
            try:
                line = await fn(self.svc)
            except Exception:
                log.exception("banner failed")
                line, failed = None, True
            if line:
                lines.append(line)
        joined = " ".join(lines) or None
        if not failed:  # a banner that could not be read is asked again next time
            self._banner = (minute, monotonic() + BANNER_CACHE_SECONDS, joined)
        return joined

    def forget_banner(self) -> None:
        """Call after changing what a banner says, so this process shows the change at once."""
        self._banner = None

    async def dm(self, to: str | PersonRef, message: Message, *, claim: tuple[str, str, str] | None = None,
                 banner: bool = True) -> MessageRef | None:
        """DM a person (by email or platform id). None when they cannot be reached or it was already sent."""
        platform, user_id = await self._target(to)
        if user_id is None:
            log.warning("no way to reach %s on any connected platform", _safe(to))
            return None
        if banner:
            message = message.with_banner(await self.banner())
        return await self._send(claim, lambda: self.senders[platform].dm(user_id, message))

    async def post(self, channel: str, message: Message, *, platform: str | None = None,
                   claim: tuple[str, str, str] | None = None) -> list[MessageRef]:
        """Post to a configured channel name (e.g. `comms_team`) on every platform it has, or to a raw id."""
        targets = self._channel_targets(channel, platform)
        message = message.with_banner(await self.banner())
        sent = []
        failures = []
        for p, cid in targets:
            key = (claim[0], f"{claim[1]}@{p}", claim[2]) if claim else None
            try:
                ref = await self._send(key, lambda p=p, cid=cid: self.senders[p].post(cid, message))
            except SendError as exc:  # one platform failing must not lose the copy sent on the other
                log.warning("could not post to %s on %s: %s", channel, p, exc.reason)
                failures.append(exc)
                continue
            if ref:
                sent.append(ref)
        if failures and not sent:
            raise failures[0]
        return sent

    async def update(self, ref: MessageRef, message: Message) -> None:
        sender = self.senders.get(ref.platform)
        if sender is not None:
            await sender.update(ref, message)

    async def upload(self, platform: str, channel: str, file: UploadFile) -> None:
        await self.senders[platform].upload(channel, file)

    # --- rooms: pass-throughs to the platform's RoomSender methods (a crisis room) ---------------------------

    def _room_sender(self, platform: str, method: str):
        sender = self.senders.get(platform)
        if sender is None or not hasattr(sender, method):
            raise SendError(f"{platform.capitalize() if platform else 'That platform'} is not connected")
        return getattr(sender, method)

    async def create_room(self, platform: str, name: str, *, private: bool = True, parent: str | None = None,
                          intro: Message | None = None) -> Room:
        return await _guard(self._room_sender(platform, "create_room")(name, private, parent=parent, intro=intro))

    async def invite(self, platform: str, channel: str, user_ids: list[str], note: str | None = None) -> dict:
        """{user id: reason} for each person who could not be added."""
        return await _guard(self._room_sender(platform, "invite")(channel, user_ids, note))

    async def pin(self, ref: MessageRef) -> None:
        await _guard(self._room_sender(ref.platform, "pin")(ref))

    async def remove_from_room(self, platform: str, channel: str, user_id: str) -> str | None:
        return await _guard(self._room_sender(platform, "remove")(channel, user_id))

    def channel_ids(self, channel: str, platform: str | None = None) -> list[tuple[str, str]]:
        return self._channel_targets(channel, platform)

    # --- internals ---------------------------------------------------------------------------------------

    async def _target(self, to: str | PersonRef) -> tuple[str | None, str | None]:
        if isinstance(to, PersonRef) and to.platform in self.senders and to.user_id:
            return to.platform, to.user_id
        email = to if isinstance(to, str) else to.email
        if not email:
            return None, None
        ids = await self.svc.directory.user_ids(email)
        return ids[0] if ids else (None, None)

    def _channel_targets(self, channel: str, platform: str | None) -> list[tuple[str, str]]:
        configured = self.svc.config.channels.get(channel)
        if configured:
            pairs = [(p, cid) for p, cid in configured.items() if p in self.senders]
        elif platform:
            pairs = [(platform, channel)] if platform in self.senders else []
        else:
            pairs = []
        if platform:
            pairs = [(p, c) for p, c in pairs if p == platform]
        return pairs

    async def _send(self, claim, send) -> MessageRef | None:
        db = self.svc.db
        if claim and not await try_claim(db, *claim, now=self.svc.now()):
            return None
        try:
            ref = await send()
        except Exception as exc:
            if claim:
                await release_claim(db, *claim)
            if isinstance(exc, SendError):
                raise
            raise SendError(f"the message could not be sent ({type(exc).__name__})") from exc
        if claim:
            await mark_sent(db, *claim)
        return ref


async def _guard(awaitable):
    """Platform failures become SendError, whose reason is safe to show to a person."""
    try:
        return await awaitable
    except SendError:
        raise
    except Exception as exc:
        log.exception("room operation failed")
        raise SendError(f"the platform call failed ({type(exc).__name__})") from exc


def _safe(to) -> str:
    return to if isinstance(to, str) else f"{to.platform}:{to.user_id}"
