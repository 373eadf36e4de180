"""The 09:00 working-day reminders: one DM per owner with open cases, one summary for Information Management.

Planning is two queries (the cases to list, and counts per owner), so 100,000 open cases plan in well under a
second. Each DM is claimed (kind, owner, local date) before it is sent, so a restart, the start-up catch-up and
a second process on the same database never send an owner two in a day. Sends are paced per platform.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import Row, case, func, select

from chat.mail import Email, MailError
from chat.messages import PersonRef
from chat.pacing import Pacer, retry_after
from chat.platforms import Unreachable
from chat.plaintext import as_plain_text
from chat.unreachable import EMAILED_INSTEAD
from chat.services import Services
from chat.wording import display_names
from storage.claims import mark_sent, release_claim, try_claim, unfinished_claims
from storage.models.foi import FoiCase

from .messages import MAX_LINES, MAX_LISTED, digest_message, summary_message
from .rules import OPEN_STATES, SOON_WORKING_DAYS

log = logging.getLogger(__name__)
DIGEST = "foi_digest"
SUMMARY = "foi_summary"


# A case as the daily DM needs it: the query's own rows (reference, kind, extended, due, state, owner_email),
# used as they come; building objects for 100,000 cases would cost more than the query.
Line = Row


@dataclass
class Digest:
    """One owner's DM: the first cases to list (with buttons), soonest first, and how many there are of each
    kind. `listed` holds every kind; `overdue` and `soon` are the open ones among them."""
    owner: str
    listed: list[Line] = field(default_factory=list)
    overdue: list[Line] = field(default_factory=list)
    soon: list[Line] = field(default_factory=list)
    n_overdue: int = 0
    n_soon: int = 0
    later: int = 0
    paused: int = 0


def start_of_day(day: date, tz) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(timezone.utc)


_LINE_COLUMNS = (FoiCase.reference, FoiCase.kind, FoiCase.extended, FoiCase.due, FoiCase.state,
                 FoiCase.owner_email)


async def plan_digests(svc: Services, today: date, cal) -> list[Digest]:
    """Who gets a DM today and what it lists: counts per owner in one query, and only the cases a DM can show
    (MAX_LISTED per owner, soonest due first, whatever their state: 8.1 wants every open case named) in another. Cases forwarded today wait until tomorrow (the
    forwarder has just seen the due date)."""
    soon_limit = cal.add_working_days(today, SOON_WORKING_DAYS)
    base = (FoiCase.state.in_(OPEN_STATES), FoiCase.created_at < start_of_day(today, svc.config.tz))
    is_open = FoiCase.state == "open"
    overdue = is_open & (FoiCase.due < today)
    soon = is_open & (FoiCase.due >= today) & (FoiCase.due <= soon_limit)
    # Grouped by state too, and ranked by (due, created_at): both follow ix_foi_cases_digest's order, so SQLite
    # streams them from the index without sorting.
    counts_q = (select(FoiCase.owner_email, FoiCase.state, func.count(), func.sum(case((overdue, 1), else_=0)),
                       func.sum(case((soon, 1), else_=0)))
                .where(*base).group_by(FoiCase.state, FoiCase.owner_email))
    rank = func.row_number().over(partition_by=FoiCase.owner_email, order_by=(FoiCase.due, FoiCase.created_at))
    ranked = (select(*_LINE_COLUMNS, rank.label("rank"))
              .where(*base).subquery())
    listed_q = (select(*(ranked.c[c.key] for c in _LINE_COLUMNS)).where(ranked.c.rank <= MAX_LISTED)
                .order_by(ranked.c.owner_email, ranked.c.rank))
    async with svc.db.sessions() as s:
        counts = (await s.execute(counts_q)).all()
        listed = (await s.execute(listed_q)).all()
    digests: dict[str, Digest] = {}
    for owner, state, total, n_overdue, n_soon in counts:
        d = digests.setdefault(owner, Digest(owner))
        if state == "clarifying":
            d.paused += total
        else:
            d.n_overdue, d.n_soon = int(n_overdue or 0), int(n_soon or 0)
            d.later += total - d.n_overdue - d.n_soon
    for line in listed:        # in owner order, soonest due first
        d = digests[line.owner_email]
        d.listed.append(line)
        if line.state == "open" and line.due <= soon_limit:
            (d.overdue if line.due < today else d.soon).append(line)
    return [digests[k] for k in sorted(digests)]


async def _target(svc: Services, email: str) -> PersonRef | None:
    ids = await svc.directory.user_ids(email)
    return PersonRef(ids[0][0], ids[0][1], email) if ids else None


async def _send_once(svc: Services, pacer: Pacer, kind: str, item: str, day: str, to: PersonRef, msg) -> str:
    """Claim, pace, send; 'sent', 'already' (claimed by someone else), 'failed' or 'unreachable' (the platform
    will never let the bot reach them: the caller emails instead) with the claim released."""
    if not await try_claim(svc.db, kind, item, day, now=svc.now()):
        return "already"
    for attempt in (1, 2):
        await pacer.wait(to.platform)
        try:
            await svc.notifier.dm(to, msg)
        except Unreachable:
            await release_claim(svc.db, kind, item, day, now=svc.now())
            return "unreachable"
        except Exception as exc:
            wait = retry_after(exc)
            if wait is not None and attempt == 1:
                pacer.hold(to.platform, wait)
                continue
            log.warning("FOI %s to %s not sent: %s", kind, to.platform, exc)
            break
        await mark_sent(svc.db, kind, item, day)
        return "sent"
    await release_claim(svc.db, kind, item, day, now=svc.now())
    return "failed"


async def _email_once(svc: Services, owner: str, day: str, msg) -> str:
    """An owner nobody can reach by chat still hears of their cases: by email, once a day ('emailed'), or
    'not emailed' when the organisation has no email or the send failed (the claim is released for a retry)."""
    if svc.mailer is None:
        return "not emailed"
    if not await try_claim(svc.db, DIGEST, owner, day, now=svc.now()):
        return "already"
    mail = Email(to=(owner,), subject=msg.text.splitlines()[0][:150] if msg.text else "Your FOI cases",
                 body=as_plain_text(msg) + EMAILED_INSTEAD,
                 message_id=svc.mailer.message_id(f"{DIGEST}:{owner}:{day}"))
    try:
        await svc.mailer.send(mail)
    except MailError as exc:
        log.warning("FOI digest email not sent: %s", exc.reason)
        await release_claim(svc.db, DIGEST, owner, day, now=svc.now())
        return "not emailed"
    await mark_sent(svc.db, DIGEST, owner, day)
    return "emailed"


async def send_digests(svc: Services, now: datetime, cal, digests: list[Digest] | None = None,
                       only: set[str] | None = None) -> dict[str, int]:
    today = now.astimezone(svc.config.tz).date()
    digests = digests if digests is not None else await plan_digests(svc, today, cal)
    tally = defaultdict(int)
    pacer = svc.pacer
    for d in digests:
        if only is not None and d.owner not in only:
            continue
        to = await _target(svc, d.owner)
        msg = digest_message(today, d, cal, to.platform if to else None)
        if to is None:
            tally["unreachable"] += 1
            log.warning("FOI digest: an owner cannot be reached on any connected platform")
            tally[await _email_once(svc, d.owner, today.isoformat(), msg)] += 1
            continue
        outcome = await _send_once(svc, pacer, DIGEST, d.owner, today.isoformat(), to, msg)
        tally[outcome] += 1
        if outcome == "unreachable":   # known, but Teams will not open a chat with them
            tally[await _email_once(svc, d.owner, today.isoformat(), msg)] += 1
    return dict(tally)


async def retry_failed_digests(svc: Services, now: datetime, cal) -> dict[str, int]:
    """Owners whose digest today failed, or whose sender died between claiming and sending (its lease has run
    out), get another go: read from the database, so it works in whichever process runs the sweep."""
    today = now.astimezone(svc.config.tz).date()
    unsent = await unfinished_claims(svc.db, DIGEST, today.isoformat(), now)
    if not unsent:
        return {}
    return await send_digests(svc, now, cal, only=set(unsent))


async def summary_counts(svc: Services, today: date, cal) -> tuple[dict, list[Line]]:
    soon_limit = cal.add_working_days(today, SOON_WORKING_DAYS)
    is_open = FoiCase.state == "open"
    async with svc.db.sessions() as s:
        row = (await s.execute(select(
            func.count(),
            func.count().filter(is_open & (FoiCase.due < today)),
            func.count().filter(is_open & (FoiCase.due >= today) & (FoiCase.due <= soon_limit)),
            func.count().filter(FoiCase.state == "clarifying"),
            func.count().filter(FoiCase.email_state != "sent"),
        ).where(FoiCase.state.in_(OPEN_STATES)))).one()
        worst = (await s.execute(select(*_LINE_COLUMNS).where(is_open, FoiCase.due <= soon_limit)
                                 .order_by(FoiCase.due, FoiCase.id).limit(MAX_LINES))).all()
    counts = dict(zip(("total", "overdue", "soon", "paused", "unsent"), row))
    return counts, list(worst)


async def send_summary(svc: Services, now: datetime, cal) -> str:
    """To the Information Management channel when there is one, else to each of the team by DM."""
    today = now.astimezone(svc.config.tz).date()
    counts, worst = await summary_counts(svc, today, cal)
    if not counts["total"]:
        return "nothing open"
    names = await display_names(svc, {c.owner_email for c in worst})
    msg = summary_message(today, counts, worst, cal, lambda e: names.get(e, e))
    if svc.notifier.channel_ids("information_management"):
        sent = await svc.notifier.post("information_management", msg, claim=(SUMMARY, "channel", today.isoformat()))
        return "posted" if sent else "already"
    outcomes = []
    for email in svc.config.members("information_management"):
        to = await _target(svc, email)
        if to is not None:
            outcomes.append(await _send_once(svc, svc.pacer, SUMMARY, email, today.isoformat(), to, msg))
    return ",".join(outcomes) or "nobody to tell"
