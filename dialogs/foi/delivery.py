"""Getting a case to Information Management (email) and the Communications Team (email copy and channel post).

The case is saved first; the email is claimed by one process (pending -> sending, a conditional UPDATE), sent,
then marked sent. A failure puts it back to pending and the retry sweep tries again; a process that dies
mid-send leaves a claim that goes stale after STALE_CLAIM and is retried. Nothing is lost.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from chat.mail import MailError
from chat.services import Services
from storage.events import record_event
from storage.models.foi import FoiCase

from . import messages
from .store import SUBJECT

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)
INTERACTIVE_BUDGET = 2.0     # seconds a form submission waits for the mail server (Slack wants an answer in 3)
RETRY_BATCH = 200
ANNOUNCE_FOR = timedelta(days=2)


@dataclass(frozen=True)
class Outcome:
    status: str              # sent | sending | pending
    reason: str | None = None


async def _load(svc: Services, case_id: int) -> FoiCase | None:
    async with svc.db.sessions() as s:
        return await s.scalar(select(FoiCase).where(FoiCase.id == case_id))


async def _claim(svc: Services, case_id: int) -> bool:
    now = svc.now()
    async with svc.db.transaction() as s:
        result = await s.execute(
            update(FoiCase).where(FoiCase.id == case_id, or_(
                FoiCase.email_state == "pending",
                (FoiCase.email_state == "sending") & (FoiCase.email_claimed_at < now - STALE_CLAIM)))
            .values(email_state="sending", email_claimed_at=now).execution_options(synchronize_session=False))
        return result.rowcount == 1


async def _record(svc: Services, case: FoiCase, sent: bool, reason: str | None, claimed: bool) -> None:
    """Mark the attempt; one event when it goes, one on the first failure (not one every 15 minutes)."""
    async with svc.db.transaction() as s:
        values = {"email_attempts": FoiCase.email_attempts + 1}
        if sent:
            values.update(email_state="sent", emailed_at=svc.now(), email_error=None)
        else:
            values.update(email_state="pending", email_error=(reason or "")[:200])
        where = [FoiCase.id == case.id]
        if claimed:
            where.append(FoiCase.email_state == "sending")
        await s.execute(update(FoiCase).where(*where).values(**values).execution_options(synchronize_session=False))
        if sent or case.email_attempts == 0:
            await record_event(s, at=svc.now(), actor="system", subject_kind=SUBJECT, subject_id=case.reference,
                               action="emailed" if sent else "email_failed",
                               details={"attempt": case.email_attempts + 1, **({} if sent else {"reason": reason})})


def _labels(svc: Services, case: FoiCase) -> tuple[str, str]:
    name = svc.config.display_name
    return (f"{name(case.created_by)} <{case.created_by}>", f"{name(case.owner_email)} <{case.owner_email}>")


async def send_email(svc: Services, case_id: int) -> Outcome:
    case = await _load(svc, case_id)
    if case is None or case.email_state == "sent":
        return Outcome("sent")
    to = svc.config.information_management_email
    reason = None
    if svc.mailer is None:
        reason = "email is not set up on this bot yet: SMTP_HOST is not set"
    elif not to:
        reason = "Information Management's address is not in the organisation file"
    if reason:
        await _record(svc, case, False, reason, claimed=False)
        return Outcome("pending", reason)
    if not await _claim(svc, case_id):
        return Outcome("sending")          # another process is sending it right now
    creator, owner = _labels(svc, case)
    mail = messages.email_for(case, to=to, cc=svc.config.comms_team_email, creator_label=creator, owner_label=owner,
                           message_id=svc.mailer.message_id(f"{case.reference}.{case.id}"),
                           reply_to=case.created_by)
    try:
        await svc.mailer.send(mail)
    except MailError as exc:
        log.warning("FOI email for %s not sent: %s", case.reference, exc.reason)
        await _record(svc, case, False, exc.reason, claimed=True)
        return Outcome("pending", exc.reason)
    except Exception:
        log.exception("FOI email for %s failed unexpectedly", case.reference)
        await _record(svc, case, False, "an unexpected error in the bot", claimed=True)
        return Outcome("pending", "an unexpected error in the bot")
    await _record(svc, case, True, None, claimed=True)
    return Outcome("sent")


async def announce(svc: Services, case_id: int) -> bool:
    """Post the case (no question, no requester) to the Communications Team and Information Management channels."""
    case = await _load(svc, case_id)
    if case is None or case.announced_at is not None:
        return True
    creator, owner = (svc.config.display_name(case.created_by), svc.config.display_name(case.owner_email))
    msg = messages.announcement(case, creator_label=creator, owner_label=owner,
                             im_address=svc.config.information_management_email)
    ok = True
    for channel in ("comms_team", "information_management"):
        try:
            await svc.notifier.post(channel, msg, claim=("foi_announce", f"{case.reference}/{channel}", "new"))
        except Exception as exc:   # the claim was released: the retry sweep posts it later
            log.warning("FOI %s not posted to %s: %s", case.reference, channel, exc)
            ok = False
    if ok:
        async with svc.db.transaction() as s:
            await s.execute(update(FoiCase).where(FoiCase.id == case_id).values(announced_at=svc.now())
                            .execution_options(synchronize_session=False))
    return ok


async def deliver(svc: Services, case_id: int) -> Outcome:
    outcome = await send_email(svc, case_id)
    await announce(svc, case_id)
    return outcome


async def _set_waiting(svc: Services, case_id: int, waiting: bool) -> bool:
    async with svc.db.transaction() as s:
        result = await s.execute(update(FoiCase).where(FoiCase.id == case_id, FoiCase.creator_waiting.is_(not waiting))
                                 .values(creator_waiting=waiting).execution_options(synchronize_session=False))
        return result.rowcount == 1


async def deliver_now(svc: Services, case: FoiCase) -> Outcome:
    """Deliver while the person waits, at most INTERACTIVE_BUDGET seconds; a slow send carries on behind."""
    gave_up = asyncio.Event()

    async def run() -> Outcome:
        outcome = await deliver(svc, case.id)
        if gave_up.is_set() and outcome.status == "pending":
            await _set_waiting(svc, case.id, True)
            try:
                await svc.notifier.dm(case.created_by, messages.not_sent_yet(case, outcome.reason))
            except Exception as exc:
                log.warning("could not tell %s about %s: %s", "the forwarder", case.reference, exc)
        return outcome

    task = asyncio.ensure_future(run())
    svc.background.add(task)   # a strong reference until it finishes
    task.add_done_callback(svc.background.discard)
    try:
        outcome = await asyncio.wait_for(asyncio.shield(task), INTERACTIVE_BUDGET)
    except asyncio.TimeoutError:
        gave_up.set()
        return Outcome("sending")
    if outcome.status == "pending":
        await _set_waiting(svc, case.id, True)    # told "not yet sent": tell them again when it goes
    return outcome


async def retry_deliveries(svc: Services, now) -> int:
    """The sweep: send what is still unsent, post what is still unposted; tell anyone who was waiting."""
    stale = now - STALE_CLAIM
    async with svc.db.sessions() as s:
        ids = list(await s.scalars(
            select(FoiCase.id).where(FoiCase.redacted_at.is_(None), or_(
                FoiCase.email_state == "pending",
                (FoiCase.email_state == "sending") & (FoiCase.email_claimed_at < stale),
                # A channel the bot was never added to is a set-up problem: stop retrying after a while.
                FoiCase.announced_at.is_(None) & (FoiCase.created_at > now - ANNOUNCE_FOR)))
            .order_by(FoiCase.id).limit(RETRY_BATCH)))
    sent = 0
    for case_id in ids:
        outcome = await deliver(svc, case_id)
        if outcome.status != "sent":
            continue
        sent += 1
        case = await _load(svc, case_id)
        if case.creator_waiting and await _set_waiting(svc, case_id, False):
            try:
                await svc.notifier.dm(case.created_by,
                                      messages.sent_later(case, svc.config.information_management_email))
            except Exception as exc:
                log.warning("could not tell the forwarder that %s has gone: %s", case.reference, exc)
    return sent
