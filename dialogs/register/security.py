"""Keeping each account secure (5.5, 5.6): the owner is asked to change the password every
`organisation.password_change_days` (accounts not on the single access platform: "change the password regularly"),
and to confirm two-factor authentication is still on once a year ("it is imperative to prioritise security by
enabling two-factor authentication"). Each reminder goes once a week while it is due, claimed so that several
instances send it once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from chat.errors import NotAllowed, NotFound
from chat.messages import Button, Buttons, Header, Message, Note, Text, message
from chat.replies import Ephemeral, UpdateOriginal
from chat.services import Services
from chat.wording import display_names, when
from storage.events import record_event
from storage.models.accounts import SocialAccount

from .messages import account_label
from .rules import COMMS, TWOFA_EVERY, iso_week, password_due, twofa_due
from .store import active_admins

PASSWORD_DONE = "register.password_changed"
TWOFA_DONE = "register.twofa_on"


def password_message(acct: SocialAccount, days: int) -> Message:
    head = f"Time to change the password: {account_label(acct.platform, acct.name)}"
    return message(Header(head), Text(
        f"It's {days} days since the password of {account_label(acct.platform, acct.name)} was last changed. "
        "Please change it now and give the new login to the Communications Team directly, never in chat (5.5: "
        "“change the password regularly”). I never ask for or keep passwords."),
        Buttons(Button("Done: password changed", PASSWORD_DONE, str(acct.id), "primary")),
        Note("I'll remind you each week until you press Done."), text=head)


def twofa_message(acct: SocialAccount) -> Message:
    head = f"Is two-factor authentication still on? {account_label(acct.platform, acct.name)}"
    return message(Header(head), Text(
        "Once a year I ask each owner to check that two-factor authentication is on for "
        f"{account_label(acct.platform, acct.name)} (5.6): a password plus a code sent to a registered device. "
        "Please check it in the account's security settings, then press the button."),
        Buttons(Button("It is on", TWOFA_DONE, str(acct.id), "primary")),
        Note("I'll remind you each week until you confirm."), text=head)


async def remind(svc: Services, now: datetime) -> None:
    """Daily: each owner whose account is due a password change or a 2FA check, once per account per week."""
    week = iso_week(now.astimezone(svc.config.tz).date())
    every = timedelta(days=svc.config.password_change_days)
    async with svc.db.sessions() as s:
        accounts = list(await s.scalars(select(SocialAccount).where(SocialAccount.state == "active")
                                        .order_by(SocialAccount.id)))
    for acct in accounts:
        sends = []
        if password_due(acct, now, every):
            sends.append((password_message(acct, (now - (acct.password_changed_at or acct.created_at)).days),
                          "password_due"))
        if twofa_due(acct, now):
            sends.append((twofa_message(acct), "twofa_due"))
        for msg, kind in sends:
            try:
                await svc.notifier.dm(acct.owner, msg, claim=(kind, str(acct.id), week))
            except Exception:
                continue   # the claim is released; tomorrow's sweep tries again


async def _account(svc: Services, value: str) -> tuple[SocialAccount, list[str]]:
    async with svc.db.sessions() as s:
        acct = await s.get(SocialAccount, int(value)) if value.isdigit() and len(value) < 10 else None
        admins = await active_admins(s, acct.id) if acct else []
    if acct is None:
        raise NotFound("That account is no longer in the register.")
    return acct, admins


async def confirm(svc: Services, actor: str | None, value: str, what: str):
    """The owner (or an administrator, or the Communications Team) confirms; a second click changes nothing."""
    acct, admins = await _account(svc, value or "")
    if actor not in (acct.owner, *admins) and not svc.config.has_role(actor, *COMMS):
        raise NotAllowed("Only the account's owner, its administrators or the Communications Team can confirm this.")
    column = SocialAccount.password_changed_at if what == "password" else SocialAccount.twofa_confirmed_at
    now = svc.now()
    async with svc.db.transaction() as s:
        won = (await s.execute(update(SocialAccount).where(
            SocialAccount.id == acct.id, or_(column.is_(None), column < now - timedelta(days=1)))
            .values({column.key: now}).execution_options(synchronize_session=False))).rowcount == 1
        if won:
            await record_event(s, at=now, actor=actor, subject_kind="social_account", subject_id=acct.id,
                               action="password_changed" if what == "password" else "twofa_confirmed")
    async with svc.db.sessions() as s:
        fresh = await s.get(SocialAccount, acct.id)
    at = fresh.password_changed_at if what == "password" else fresh.twofa_confirmed_at
    nm = await display_names(svc, [actor])
    if not won:
        return Ephemeral(message(Text(f"That was already confirmed at {when(svc, at)}.")))
    if what == "password":
        done = (f"✅ {nm[actor]} confirmed the password of {account_label(acct.platform, acct.name)} was changed at "
                f"{when(svc, at)}. Next reminder in {svc.config.password_change_days} days (5.5).")
    else:
        done = (f"✅ {nm[actor]} confirmed two-factor authentication is on for "
                f"{account_label(acct.platform, acct.name)} at {when(svc, at)}. I'll ask again in "
                f"{TWOFA_EVERY.days} days (5.6).")
    return UpdateOriginal(message(Text(done)))
