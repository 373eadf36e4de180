"""The durable outbox: a workflow writes the messages its change causes in the same transaction as the change,
and they are sent after commit, under a lease, exactly once.

    async with svc.db.transaction() as session:
        ...the state change...
        await svc.outbox.dm(session, requester, message(Text("Approved.")), key=f"signoff:{row.id}:decided",
                            notify=None)

Sending: claim (pending -> sending, with a lease), send, mark sent (storage/outbox.py). A failure goes back to
pending with a back-off (or the platform's Retry-After) and, after the last attempt, the person who caused the
message (`notify`) is told it could not be delivered. A lease that ran out while sending means its sender died,
perhaps after the platform took the message: where the platform can find a message by its key (Slack's message
metadata) the new sender looks first and only sends if it is not there.

Slow work a change causes besides a message (an email) is queued the same way, as a job (`job`): it runs
after the acknowledgement, after the messages queued with it, under the same lease, back-off and notice.

Who sends: the work that queued a message drains it as soon as that work is done (chat/inbox.py collects the
keys it queued), anything queued elsewhere is sent just after its commit, and the recovery sweep (every minute,
any instance) sends whatever is left: a message queued once goes out once, whichever process is alive. An
interaction's replies are queued already claimed (`reply(..., claim=True)`: committed only with their claim) and
handed to `drain(claimed=...)` by the work that queued them, so the answer goes without a look-up or a second
transaction; if that process dies first, their lease runs out and the sweep sends them, as for any claimed row.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import TYPE_CHECKING, Iterator, Protocol

from sqlalchemy import event

from storage import outbox as store

from . import wire
from .messages import Message, MessageRef, PersonRef, Text, message
from .platforms import RateLimited, SendError, Undeliverable, Unreachable
from .unreachable import email_instead, email_of, name_of, queue_notices

if TYPE_CHECKING:
    from .services import Services

log = logging.getLogger(__name__)

SEND_BUDGET = 120.0    # seconds one send may take (a Retry-After or two); well inside storage.outbox.LEASE
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
           timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
BATCH = 100

class Collected(list):
    """The keys of the messages a piece of work queued (a list), and `writes`: what its handler left to be
    written in the transaction that queues its replies (chat/inbox.py `with_replies`)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.writes: list = []


_collected: ContextVar[list[str] | None] = ContextVar("outbox_collected", default=None)


@contextmanager
def collecting(keys: list[str] | None = None) -> Iterator[list[str]]:
    """Collect the keys of the messages queued inside (in this task), so the work can send them itself."""
    keys = Collected() if keys is None else keys
    token = _collected.set(keys)
    try:
        yield keys
    finally:
        _collected.reset(token)


class ReplySender(Protocol):
    """What a platform edge gives the outbox to answer an interaction where the person asked it
    (bot/slack/replies.py, bot/teams/replies.py). `ctx` is the reply context stored with the interaction."""
    forms_after_ack: bool   # can a form, or its errors, still be shown after the platform has been answered?

    async def reply(self, ctx: dict, reply) -> MessageRef | None: ...


class Outbox:
    """One per Services. `replies` (platform -> ReplySender) is filled in by the platform edges."""

    def __init__(self, svc: "Services"):
        self.svc = svc
        self.replies: dict[str, ReplySender] = {}
        self._draining: asyncio.Task | None = None
        self._again = False

    # --- queueing: in the caller's transaction ------------------------------------------------------------

    async def dm(self, session, to: str | PersonRef, msg: Message, *, key: str, notify: str | None = None,
                 about: str | None = None, receipt: str | None = None, receipt_args: dict | None = None,
                 banner: bool = True, claim: bool = False):
        """A direct message to a person (an email, or a platform person). `notify`: whom to tell if it never
        goes (the person whose action caused it); `about`: what it was, as that person would say it.
        `claim`: see `reply`."""
        target = to if isinstance(to, str) else (to.email or f"{to.platform}:{to.user_id}")
        body = {"message": wire.dump(msg), "banner": banner, "about": about}
        if isinstance(to, PersonRef):
            body["to"] = wire.dump(to)
        return await self._add(session, key, "dm", None, target.lower() if "@" in target else target, body,
                               notify, receipt, receipt_args, claim=claim)

    async def post(self, session, channel: str, msg: Message, *, key: str, platform: str | None = None,
                   notify: str | None = None, about: str | None = None, receipt: str | None = None,
                   receipt_args: dict | None = None) -> int:
        """A post to a configured channel (e.g. `comms_team`) on each connected platform it has (key
        `{key}@{platform}`), or to a raw channel id on `platform` (key `key`). Returns how many were queued."""
        targets = self.svc.notifier.channel_ids(channel, platform)
        for p, cid in targets:
            body = {"message": wire.dump(msg), "channel": channel, "about": about}
            await self._add(session, f"{key}@{p}" if platform is None else key, "post", p, cid, body, notify,
                            receipt, receipt_args)
        return len(targets)

    async def update(self, session, ref: MessageRef | None, msg: Message, *, key: str,
                     after: str | None = None) -> None:
        """Replace a sent message in place: the one at `ref`, or the one the outbox sent under key `after`."""
        body = {"message": wire.dump(msg), "ref": wire.dump(ref) if ref else None, "after": after}
        await self._add(session, key, "update", ref.platform if ref else None,
                        f"{ref.channel}/{ref.message_id}" if ref else f"after:{after}", body, None, None, None)

    async def job(self, session, name: str, args: dict, *, key: str, notify: str | None = None,
                  about: str | None = None) -> None:
        """Slow work the change causes (an email), run after the acknowledgement the way a message is sent: once,
        under a lease, retried with back-off, `notify` told if it never succeeds. `name` is a Job a workflow
        declares (chat/registry.py); `args` is plain JSON (ids, not objects)."""
        await self._add(session, key, "job", None, name, {"args": wire.dump(args), "about": about}, notify,
                        None, None)

    async def reply(self, session, platform: str, ctx: dict, reply, *, key: str, claim: bool = False):
        """An answer to an interaction, delivered where the person asked (chat/inbox.py queues these).

        `claim`: queued already claimed by this process, which can send it (storage/outbox.py `add`); returns
        the row for `drain(claimed=...)` after commit, None when it was queued before or is left to others."""
        return await self._add(session, key, "reply", platform, str(ctx.get("user") or ""),
                               {"reply": wire.dump(reply), "ctx": ctx}, None, None, None, claim=claim)

    async def _add(self, session, key, kind, platform, target, body, notify, receipt, receipt_args,
                   claim: bool = False):
        row = await store.add(session, key=key, kind=kind, platform=platform, target=target, body=body,
                              now=self.svc.now(), notify=notify, receipt=receipt, receipt_args=receipt_args,
                              claim=claim and self._sends(kind, platform, target))   # only what it can send
        collected = _collected.get()
        if collected is not None:
            collected.append(key)
        else:
            self._kick_after_commit(session)
        return row

    def _kick_after_commit(self, session) -> None:
        if session.info.get("outbox_kick"):
            return
        session.info["outbox_kick"] = True
        loop = asyncio.get_running_loop()
        event.listen(session.sync_session, "after_commit", lambda _s: loop.call_soon(self.kick), once=True)

    # --- sending -----------------------------------------------------------------------------------------------

    def kick(self) -> None:
        """Send what is due soon, in the background (after a commit outside any interaction's work)."""
        if self._draining is not None and not self._draining.done():
            self._again = True
            return
        task = asyncio.ensure_future(self._drain_kicked())
        self._draining = task
        self.svc.background.add(task)
        task.add_done_callback(self.svc.background.discard)

    async def _drain_kicked(self) -> None:
        while True:
            self._again = False
            try:
                await self.drain()
            except Exception:
                log.exception("sending queued messages failed; the recovery sweep tries again")
            if not self._again:
                return

    async def drain(self, keys: list[str] | None = None, *, claimed: list | tuple = ()) -> int:
        """Send what is due (only these keys, when given). Returns how many went. A notice queued while
        draining (a message that could not be delivered) is sent in the same drain. A process that cannot send
        a message (no platform connected: a command-line run; an answer on a platform it has no edge for)
        leaves it for one that can. `claimed`: rows among the keys that this process claimed in the transaction
        that queued them (`reply(claim=True)`): sent without looking them up or claiming them again."""
        sent = 0
        held = {row.key: row for row in claimed}
        tried: set[str] = set(held)
        for _ in range(20):   # a bound, not a limit anyone meets: each pass leaves what it tried not due
            wanted = None if keys is None else [k for k in keys if store.column_text(k) not in tried]
            rows = await store.due(self.svc.db, self.svc.now(), wanted, limit=BATCH) if wanted != [] else []
            # Jobs (an email) last, so a slow one never holds back the messages queued with it.
            mine = sorted([*(r for r in rows if self._can_send(r)), *held.values()],
                          key=lambda r: (r.kind == "job", r.id))
            if not mine:
                break
            with collecting(keys):
                for row in mine:
                    sent += await self._send(row, claimed=row.key in held)
            held = {}
            if keys is not None:   # a key tried once is sent, failed or waiting for its retry: only keys
                # queued since (a notice that one could not be delivered) can be due in another pass
                tried.update((store.column_text(k) for k in wanted) if len(rows) < BATCH else (r.key for r in rows))
        return sent

    def _can_send(self, row) -> bool:
        return self._sends(row.kind, row.platform, row.target)

    def _sends(self, kind: str, platform: str | None, target: str) -> bool:
        """Whether this process can send a message of this kind (else it leaves it for one that can)."""
        if kind == "reply":
            return platform in self.replies
        if kind == "job":
            return target in self.svc.registry.jobs
        return bool(self.svc.notifier.senders)

    async def send_queued(self) -> int:
        """Send now what this piece of work has queued so far (its transactions committed), rather than when the
        work ends: a slow step after it (an email, a crisis room) does not hold those messages back."""
        keys = _collected.get()
        return await self.drain(list(keys)) if keys else 0

    async def _send(self, row, claimed: bool = False) -> bool:
        before = "pending" if claimed else await store.claim(self.svc.db, row.id, self.svc.now())
        if before is None:
            return False   # another process holds it, or it has gone
        try:
            ref = await self._find(row) if before == "sending" else None
            if ref is None:
                ref = await asyncio.wait_for(self._deliver(row), SEND_BUDGET)
        except Unreachable as exc:
            await self._unreachable(row, exc.reason)
            return False
        except Undeliverable as exc:
            await self._give_up(row, exc.reason)
            return False
        except asyncio.TimeoutError:
            await self._later(row, None, "the platform took too long to answer")
            return False
        except SendError as exc:
            await self._later(row, exc.retry_after if isinstance(exc, RateLimited) else None, exc.reason)
            return False
        except Exception as exc:
            log.exception("sending %s %s failed unexpectedly", row.kind, row.key)
            await self._later(row, None, f"an unexpected error ({type(exc).__name__})")
            return False
        await self._sent(row, ref)
        return True

    async def _sent(self, row, ref: MessageRef | None) -> None:
        now = self.svc.now()
        raw = {"platform": ref.platform, "channel": ref.channel, "message_id": ref.message_id} if ref else None
        hook = self.svc.registry.receipts.get(row.receipt) if row.receipt else None
        if hook is not None:
            try:
                async with self.svc.db.transaction() as session:
                    if await store.mark_sent(session, row.id, now, raw):
                        await hook(self.svc, session, row.receipt_args or {}, ref)
                return
            except Exception:
                log.exception("the %s receipt for %s failed; the message is recorded as sent", row.receipt, row.key)
        async with self.svc.db.transaction() as session:
            await store.mark_sent(session, row.id, now, raw)

    async def _later(self, row, retry_after: float | None, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            await self._give_up(row, error)
            return
        wait = timedelta(seconds=retry_after) if retry_after else BACKOFF[attempts - 1]
        log.warning("%s %s not sent (attempt %d: %s); trying again in %ds", row.kind, row.key, attempts, error,
                    wait.total_seconds())
        await store.retry_later(self.svc.db, row.id, self.svc.now() + wait, error)

    async def _give_up(self, row, reason: str) -> None:
        log.warning("%s %s given up: %s", row.kind, row.key, reason)
        async with self.svc.db.transaction() as session:
            if not await store.mark_failed(session, row.id, reason):
                return
            if row.notify and row.notify != row.target:
                await self.dm(session, row.notify, self._undelivered(row, reason), key=f"undelivered:{row.key}")

    async def _unreachable(self, row, reason: str) -> None:
        """Nobody can reach them by chat: email it instead where there is email, and say so (chat/unreachable.py)."""
        if row.kind != "dm":
            await self._give_up(row, reason)
            return
        log.warning("%s %s: the person cannot be reached (%s)", row.kind, row.key, reason)
        email = email_of(row)
        emailed = await email_instead(self.svc, row, email)
        name = await name_of(self.svc, email)
        async with self.svc.db.transaction() as session:
            if await store.mark_failed(session, row.id, "emailed instead" if emailed else reason):
                await queue_notices(self.svc, session, row, name, emailed)

    def _undelivered(self, row, reason: str) -> Message:
        body = row.body or {}
        what = body.get("about") or "a message"
        if row.kind == "job":
            return message(Text(f"I couldn't finish {body.get('about') or 'some work you started'}: {reason}. "
                                "Please tell the Communications Team."))
        if row.kind == "post":
            whom = f"the {body.get('channel') or 'channel'} channel".replace("_", " ")
        else:
            whom = self.svc.config.display_name(row.target) if "@" in row.target else "them"
        return message(Text(f"I couldn't deliver {what} to {whom}: {reason}. Please let them know yourself."))

    # --- one message -------------------------------------------------------------------------------------------

    async def _deliver(self, row) -> MessageRef | None:
        body = row.body
        if row.kind == "reply":
            sender = self.replies.get(row.platform)
            if sender is None:
                raise Undeliverable(f"{(row.platform or 'that platform').capitalize()} is not connected")
            return await sender.reply(body["ctx"], wire.load(body["reply"]))
        if row.kind == "job":
            await self.svc.registry.jobs[row.target](self.svc, wire.load(body["args"]))
            return None
        msg = wire.load(body["message"])
        if row.kind == "update":
            ref = await self._update_target(row)
            await self._sender(ref.platform).update(ref, msg)
            return ref
        if body.get("banner", True):
            msg = msg.with_banner(await self.svc.notifier.banner())
        platform, target = await self._where(row)
        sender = self._sender(platform)
        if hasattr(sender, "send_marked"):
            return await sender.send_marked(row.kind, target, msg, row.key)
        return await (sender.dm(target, msg) if row.kind == "dm" else sender.post(target, msg))

    async def _find(self, row) -> MessageRef | None:
        """Did the message whose sender died go after all? (Only where the platform can say.)"""
        if row.kind not in ("dm", "post"):
            return None   # an update is the same however often it is made; a reply cannot be read back
        platform, target = await self._where(row)
        sender = self._sender(platform)
        if not hasattr(sender, "find_marked"):
            return None
        found = await sender.find_marked(row.kind, target, row.key, row.created_at)
        if found is not None:
            log.info("%s %s had been sent before its sender stopped: not sent again", row.kind, row.key)
        return found

    def _sender(self, platform: str | None):
        sender = self.svc.notifier.senders.get(platform) if platform else None
        if sender is None:
            raise Undeliverable(f"{(platform or 'that platform').capitalize()} is not connected")
        return sender

    async def _where(self, row) -> tuple[str, str]:
        """(platform, user or channel id) for a dm or a post."""
        if row.kind == "post":
            return row.platform, row.target
        to = wire.load(row.body["to"]) if row.body.get("to") else row.target
        if isinstance(to, PersonRef) and to.user_id and to.platform in self.svc.notifier.senders:
            return to.platform, to.user_id
        email = to if isinstance(to, str) else to.email
        ids = await self.svc.directory.user_ids(email) if email and "@" in email else []
        if not ids:
            raise Unreachable("they can't be reached in Slack or Teams")
        return ids[0]

    async def _update_target(self, row) -> MessageRef:
        body = row.body
        if body.get("ref"):
            return wire.load(body["ref"])
        found = await store.sent_ref(self.svc.db, body.get("after") or "")
        if found is None or found[0] == "failed":
            raise Undeliverable("the message it changes was never sent")
        state, ref = found
        if state != "sent" or not ref:
            raise RateLimited("the message it changes has not gone yet", 5)
        return MessageRef(ref["platform"], ref["channel"], ref["message_id"])
