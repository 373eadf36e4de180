"""Requesting a new social media account (2.5, 2.6, 3.7, 3.8, 8.2 2.3) and its onboarding checklist (5.2-5.6).

The form is checked field by field; a partnership-run account is out of scope (2.6). The request then goes to
the requester's manager (2.3) and on to SFRS business support (8.2 2.3), the head of communications (3.7) or the
Communications Team (2.5). Once approved it enters the register and its checklist is chased weekly until done.
The bot never asks for or keeps a password (5.5)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from chat.commands import typed
from chat.errors import BadInput, NotAllowed, NotFound
from chat.messages import PersonRef, Text, message
from chat.quoting import inert
from chat.replies import Ephemeral, FormErrors, UpdateOriginal
from chat.services import Services
from chat.wording import display_names, when
from dialogs.approvals import store as approval_store
from dialogs.approvals.flow import queue_announce
from dialogs.approvals.rules import RequestKind, Step, steps_of
from dialogs.register.messages import account_label
from dialogs.register.rules import PLATFORMS, administrators_problem, iso_week
from dialogs.register.store import active_admins, add_account
from storage.claims import Repeated
from storage.events import record_event
from storage.models.accounts import ApprovalRequest, OnboardingItem, SocialAccount
from storage.models.core import SendClaim

from .messages import onboarding_message, render_onboarding, request_form, summary, title
from .rules import HOURS, PASSWORD, checklist, looks_like_a_person, route
from .store import same_name


async def open_form(svc: Services, user: PersonRef):
    manager = svc.config.manager_of(user.email)
    ref = None
    if manager:  # start with the manager the organisation file names, as the platform's picker wants it
        uid = await svc.directory.user_id_on(manager, user.platform) if user.platform == "slack" else None
        ref = PersonRef(user.platform, uid, manager)
    return request_form(ref)


async def submit(svc: Services, user: PersonRef, channel: str | None, values: dict, request_key: str | None = None):
    """Check the form; stop a partnership account (2.6); otherwise file the request and send the first card.
    `request_key`: the delivery's key, so running the same submission again files nothing more."""
    if values.get("run_by") == "partnership":
        return Ephemeral(message(Text(
            "The Social Media Policy doesn't apply to this account, so there is nothing to request here (2.6). "
            "The policy follows whoever administers an account, not its content: an account run directly by a "
            "partnership, or by people who aren't council users (1.3), sits under the partner's own policy. "
            "If any council staff will run it, even in part, start again and choose that option: it then needs "
            "approval like any other account (2.5).")))
    requester = user.email
    if not requester:
        raise BadInput("I couldn't find your email address, so I can't file this. Please try again in a minute.")
    errors: dict[str, str] = {}
    text = {k: (values.get(k) or "").strip() for k in ("platform", "platform_other", "account_name",
                                                           "service_area", "kind", "business_case", "strategy",
                                                           "audience", "hours", "monitored")}
    admins, unknown = await svc.directory.emails_of(values.get("administrators"))
    manager = await svc.directory.email_of(values.get("manager"))
    nm = await display_names(svc, [requester, manager, *admins])
    known = {user.name, nm.get(requester), *(nm.get(a) for a in admins)}
    needed = {"platform": "Choose a platform.", "service_area": "Say which service area it is for.",
              "kind": "Choose the kind of account.", "run_by": "Say who will run it day to day (2.6).",
              "business_case": "Tell us the business case: why your service needs this account (2.5).",
              "strategy": "Say how it supports the corporate social media strategy (2.5).",
              "audience": "Say who the account is for (2.5).",
              "account_name": "Give the account a name, after the role or service (3.7)."}
    for key, msg in needed.items():
        if not (text.get(key) or values.get(key)):
            errors[key] = msg
    if text["platform"] == "other" and not text["platform_other"]:
        errors["platform_other"] = "Say which platform."
    if text["account_name"] and looks_like_a_person(text["account_name"], known):
        errors["account_name"] = ("Name it after the role or service, not a person, e.g. “Suffolk Highways” "
                                  "or “Head of Libraries” (3.7).")
    problem = administrators_problem(admins, unknown, "Add at least one administrator (2.3).")
    if problem:
        errors["administrators"] = problem
    try:
        hours = float(text["hours"])
        if not 0 < hours <= 168:
            raise ValueError
    except ValueError:
        errors["hours"] = "Give the hours a week as a number, e.g. 5 (2.5)."
    if not text["monitored"] or not HOURS.search(text["monitored"]):
        errors["monitored"] = ("Say which days and hours it will be monitored, e.g. “Monday to Friday, 9am to "
                               "5pm”: it goes in the bio (3.8).")
    if not manager:
        errors["manager"] = "Choose your manager: they confirm you are authorised to run it (2.3)."
    elif manager == requester:
        errors["manager"] = "Choose your own manager, not yourself: they confirm your authorisation (2.3)."
    for key, value in text.items():
        if value and PASSWORD.search(value):
            errors[key] = ("Please don't put a password or login here. Logins are registered with the "
                           "Communications Team directly; I never ask for or keep passwords (5.5).")
    platform_label = text["platform_other"] if text["platform"] == "other" else dict(PLATFORMS).get(text["platform"])
    if not errors.get("account_name") and text["account_name"] and platform_label:
        clash = await existing_clash(svc, platform_label, text["account_name"])
        if clash:
            errors["account_name"] = clash
    if errors:
        again = request_form(values.get("manager"), errors, text | {"run_by": values.get("run_by")})
        return FormErrors(errors, form=again)
    details = {**{k: v for k, v in text.items() if k not in ("platform_other",)}, "platform_label": platform_label,
               "administrators": admins, "manager": manager}
    steps = route(svc, requester, details, nm, channel)
    try:
        req = await file_request(svc, requester, steps, details, nm, request_key)
    except Repeated:
        return Ephemeral(message(Text(f"Your request was filed: `{typed('smpolicy', 'status', user.platform)}` shows where it stands.")))
    first = steps_of(req)[0]
    return Ephemeral(message(Text(
        f"Thanks: your request {ACCOUNT_REQUEST.ref(req)} for {account_label(platform_label, text['account_name'])} "
        f"is with {first.label} ({first.section}), then {' and then '.join(s.label for s in steps[1:])}. I'll message "
        f"you as it moves on; `{typed('smpolicy', 'status', user.platform)}` shows where it stands.")))


async def existing_clash(svc: Services, platform_label: str, name: str) -> str | None:
    """An account or open request with the same platform and name (2.5: one register, no duplicates)."""
    acct, waiting = await same_name(svc, platform_label, name)
    if acct:
        return (f"There is already a {inert(platform_label)} account called “{inert(acct.name)}” in the register. "
                f"Ask its owner, {svc.config.display_name(acct.owner)}, about joining it (2.5).")
    if waiting:
        return (f"A request for {account_label(platform_label, name)} is already waiting "
                f"({ACCOUNT_REQUEST.ref(waiting[0])}).")
    return None


async def file_request(svc: Services, requester: str, steps: list[Step], details: dict, nm: dict,
                       request_key: str | None = None) -> ApprovalRequest:
    """File the request with its first card queued beside it (sent once the request is saved)."""
    async def first_card(session, req):
        await queue_announce(svc, session, ACCOUNT_REQUEST, req, nm, notify=requester)
    return await approval_store.file(svc, kind="account", requester=requester, steps=steps, details=details,
                                     event={"platform": details["platform_label"], "name": details["account_name"]},
                                     then=first_card, request_key=request_key)


async def on_approved(svc: Services, session, req: ApprovalRequest, actor: str) -> None:
    acct = await add_account(svc, session, req, actor)
    for key, *_ in checklist(acct, svc.config.profile_for(acct.owner) == "sfrs"):
        session.add(OnboardingItem(account_id=acct.id, key=key))


async def after_approved(svc: Services, session, req: ApprovalRequest, actor: str, nm: dict) -> None:
    """In the approval's transaction: the requester's onboarding checklist (this week's chaser counts as sent)
    and a word to each other administrator, queued to go once it is committed."""
    acct = await session.scalar(select(SocialAccount).where(SocialAccount.request_id == req.id))
    lead = (f"Your request {ACCOUNT_REQUEST.ref(req)} was approved by {nm.get(actor, actor)} at "
            f"{when(svc, req.decided_at)} and “{inert(acct.name)}” is now in the accounts register. Before it goes "
            f"live, please work through this checklist; I'll remind you weekly until it's done.")
    await svc.outbox.dm(session, req.requester, render_onboarding(svc, acct, {}, {}, lead),
                        key=f"account:{acct.id}:onboarding", notify=actor, about="the onboarding checklist")
    session.add(SendClaim(kind="onboarding", item=f"account:{acct.id}", day=iso_week(svc.today()),
                          claimed_at=svc.now(), state="sent"))
    for admin in await active_admins(session, acct.id):   # with the SFRS administrator on a station (8.2 2.4)
        if admin != req.requester:
            await svc.outbox.dm(session, admin, message(Text(
                f"You are now an administrator of {account_label(acct.platform, acct.name)}. Please make sure you "
                "have read the Social Media Policy, have your manager's authorisation (2.3) and have had training "
                "(2.8).")),
                key=f"account:{acct.id}:admin:{admin}")


ACCOUNT_REQUEST = RequestKind(kind="account", prefix="AR", noun="account request", final_state="approved",
                              title=title, summary=summary, on_final=on_approved, after_final=after_approved)


async def mark_done(svc: Services, actor: str | None, value: str):
    try:
        account_id, key = value.split(":", 1)
        account_id = int(account_id)
    except ValueError:
        raise NotFound("That button is out of date.") from None
    async with svc.db.sessions() as s:
        acct = await s.get(SocialAccount, account_id)
        admins = await active_admins(s, account_id)
    if acct is None:
        raise NotFound("That account is no longer in the register.")
    if actor not in (acct.owner, *admins) and not svc.config.has_role(
            actor, "comms_team", "head_of_comms", "sfrs_business_support"):
        raise NotAllowed("Only the account's owner, its administrators or the Communications Team can tick "
                         "its onboarding checklist.")
    now = svc.now()
    async with svc.db.transaction() as s:
        ticked = (await s.execute(update(OnboardingItem).where(
            OnboardingItem.account_id == account_id, OnboardingItem.key == key, OnboardingItem.done_at.is_(None))
            .values(done_at=now, done_by=actor).execution_options(synchronize_session=False))).rowcount == 1
        if ticked:
            await record_event(s, at=now, actor=actor, subject_kind="social_account", subject_id=account_id,
                               action="onboarding_done", details={"item": key})
            if key == "2fa":   # the first confirmation: the yearly check (5.6) counts from here
                await s.execute(update(SocialAccount).where(SocialAccount.id == account_id)
                                .values(twofa_confirmed_at=now).execution_options(synchronize_session=False))
            left = await s.scalar(select(func.count()).select_from(OnboardingItem).where(
                OnboardingItem.account_id == account_id, OnboardingItem.done_at.is_(None)))
            if not left and (await s.execute(update(SocialAccount).where(
                    SocialAccount.id == account_id, SocialAccount.onboarded_at.is_(None))
                    .values(onboarded_at=now).execution_options(synchronize_session=False))).rowcount:
                await record_event(s, at=now, actor=actor, subject_kind="social_account", subject_id=account_id,
                                   action="onboarded", from_state="onboarding", to_state="onboarded")
    replies = [UpdateOriginal(await onboarding_message(svc, account_id))]
    if not ticked:
        replies.append(Ephemeral(message(Text("That item was already ticked; the checklist shows who did it."))))
    return replies


async def chase_onboarding(svc: Services, now: datetime) -> None:
    """Weekly until done: one DM to the owner per unfinished checklist per ISO week."""
    week = iso_week(now.astimezone(svc.config.tz).date())
    async with svc.db.sessions() as s:
        open_ids = list(await s.scalars(select(SocialAccount.id).where(
            SocialAccount.state == "active", SocialAccount.onboarded_at.is_(None)).order_by(SocialAccount.id)))
        owners = {a.id: a.owner for a in await s.scalars(select(SocialAccount).where(SocialAccount.id.in_(open_ids)))}
    for account_id in open_ids:
        msg = await onboarding_message(svc, account_id, "Weekly reminder: some onboarding is still to do.")
        try:
            await svc.notifier.dm(owners[account_id], msg, claim=("onboarding", f"account:{account_id}", week))
        except Exception:  # the claim was released; next sweep tries again
            continue
