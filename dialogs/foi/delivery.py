"""Getting a case to Information Management (email) and the Communications Team (email copy and channel post).

The channel posts and the email (an outbox job) are queued in the outbox in the transaction that saves the case,
so they go once it is saved, after the person's form has been answered, whichever process is alive. The email is
claimed by one process (pending -> sending, a conditional UPDATE), sent, then marked sent. A failure puts it back
to pending, the forwarder is told, and the retry sweep tries again every 15 minutes; a process that dies mid-send
leaves a claim that goes stale after STALE_CLAIM and is retried. Nothing is lost, and the forwarder hears once
when it has gone.
"""
from __future__ import annotations

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
RETRY_BATCH = 200
ANNOUNCE_FOR = timedelta(days=2)
EMAIL_JOB = "foi.email"


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
    reason = cannot_email(svc)
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


async def queue_announcement(svc: Services, session, case: FoiCase, names: dict[str, str] | None = None) -> None:
    """In the caller's transaction: the case (no question, no requester) posted to the Communications Team and
    Information Management channels through the outbox, and the case marked announced. `names`: display names
    read before the transaction (chat.wording.display_names); the organisation file's otherwise."""
    name = (names or {}).get
    creator = name(case.created_by) or svc.config.display_name(case.created_by)
    owner = name(case.owner_email) or svc.config.display_name(case.owner_email)
    msg = messages.announcement(case, creator_label=creator, owner_label=owner,
                                im_address=svc.config.information_management_email)
    for channel in ("comms_team", "information_management"):
        await svc.outbox.post(session, channel, msg, key=f"foi:{case.reference}:announce:{channel}",
                              notify=case.created_by, about=f"the notice of {case.reference}")
    case.announced_at = svc.now()


async def announce(svc: Services, case_id: int) -> bool:
    """A case saved before its announcement was queued with it (an older case): queue it now, once."""
    async with svc.db.transaction() as s:
        case = await s.scalar(select(FoiCase).where(FoiCase.id == case_id, FoiCase.announced_at.is_(None)))
        if case is not None:
            await queue_announcement(svc, s, case)
    return True


async def deliver(svc: Services, case_id: int) -> Outcome:
    outcome = await send_email(svc, case_id)
    await announce(svc, case_id)
    return outcome


async def set_waiting(svc: Services, case_id: int, waiting: bool) -> bool:
    async with svc.db.transaction() as s:
        result = await s.execute(update(FoiCase).where(FoiCase.id == case_id, FoiCase.creator_waiting.is_(not waiting))
                                 .values(creator_waiting=waiting).execution_options(synchronize_session=False))
        return result.rowcount == 1


def cannot_email(svc: Services) -> str | None:
    """Why no email can be tried at all (set-up, known at once), or None."""
    if svc.mailer is None:
        return "email is not set up on this bot yet: SMTP_HOST is not set"
    if not svc.config.information_management_email:
        return "Information Management's address is not in the organisation file"
    return None


async def queue_email(svc: Services, session, case: FoiCase) -> None:
    """In the transaction saving the case: the email to Information Management, as outbox work that runs after
    the person's form has been answered (a slow mail server never delays them). The forwarder waits to hear
    that it went: whichever sends it (this job or the retry sweep) tells them once."""
    case.creator_waiting = True
    await svc.outbox.job(session, EMAIL_JOB, {"case_id": case.id}, key=f"foi:{case.reference}:email",
                         notify=case.created_by, about=f"the email of {case.reference} to Information Management")


async def email_job(svc: Services, args: dict) -> None:
    """The outbox job: send the email, then tell the forwarder that it went, or that it has not gone yet and will
    be retried every 15 minutes (the retry sweep, which tells them when it goes)."""
    outcome = await send_email(svc, args["case_id"])
    case = await _load(svc, args["case_id"])
    if case is None or outcome.status == "sending":
        return   # another process is sending it; whoever finishes tells the forwarder
    if outcome.status == "sent":
        await tell_sent(svc, case)
        return
    async with svc.db.transaction() as s:
        await svc.outbox.dm(s, case.created_by, messages.not_sent_yet(case, outcome.reason),
                            key=f"foi:{case.reference}:not-sent-yet", about=f"the news that {case.reference} "
                            "has not been emailed yet")


async def tell_sent(svc: Services, case: FoiCase) -> None:
    """Tell the forwarder their case has been emailed, once, if they are waiting to hear."""
    if case.creator_waiting and await set_waiting(svc, case.id, False):
        async with svc.db.transaction() as s:
            await svc.outbox.dm(s, case.created_by, messages.sent_later(case, svc.config.information_management_email),
                                key=f"foi:{case.reference}:emailed", about=f"the news that {case.reference} has "
                                "been emailed")


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
        await tell_sent(svc, await _load(svc, case_id))
    return sent
