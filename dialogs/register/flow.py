"""The accounts register (2.2, 2.5, 5.5): who runs which account, leavers and their password tasks, reviews.

Other workflows ask `administrators_of(...)` (the crisis room stops posting, the mourning pause tells every
administrator). Nothing here holds a password or a login (5.5): only who administers what."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from chat.commands import typed
from chat.errors import BadInput, NotAllowed, NotFound
from chat.messages import Button, Buttons, Fields, Header, Message, Note, Text, message
from chat.quoting import inert
from chat.replies import Ephemeral, UpdateOriginal
from chat.services import Services
from chat.wording import display_names, when
from storage.events import record_event
from storage.models.accounts import AccountAdmin, AccountTask, OnboardingItem, SocialAccount

from .access import password_task, send_task
from .messages import account_label, task_message
from .rules import COMMS, PASSWORD_TASK, PLATFORMS, REVIEW_EVERY, iso_week, platform_match, reviewer_of
from .store import active_admins


async def list_accounts(svc: Services, viewer: str | None, scope: str, platform: str = "slack") -> Message:
    scope = (scope or "mine").strip().lower()
    async with svc.db.sessions() as s:
        accounts = list(await s.scalars(select(SocialAccount).where(SocialAccount.state == "active")
                                        .order_by(SocialAccount.platform, SocialAccount.name)))
        admins = {a.id: await active_admins(s, a.id) for a in accounts}
        open_items = dict((await s.execute(select(OnboardingItem.account_id, func.count()).where(
            OnboardingItem.done_at.is_(None)).group_by(OnboardingItem.account_id))).all())
        all_items = dict((await s.execute(select(OnboardingItem.account_id, func.count())
                                          .group_by(OnboardingItem.account_id))).all())
    if scope == "mine":
        accounts = [a for a in accounts if viewer in (a.owner, a.manager, *admins[a.id])]
        title = "Accounts you own, manage or administer"
    elif scope == "all":
        title = "Every account in the register"
    else:
        accounts = [a for a in accounts if platform_match(scope, a.platform)]
        if not accounts and scope not in dict(PLATFORMS):
            raise BadInput(f"I don't know “{inert(scope)}”. Try `{typed('smpolicy', 'accounts mine', platform)}`, "
                           f"`{typed('smpolicy', 'accounts all', platform)}` or a platform: "
                           + ", ".join(k for k, _ in PLATFORMS if k != "other") + ".")
        title = f"{inert(scope).capitalize()} accounts in the register"
    if not accounts:
        return message(Text(f"*{title}*\nNone yet. To ask for a new one, use "
                            f"`{typed('smpolicy', 'request-account', platform)}` (2.5); to register one that already "
                            f"exists, `{typed('smpolicy', 'accounts register', platform)}` (5.5)."))
    nm = await display_names(svc, {e for a in accounts for e in (a.owner, *admins[a.id])})
    blocks: list = [Header(title)]
    for a in accounts[:45]:
        total, left = all_items.get(a.id, 0), open_items.get(a.id, 0)
        onboarding = "done" if a.onboarded_at else f"{total - left} of {total} done"
        review = when(svc, a.last_review_at).split(" on ")[1] if a.last_review_at else "not yet"
        access = "yes" if a.on_access_platform else "no" if a.on_access_platform is False else "not known"
        blocks.append(Fields([("Account", f"{inert(a.platform)} – {inert(a.name)}"),
                              ("Owner", nm.get(a.owner, a.owner)),
                              ("Who has access (5.5)", ", ".join(nm.get(e, e) for e in admins[a.id]) or "none"),
                              ("Single access platform", access), ("Onboarding", onboarding),
                              ("Password changed", _day(svc, a.password_changed_at)),
                              ("Two-factor confirmed (5.6)", _day(svc, a.twofa_confirmed_at)),
                              ("Last review (2.2)", review)]))
    if len(accounts) > 45:
        blocks.append(Note(f"…and {len(accounts) - 45} more. Narrow it down with a platform, e.g. "
                           f"`{typed('smpolicy', 'accounts x', platform)}`."))
    return message(*blocks, text=title)


def _day(svc: Services, at) -> str:
    return when(svc, at).split(" on ")[1] if at else "not yet"


async def person_from_text(svc: Services, platform: str, text: str) -> str:
    """`@person` in Slack arrives as <@U123|name>; in Teams a mention arrives as their email address."""
    person = await svc.directory.person_named_in(text)
    if person is not None and person.email:
        return person.email
    if person is not None:
        raise BadInput("I couldn't find that person's email address, so I can't match them to the register.")
    how = f"`{typed('smpolicy', 'leaver @person' if platform == 'slack' else 'leaver name@example.gov.uk', platform)}`"
    raise BadInput(f"Who is leaving? Use {how}.")


async def leaver(svc: Services, actor: str | None, who: str) -> Message:
    """Take the leaver off every account and give each remaining administrator a password task (5.5)."""
    if not (actor and (svc.config.manager_of(who) == actor or svc.config.has_role(actor, *COMMS))):
        raise NotAllowed("Only the leaver's manager or the Communications Team can record a leaver (5.5).")
    now = svc.now()
    done: list[tuple[SocialAccount, list[str]]] = []
    tasks: list[AccountTask] = []
    async with svc.db.transaction() as s:
        rows = list(await s.execute(select(AccountAdmin, SocialAccount).join(
            SocialAccount, SocialAccount.id == AccountAdmin.account_id).where(
            AccountAdmin.email == who, AccountAdmin.removed_at.is_(None), SocialAccount.state == "active")))
        for admin, acct in rows:
            removed = await s.execute(update(AccountAdmin).where(
                AccountAdmin.id == admin.id, AccountAdmin.removed_at.is_(None))
                .values(removed_at=now, removed_by=actor).execution_options(synchronize_session=False))
            if removed.rowcount != 1:
                continue  # someone else recorded this leaver at the same moment
            await record_event(s, at=now, actor=actor, subject_kind="social_account", subject_id=acct.id,
                               action="admin_removed", details={"leaver": who})
            remaining = await active_admins(s, acct.id)
            for email in remaining:
                task = await s.scalar(select(AccountTask).where(  # they left once before: reopen that task
                    AccountTask.account_id == acct.id, AccountTask.kind == PASSWORD_TASK,
                    AccountTask.assignee == email, AccountTask.because_of == who))
                if task is None:
                    task = AccountTask(account_id=acct.id, kind=PASSWORD_TASK, assignee=email, because_of=who,
                                       created_at=now, created_by=actor)
                    s.add(task)
                else:
                    task.created_at, task.created_by, task.done_at, task.done_by = now, actor, None, None
                await s.flush()
                tasks.append(task)
                await record_event(s, at=now, actor=actor, subject_kind="account_task", subject_id=task.id,
                                   action="task_created", to_state="open",
                                   details={"account": acct.id, "assignee": email, "leaver": who})
            if acct.owner not in remaining:   # the owner too is asked at once (5.5)
                owner_task = await password_task(s, acct, who, actor, now)
                if owner_task is not None:
                    tasks.append(owner_task)
            done.append((acct, remaining))
        owned = list(await s.scalars(select(SocialAccount).where(SocialAccount.owner == who,
                                                                 SocialAccount.state == "active")))
    nm = await display_names(svc, {who, *(e for _, r in done for e in r)})
    today = svc.today().isoformat()
    for task in tasks:
        await send_task(svc, task, claim_day=today)
    await tell_sfrs_administrator(svc, who, [acct for acct, _ in done], nm, today)
    for acct, remaining in done:
        if not remaining:
            await post_comms(svc, f"{nm[who]} has left and nobody else administers "
                                   f"{account_label(acct.platform, acct.name)}. Please change its login, which the "
                                   "Communications Team holds (5.5), and find a new administrator.")
    if not done:
        lines = [f"{nm[who]} isn't an administrator of any account in the register, so there is nothing to "
                 "change. (If you have already recorded them as a leaver, that still stands.)"]
    else:
        lines = [f"I've taken {nm[who]} off these accounts and asked the remaining administrators to change the "
                 "password and update the registered login (5.5). I'll chase them daily until each confirms."]
        for acct, remaining in done:
            who_left = ", ".join(nm.get(e, e) for e in remaining) or "nobody: I've told the Communications Team"
            lines.append(f"• {account_label(acct.platform, acct.name)}: remaining administrators {who_left}")
    if owned:
        lines.append(f"{nm[who]} also owns {', '.join(f'“{inert(a.name)}”' for a in owned)}: please ask the "
                     "Communications Team to name a new owner (2.2).")
    return message(Text("\n".join(lines)))


async def tell_sfrs_administrator(svc: Services, who: str, accounts: list[SocialAccount], nm: dict,
                                  today: str) -> None:
    """8.2 2.4: the SFRS social media administrator helps make sure rights are taken away when people leave, so
    they are told of every fire-service leaver (by profile, or anyone who ran a station account)."""
    fire = svc.config.profile_for(who) == "sfrs" or any(a.kind == "station" for a in accounts)
    if not fire:
        return
    names = ", ".join(account_label(a.platform, a.name) for a in accounts)
    where = (f"I've taken them off {names} in the register." if accounts else
             "They weren't an administrator of any account in the register.")
    msg = message(Text(f"{nm.get(who, who)} has been recorded as a leaver from the Fire and Rescue Service. {where} "
                       "As the SFRS social media administrator, please make sure their administration rights are "
                       "taken away on the platforms themselves (8.2 2.4)."))
    for admin in svc.config.members("sfrs_social_media_admin"):
        if admin == who:
            continue
        try:
            await svc.notifier.dm(admin, msg, claim=("sfrs_leaver", who, today))
        except Exception:
            continue   # the reply to whoever recorded the leaver still says what changed


async def post_comms(svc: Services, text: str) -> None:
    try:
        await svc.notifier.post("comms_team", message(Text(text)))
    except Exception:
        pass  # the reply to the person recording the leaver says the same thing


async def confirm_task(svc: Services, actor: str | None, value: str):
    task_id = int(value) if value.isdigit() and len(value) < 10 else 0   # a forged id must not reach the database
    if not task_id:
        raise NotFound("That button is out of date.")
    async with svc.db.sessions() as s:
        task = await s.get(AccountTask, task_id)
    if task is None:
        raise NotFound("I can't find that task any more.")
    if actor != task.assignee and not svc.config.has_role(actor, *COMMS):
        raise NotAllowed("Only the administrator it was given to, or the Communications Team, can confirm this.")
    now = svc.now()
    async with svc.db.transaction() as s:
        won = (await s.execute(update(AccountTask).where(AccountTask.id == task_id, AccountTask.done_at.is_(None))
                               .values(done_at=now, done_by=actor)
                               .execution_options(synchronize_session=False))).rowcount == 1
        if won:
            await record_event(s, at=now, actor=actor, subject_kind="account_task", subject_id=task_id,
                               action="task_done", from_state="open", to_state="done")
            await s.execute(update(SocialAccount).where(SocialAccount.id == task.account_id)
                            .values(password_changed_at=now).execution_options(synchronize_session=False))
    async with svc.db.sessions() as s:
        task = await s.get(AccountTask, task_id)
    replies = [UpdateOriginal(await task_message(svc, task))]
    if not won:
        nm = await display_names(svc, [task.done_by])
        replies.append(Ephemeral(message(Text(f"{nm[task.done_by]} already confirmed this at "
                                              f"{when(svc, task.done_at)}."))))
    return replies


async def chase_tasks(svc: Services, now: datetime) -> None:
    """Each working day, one reminder per open task until its administrator confirms."""
    day = now.astimezone(svc.config.tz).date().isoformat()
    async with svc.db.sessions() as s:
        open_tasks = list(await s.scalars(select(AccountTask).where(AccountTask.done_at.is_(None))
                                          .order_by(AccountTask.id)))
    for task in open_tasks:
        await send_task(svc, task, day, lead="Reminder: this is still to do.")


async def review_reminders(svc: Services, now: datetime) -> None:
    """Once a year per account, then weekly until done: its owner's manager checks it is still right (2.2)."""
    local = now.astimezone(svc.config.tz)
    week = iso_week(local.date())
    # Due from the morning of the anniversary, not the hour of it.
    cutoff = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1) - REVIEW_EVERY
    async with svc.db.sessions() as s:
        due = list(await s.scalars(select(SocialAccount).where(
            SocialAccount.state == "active",
            or_(SocialAccount.last_review_at < cutoff,
                (SocialAccount.last_review_at.is_(None)) & (SocialAccount.created_at < cutoff)))))
        admins = {a.id: await active_admins(s, a.id) for a in due}
    for acct in due:
        reviewer = reviewer_of(svc, acct)
        if not reviewer:
            continue
        text = (f"It's time for the yearly review of {account_label(acct.platform, acct.name)} "
                f"({inert(acct.service_area)}). As the owner's manager, please check it is still needed, is used in "
                "line with the policy and strategy, and that its administrators are the right people and trained "
                "(2.2, 2.8). Tell the Communications Team about any change, then press Reviewed.")
        msg = message(Header(f"Yearly review: {account_label(acct.platform, acct.name)}"), Text(text),
                      Fields([("Owner", svc.config.display_name(acct.owner)),
                              ("Administrators", ", ".join(admins[acct.id]) or "none")]),
                      Buttons(Button("Reviewed", "register.reviewed", str(acct.id), "primary")))
        try:
            await svc.notifier.dm(reviewer, msg, claim=("account_review", str(acct.id), week))
        except Exception:
            continue


async def mark_reviewed(svc: Services, actor: str | None, value: str):
    async with svc.db.sessions() as s:
        acct = await s.get(SocialAccount, int(value)) if value.isdigit() and len(value) < 10 else None
    if acct is None:
        raise NotFound("That account is no longer in the register.")
    if actor != reviewer_of(svc, acct) and not svc.config.has_role(actor, *COMMS):
        raise NotAllowed("Only the owner's manager or the Communications Team can record the yearly review (2.2).")
    now = svc.now()
    async with svc.db.transaction() as s:
        won = (await s.execute(update(SocialAccount).where(
            SocialAccount.id == acct.id,
            or_(SocialAccount.last_review_at.is_(None), SocialAccount.last_review_at <= now - timedelta(days=30)))
            .values(last_review_at=now, reviewed_by=actor).execution_options(synchronize_session=False))
        ).rowcount == 1
        if won:
            await record_event(s, at=now, actor=actor, subject_kind="social_account", subject_id=acct.id,
                               action="reviewed", details={"by": actor})
        fresh = await s.get(SocialAccount, acct.id, populate_existing=True)
    nm = await display_names(svc, [fresh.reviewed_by])
    text = f"✅ Reviewed by {nm.get(fresh.reviewed_by)} at {when(svc, fresh.last_review_at)}. Next review in a year."
    return UpdateOriginal(message(Header(f"Yearly review: {account_label(acct.platform, acct.name)}"), Text(text)))
