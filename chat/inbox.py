"""The durable inbox: the one way to do work after an interaction.

A platform edge turns a delivery into a neutral Invocation and, before it answers the platform, writes it down
with where replies go (`receive`, keyed by the delivery's request key: a redelivery finds the key and is
dropped). Then the work runs (`handle`: the handler, within WORK_BUDGET) and is finished (`finish`: the
replies queued in the outbox in the same transaction that marks the item done, then sent; slow work the
handler caused, such as an email or convening a crisis, is an outbox job queued with its change). A
form waits at most FORM_BUDGET for its handler before the platform is answered, so a slow platform never
keeps Slack's 3-second limit; what the handler says after that reaches the person as a message.

A process that dies part-way leaves the item leased; the recovery sweep (at start-up and every minute, on any
instance) takes over items whose lease has run out and runs them again. Handlers are written to be run again:
their state changes are conditional (UPDATE ... WHERE state = ...), and the messages a change causes are
queued in the outbox with it, so a re-run neither repeats the change nor loses or repeats a message.
"""
from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING

from storage import inbox as store

from . import wire
from .dispatch import dispatch
from .commands import typed
from .messages import Text, message
from .outbox import collecting
from .registry import Every, Sweep, Workflow
from .replies import DirectMessage, Ephemeral, FormErrors, Invocation, OpenForm

if TYPE_CHECKING:
    from .services import Services

log = logging.getLogger(__name__)

WORK_BUDGET = 120.0   # seconds any one piece of work may take; inside storage.inbox.LEASE, so no double run
FORM_BUDGET = 2.0     # seconds a form submission waits for its handler before the platform is answered

TOO_SLOW = ("That is taking me much longer than it should, so I've stopped. Part of it may have been done: "
            "check with `{status}` (or the channel it went to) before trying again.")
GAVE_UP = ("Sorry: I couldn't finish what you asked at {when}, after several tries. Please try again; "
           "if it keeps happening, tell the Communications Team.")


# The writes the running handler left for the transaction that queues its replies (`with_replies`).
_for_finish: ContextVar[list | None] = ContextVar("inbox_for_finish", default=None)


def too_slow(platform: str | None) -> str:
    return TOO_SLOW.format(status=typed("smpolicy", "status", platform))


class Inbox:
    def __init__(self, svc: "Services"):
        self.svc = svc

    async def receive(self, key: str, inv: Invocation, ctx: dict) -> bool:
        """Write the delivery down before the platform is answered. False for a delivery seen before."""
        body = {"inv": wire.dump(inv), "reply": ctx}
        return await store.accept(self.svc.db, key=key, platform=inv.platform, kind=inv.kind,
                                  name=inv.command or inv.family, body=body, now=self.svc.now())

    async def process(self, key: str, inv: Invocation, ctx: dict, *, late: bool = False) -> None:
        """Do the work of a received delivery and send its replies."""
        replies, keys = await self.handle(inv)
        await self.finish(key, inv, ctx, replies, keys, late=late)

    async def handle(self, inv: Invocation) -> tuple[list, list[str]]:
        """Run the handler. Returns its replies and the outbox keys it queued."""
        with collecting() as keys:
            token = _for_finish.set(keys.writes)
            try:
                replies = await asyncio.wait_for(self._dispatch(inv), WORK_BUDGET)
            except asyncio.TimeoutError:
                log.error("%s %s/%s ran past its time budget and was stopped", inv.platform, inv.kind, inv.command)
                replies = [Ephemeral(message(Text(too_slow(inv.platform))))]
            finally:
                _for_finish.reset(token)
        return replies, keys

    async def _dispatch(self, inv: Invocation) -> list:
        inv.user = await self.svc.directory.resolve(inv.user)
        return await dispatch(self.svc, inv)

    async def finish(self, key: str, inv: Invocation, ctx: dict, replies: list, keys: list[str],
                     *, late: bool = False) -> None:
        """Queue every reply and mark the item done in one transaction, then send.

        `late`: the platform has been answered already (a form past its budget, or a re-run after a crash), so
        a form or its errors can only be shown where the platform allows it; elsewhere they become a message."""
        claimed = []
        with collecting(keys):
            if late and not getattr(self.svc.outbox.replies.get(inv.platform), "forms_after_ack", True):
                replies = [_as_message(r) for r in replies]
            async with self.svc.db.transaction() as session:
                for write in getattr(keys, "writes", ()):
                    await write(session)
                for i, reply in enumerate(replies):
                    row = await self._queue(session, f"{key}#{i}", inv, ctx, reply, claim=True)
                    if row is not None:
                        claimed.append(row)
                await store.mark_done(session, key, self.svc.now())
        # The replies were queued claimed by this process in that transaction (never committed unclaimed, so no
        # other sender can take them while this one lives): sent now without a look-up or a claim of their own.
        await self.svc.outbox.drain(keys, claimed=claimed)

    async def _queue(self, session, key: str, inv: Invocation, ctx: dict, reply, claim: bool = False):
        if isinstance(reply, DirectMessage):
            return await self.svc.outbox.dm(session, reply.to, reply.message, key=key, claim=claim)
        return await self.svc.outbox.reply(session, inv.platform, ctx, reply, key=key, claim=claim)

    # --- recovery -------------------------------------------------------------------------------------------

    async def recover(self, now=None) -> int:
        """Run again the work whose process died before finishing it (its lease ran out). Returns how many."""
        now = now or self.svc.now()
        done = 0
        for item in await store.expired(self.svc.db, now):
            if not await store.take_over(self.svc.db, item.id, now):
                continue   # another instance has it
            inv = wire.load(item.body["inv"])
            ctx = item.body.get("reply") or {}
            if item.attempts >= store.MAX_ATTEMPTS:
                await self._give_up(item.key, inv, ctx, item.received_at)
                continue
            log.warning("re-running %s %s/%s (attempt %d): its worker stopped before finishing it",
                        inv.platform, inv.kind, inv.command, item.attempts + 1)
            try:
                await self.process(item.key, inv, ctx, late=True)
                done += 1
            except Exception:
                log.exception("re-running %s failed; it is tried again when its lease runs out", item.key)
        return done

    async def _give_up(self, key: str, inv: Invocation, ctx: dict, received) -> None:
        when = received.astimezone(self.svc.config.tz).strftime("%H:%M on %d %b")
        sorry = Ephemeral(message(Text(GAVE_UP.format(when=when))))
        with collecting() as keys:
            async with self.svc.db.transaction() as session:
                await self._queue(session, f"{key}#gave-up", inv, ctx, sorry)
                await store.mark_done(session, key, self.svc.now(), error="given up after repeated failures")
        await self.svc.outbox.drain(keys)


async def with_replies(svc: "Services", write) -> None:
    """`write` (an async fn(session)) made in the transaction that queues this work's replies and marks it done
    (`finish`), when called from work the inbox runs: written once, together with the answer, even if a crash
    makes the work run again. Elsewhere (a command-line run, a test calling a handler) in a transaction of its
    own, now."""
    writes = _for_finish.get()
    if writes is not None:
        writes.append(write)
        return
    async with svc.db.transaction() as session:
        await write(session)


def _as_message(reply):
    """A form (or its errors) that can no longer be shown, as words the person can act on."""
    if isinstance(reply, FormErrors):
        lines = "\n".join(f"• {text}" for text in reply.errors.values())
        return Ephemeral(message(Text("I couldn't accept your form, and nothing was changed:"), Text(lines),
                                 Text("Please open it again and correct these.")))
    if isinstance(reply, OpenForm):
        return Ephemeral(message(Text(f"I took too long to open “{reply.form.title}”, so it could not be shown. "
                                      "Please ask again.")))
    return reply


async def durable_work_sweep(svc: "Services", now) -> None:
    """At start-up and every minute, on every instance: work and messages left by a process that died. Only a
    process that can answer people (a server with its platform edges, not a command-line run) runs work again."""
    if svc.outbox.replies:
        await svc.inbox.recover(now)
    await svc.outbox.drain()


WORKFLOW = Workflow("durable_work", sweeps=(Sweep("durable_work", Every(1), durable_work_sweep),))
