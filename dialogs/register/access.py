"""Who has access to an account, kept in the register (5.5): "Keep a list of those people who have access, and change
the password regularly, especially when anyone with access leaves the organisation or changes job."

The Communications Team or the account's owner adds and removes administrators; a removal asks the owner at once to
change the password and update the login registered with the Communications Team. The crisis STOP messages, the
mourning pause and leavers all read this same list."""
from __future__ import annotations

from sqlalchemy import select

from chat.errors import NotAllowed
from chat.messages import Form, Input, Text, message
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from chat.wording import display_names
from storage.claims import Repeated, once
from storage.events import record_event
from storage.models.accounts import AccountTask, SocialAccount

from . import store
from .messages import account_label, task_message
from .rules import PASSWORD_TASK, REMOVAL_REASONS, may_change_access

FORM_ID = "register_admins"


async def _accounts_for(svc: Services, actor: str | None) -> list[SocialAccount]:
    async with svc.db.sessions() as s:
        rows = list(await s.scalars(select(SocialAccount).where(SocialAccount.state == "active")
                                    .order_by(SocialAccount.platform, SocialAccount.name)))
    return [a for a in rows if may_change_access(svc, actor, a)]


def admins_form(accounts: list[SocialAccount], errors: dict | None = None, values: dict | None = None) -> Form:
    v = values or {}
    return Form(FORM_ID, "Change administrators", (
        Input("account", "Which account?", "choice",
              tuple((str(a.id), f"{a.platform} – {a.name}") for a in accounts[:100]), initial=v.get("account")),
        Input("add", "Give access to", "people", required=False,
              hint="Each needs their manager's authorisation and training (2.3, 2.8)."),
        Input("remove", "Take access away from", "people", required=False),
        Input("reason", "Why are they losing access?", "choice", REMOVAL_REASONS, required=False,
              initial=v.get("reason")),
    ), submit="Save", errors=tuple((errors or {}).items()), intro=(Text(
        "The register is the list of who has access to each account (5.5). When someone loses access, I'll ask the "
        "owner at once to change the password and update the login registered with the Communications Team."),))


async def open_admins_form(svc: Services, actor: str | None):
    accounts = await _accounts_for(svc, actor)
    if not accounts:
        raise NotAllowed("Only an account's owner or the Communications Team can change who administers it (5.5), "
                         "and you don't own an account in the register.")
    return OpenForm(admins_form(accounts))


async def admins_submitted(svc: Services, actor: str | None, values: dict, request_key: str | None = None):
    accounts = await _accounts_for(svc, actor)
    chosen = next((a for a in accounts if str(a.id) == (values.get("account") or "")), None)
    if chosen is None:
        raise NotAllowed("Only the account's owner or the Communications Team can change who administers it (5.5).")
    add, missing_add = await svc.directory.emails_of(values.get("add"))
    remove, missing_remove = await svc.directory.emails_of(values.get("remove"))
    reason = values.get("reason")
    errors = {}
    if missing_add:
        errors["add"] = f"I couldn't find an email address for {', '.join(missing_add)}."
    if missing_remove:
        errors["remove"] = f"I couldn't find an email address for {', '.join(missing_remove)}."
    if not add and not remove and not errors:
        errors["add"] = "Choose someone to give access to, or someone to take it away from."
    if set(add) & set(remove):
        errors["remove"] = "Someone can't be both given access and have it taken away."
    if remove and reason not in dict(REMOVAL_REASONS):
        errors["reason"] = "Say why, so the owner knows why the password must change (5.5)."
    if errors:
        return FormErrors(errors, form=admins_form(accounts, errors, values))
    nm = await display_names(svc, {actor, chosen.owner, *add, *remove})
    now = svc.now()
    added, removed, tasks = [], [], []
    try:
        async with svc.db.transaction() as s:
            if request_key:
                await once(s, request_key, now)
            for email in add:
                if await store.add_admin(s, chosen.id, email, actor, now):
                    added.append(email)
                    await svc.outbox.dm(s, email, message(Text(
                        f"{nm[actor]} has given you access to {account_label(chosen.platform, chosen.name)}, and "
                        "you are now in the accounts register as one of its administrators (5.5). Please make sure "
                        "you have read the Social Media Policy, have your manager's authorisation (2.3) and have had "
                        "training (2.8); never share the login with anyone else.")),
                        key=f"register:{chosen.id}:added:{email}:{now.isoformat()}")
            for told in svc.registry.access_given if added else ():   # a crisis on it tells them to STOP (4.3)
                await told(svc, s, chosen.id, added)
            for email in remove:
                if await store.remove_admin(s, chosen.id, email, actor, now, reason):
                    removed.append(email)
                    tasks.append(await password_task(s, chosen, email, actor, now))
    except Repeated:
        return Ephemeral(message(Text("That change was already saved.")))
    for task in tasks:
        if task is not None:
            await _send_task(svc, task)
    return Ephemeral(message(Text(_summary(chosen, nm, added, removed, add, remove))))


async def password_task(session, acct: SocialAccount, gone: str, actor: str | None, now) -> AccountTask | None:
    """The owner is asked at once to change the password when `gone` loses access (5.5), unless it is the owner
    who has gone (the Communications Team is then told by whoever records it)."""
    if gone == acct.owner:
        return None
    task = await session.scalar(select(AccountTask).where(
        AccountTask.account_id == acct.id, AccountTask.kind == PASSWORD_TASK, AccountTask.assignee == acct.owner,
        AccountTask.because_of == gone))
    if task is None:
        task = AccountTask(account_id=acct.id, kind=PASSWORD_TASK, assignee=acct.owner, because_of=gone,
                           created_at=now, created_by=actor or "system")
        session.add(task)
    else:   # they lost access once before: the same task again
        task.created_at, task.created_by, task.done_at, task.done_by = now, actor or "system", None, None
    await session.flush()
    await record_event(session, at=now, actor=actor, subject_kind="account_task", subject_id=task.id,
                       action="task_created", to_state="open",
                       details={"account": acct.id, "assignee": acct.owner, "leaver": gone})
    return task


async def _send_task(svc: Services, task: AccountTask) -> None:
    await send_task(svc, task, claim_day=svc.today().isoformat())


async def send_task(svc: Services, task: AccountTask, claim_day: str, lead: str | None = None) -> None:
    """A password task's DM, once per task per day (the daily sweep chases it until it is confirmed)."""
    try:
        await svc.notifier.dm(task.assignee, await task_message(svc, task, lead),
                              claim=("password_task", str(task.id), claim_day))
    except Exception:
        pass  # the claim is released on failure; the daily sweep tries again


def _summary(acct, nm, added, removed, add, remove) -> str:
    lines = [f"*{account_label(acct.platform, acct.name)}*"]
    if added:
        lines.append("Given access: " + ", ".join(nm[e] for e in added) + ". I've told them.")
    if removed:
        lines.append("Access taken away: " + ", ".join(nm[e] for e in removed) + ". "
                     + (f"I've asked {nm[acct.owner]}, the owner, to change the password now and update the login "
                        "registered with the Communications Team (5.5)." if acct.owner not in removed else
                        "The owner has lost access: please name a new owner with the Communications Team (2.2)."))
    unchanged = [e for e in add if e not in added] + [e for e in remove if e not in removed]
    if unchanged:
        lines.append("No change for " + ", ".join(nm[e] for e in unchanged) + " (already as you asked).")
    return "\n".join(lines)
