"""Requesting a new social media account (2.5, 2.6, 3.7, 3.8, 8.2 2.3) and its onboarding checklist (5.2–5.6).

The form is checked field by field; a partnership-run account is out of scope (2.6). The request then goes to
the requester's manager (2.3) and on to SFRS business support (8.2 2.3), the head of communications (3.7) or the
Communications Team (2.5). Once approved it enters the register and its checklist is chased weekly until done.
The bot never asks for or keeps a password (5.5).
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select, update

from chat.messages import Button, Buttons, Fields, Form, Header, Input, Message, Note, PersonRef, Text, message
from chat.replies import Ephemeral, FormErrors, UpdateOriginal
from storage.events import record_event
from storage.models.accounts import ApprovalRequest, OnboardingItem, SocialAccount

from . import approvals, register
from .approvals import RequestKind, Step
from chat.errors import BadInput, NotAllowed, NotFound

PLATFORMS = (("facebook", "Facebook"), ("x", "X (Twitter)"), ("instagram", "Instagram"), ("linkedin", "LinkedIn"),
             ("youtube", "YouTube"), ("tiktok", "TikTok"), ("threads", "Threads"), ("other", "Another platform"))
ON_PLATFORM = {"facebook", "x", "instagram", "linkedin"}   # what the single access platform supports (5.5)
KINDS = (("service", "A service account"), ("professional", "An officer's professional account (3.7)"),
         ("station", "A fire station account (SFRS)"))
RUN_BY = (("council", "Council staff, or people the council authorises (1.3)"),
          ("partnership", "A partner organisation, directly (not council staff)"))

# A light heuristic for "named after a person" (3.7): common first names, a title, or someone we know.
FIRST_NAMES = set("""
aaron abbie abdul abigail adam adrian aidan aisha alan alex alexander alexandra alfie ali alice alison amanda amber
amelia amy andrea andrew andy angela ann anna anne anthony archie arthur ashley barbara barry becky ben benjamin beth
bethany bill bob brenda brian callum cameron carl carol caroline catherine charles charlie charlotte chloe chris
christine christopher claire clare colin connor craig daisy dan daniel darren dave david dawn dean debbie deborah
declan denise dennis derek diane dominic donna dylan edward eileen eleanor elizabeth ella ellie emily emma eric erin
ethan eve evie fatima fiona florence frances frank freddie freya gail gareth gary gavin gemma george georgia
gillian graham grace hannah harriet harry harvey hayley heather helen henry holly ian imogen isaac isabel isabella
isla jack jackie jacob jade jake james jamie jane janet jason jasmine jay jean jennifer jenny jessica jill jo joan
joanne joe john jon jonathan jordan joseph josh joshua joyce julia julie june karen kate katherine kathleen katie
kay keith kelly kevin kieran kim kirsty laura lauren leah lee leo lewis liam lily linda lisa logan louis louise
lucy luke lydia lynn maisie margaret maria marie mark martin mary matt matthew maureen max megan melanie michael
michelle mike millie mohammed mohammad molly muhammad nancy naomi natalie nathan neil nicholas nicola nigel noah
oliver olivia oscar owen pamela patricia patrick paul paula pauline peter philip phoebe poppy priya rachel raj
rebecca richard rob robert robyn rose rosie ross ruby russell ruth ryan sally sam samantha samuel sandra sara sarah
scott sean shane sharon sheila simon sophie stacey stephanie stephen steve steven stuart susan suzanne teresa
theo thomas tim timothy toby tom tony tracey tracy trevor vanessa victoria vincent wayne wendy william zoe
""".split())
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "cllr", "councillor", "sir", "dame", "prof"}
SERVICE_WORDS = set("""
council county suffolk team service services library libraries highways fire rescue station school schools care
trading standards museum archive archives hub centre center news info information official support partnership
project programme youth adult adults children family families health public road roads transport waste recycling
parks countryside records office jobs careers events travel safety community communities learning skills
""".split())
PASSWORD = re.compile(r"\b(password|passcode|passwd|pwd|login details)\b\s*(is|was|:|=|-)", re.I)
HOURS = re.compile(r"\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|mon|tue|wed|thu|fri", re.I)


def looks_like_a_person(name: str, known_names) -> bool:
    """True for "Jo Smith", "Dr Patel", the requester's own name or an administrator's (3.7)."""
    low = " ".join(name.lower().split())
    for known in known_names:
        known = " ".join((known or "").lower().split())
        if known and "@" not in known and (low == known or (len(known.split()) > 1 and known in low)):
            return True
    words = re.sub(r"[^A-Za-z' -]", " ", name).split()
    if not words or any(w.lower() in SERVICE_WORDS for w in words):
        return False
    if words[0].lower().rstrip(".") in TITLES and len(words) >= 2:
        return True
    return 2 <= len(words) <= 3 and words[0].lower() in FIRST_NAMES and all(w[:1].isupper() for w in words)


def request_form(manager: PersonRef | None = None, errors: dict | None = None, values: dict | None = None) -> Form:
    v = values or {}
    return Form("account_request", "Request a new account", (
        Input("platform", "Platform", "choice", PLATFORMS, initial=v.get("platform")),
        Input("platform_other", "If another platform, which?", required=False, initial=v.get("platform_other")),
        Input("account_name", "Proposed account name", initial=v.get("account_name"),
              hint="After the role or service, not a person, e.g. “Suffolk Highways” (3.7)."),
        Input("service_area", "Service area", initial=v.get("service_area")),
        Input("kind", "Kind of account", "choice", KINDS, initial=v.get("kind")),
        Input("run_by", "Who will run it day to day?", "choice", RUN_BY, initial=v.get("run_by"),
              hint="The policy follows the administrator, not the content (2.6)."),
        Input("business_case", "Business case", "long_text", initial=v.get("business_case"),
              hint="Why your service needs it and what it will take to run (2.5)."),
        Input("strategy", "How it supports the corporate social media strategy", "long_text",
              initial=v.get("strategy")),
        Input("audience", "Who it is for", "long_text", initial=v.get("audience")),
        Input("administrators", "Administrators", "people",
              hint="At least one. Each needs their manager's authorisation and training (2.3, 2.8)."),
        Input("hours", "Hours a week to run it", initial=v.get("hours"),
              hint="In total across the administrators, e.g. 5 (2.5)."),
        Input("monitored", "Days and hours it will be monitored", initial=v.get("monitored"),
              hint="This goes in the bio, e.g. “Monday to Friday, 9am to 5pm” (3.8)."),
        Input("manager", "Your manager", "person", initial=manager,
              hint="They confirm you are authorised to run it (2.3)."),
    ), submit="Send request", intro=(Text(
        "The Communications Team needs to agree every new council account before it is set up (2.5). "
        "Never put a password in this form: logins are registered with the Communications Team directly (5.5)."),),
        errors=tuple((errors or {}).items()))


async def open_form(svc, user: PersonRef):
    manager = svc.config.manager_of(user.email)
    ref = None
    if manager:  # start with the manager the organisation file names, as the platform's picker wants it
        uid = await svc.directory.user_id_on(manager, user.platform) if user.platform == "slack" else None
        ref = PersonRef(user.platform, uid, manager)
    return request_form(ref)


async def _emails(svc, people) -> tuple[list[str], list[str]]:
    found, missing = [], []
    for p in people or []:
        email = await svc.directory.email_of(p)
        (found if email else missing).append(email or p.label)
    return list(dict.fromkeys(found)), missing


async def submit(svc, user: PersonRef, channel: str | None, values: dict):
    """Check the form; stop a partnership account (2.6); otherwise file the request and send the first card."""
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
    admins, unknown = await _emails(svc, values.get("administrators"))
    manager = await svc.directory.email_of(values.get("manager"))
    nm = await approvals.names(svc, [requester, manager, *admins])
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
    if unknown:
        errors["administrators"] = f"I couldn't find an email address for {', '.join(unknown)}."
    elif not admins:
        errors["administrators"] = "Add at least one administrator (2.3)."
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
        clash = await _existing(svc, platform_label, text["account_name"])
        if clash:
            errors["account_name"] = clash
    if errors:
        again = request_form(values.get("manager"), errors, text | {"run_by": values.get("run_by")})
        return FormErrors(errors, form=again)
    details = {**{k: v for k, v in text.items() if k not in ("platform_other",)}, "platform_label": platform_label,
               "administrators": admins, "manager": manager}
    steps = route(svc, requester, details, nm, channel)
    req = await _file(svc, requester, steps, details)
    first = approvals.steps_of(req)[0]
    return Ephemeral(message(Text(
        f"Thanks: your request {ACCOUNT_REQUEST.ref(req)} for {platform_label} “{text['account_name']}” is with "
        f"{first.label} ({first.section}), then {' and then '.join(s.label for s in steps[1:])}. I'll message "
        f"you as it moves on; `status` shows where it stands.")))


async def _existing(svc, platform_label: str, name: str) -> str | None:
    """An account or open request with the same platform and name (2.5: one register, no duplicates)."""
    async with svc.db.sessions() as s:
        acct = await s.scalar(select(SocialAccount).where(
            func.lower(SocialAccount.platform) == platform_label.lower(),
            func.lower(SocialAccount.name) == name.lower(), SocialAccount.state == "active"))
        waiting = [r for r in await s.scalars(select(ApprovalRequest).where(
            ApprovalRequest.kind == "account", ApprovalRequest.state.in_(approvals.OPEN)))
            if (r.details.get("platform_label", "").lower(), r.details.get("account_name", "").lower())
            == (platform_label.lower(), name.lower())]
    if acct:
        return (f"There is already a {platform_label} account called “{acct.name}” in the register. Ask its "
                f"owner, {svc.config.display_name(acct.owner)}, about joining it (2.5).")
    if waiting:
        return f"A request for {platform_label} “{name}” is already waiting ({ACCOUNT_REQUEST.ref(waiting[0])})."
    return None


def route(svc, requester: str, d: dict, nm: dict, channel: str | None) -> list[Step]:
    manager = d["manager"]
    steps = [Step("manager", "Manager's authorisation", f"{nm.get(manager, manager)} (the line manager)", "2.3",
                  person=manager, approve="Confirm authorisation", done="authorised")]
    if d["kind"] == "station" or svc.config.profile_for(requester, channel) == "sfrs":
        steps.append(Step("sfrs", "SFRS business support", "SFRS business support", "8.2 2.3",
                          role="sfrs_business_support", channel="sfrs_business_support"))
    if d["kind"] == "professional":
        steps.append(Step("head", "Head of Communications", "the head of communications", "3.7",
                          role="head_of_comms"))
    else:
        steps.append(Step("comms", "Communications Team", "the Communications Team", "2.5", role="comms_team",
                          also=("head_of_comms",), channel="comms_team"))
    for step in steps:
        if step.role and not svc.config.members(step.role) and not svc.config.channels.get(step.channel or ""):
            raise BadInput(f"Nobody is set up as {step.label} in the organisation file yet, so I can't send "
                           f"this on. Please tell the Communications Team.")
    return steps


async def _file(svc, requester: str, steps: list[Step], details: dict) -> ApprovalRequest:
    now = svc.now()
    async with svc.db.transaction() as s:
        req = ApprovalRequest(kind="account", requester=requester, state=approvals.PENDING, step=0,
                              steps=[st.dump() for st in steps], details=details, history=[], thread=[],
                              created_at=now, step_started_at=now)
        s.add(req)
        await s.flush()
        await record_event(s, at=now, actor=requester, subject_kind="account_request", subject_id=req.id,
                           action="submitted", to_state=f"pending:{steps[0].key}",
                           details={"platform": details["platform_label"], "name": details["account_name"]})
    await approvals.announce(svc, ACCOUNT_REQUEST, req)
    return req


# --- the card and what approval does ---------------------------------------------------------------------------

def _summary(req: ApprovalRequest, nm: dict) -> list:
    d = req.details
    admins = ", ".join(nm.get(a, a) for a in d["administrators"])
    return [Fields([("Platform", d["platform_label"]), ("Account name", d["account_name"]),
                    ("Service area", d["service_area"]), ("Kind", dict(KINDS).get(d["kind"], d["kind"])),
                    ("Requested by", nm.get(req.requester, req.requester)),
                    ("Manager", nm.get(d["manager"], d["manager"])), ("Administrators", admins),
                    ("Hours a week", d["hours"]), ("Monitored (for the bio, 3.8)", d["monitored"])]),
            Text(f"*Business case (2.5)*\n{d['business_case']}"),
            Text(f"*How it supports the strategy*\n{d['strategy']}"), Text(f"*Who it is for*\n{d['audience']}")]


def checklist(acct: SocialAccount) -> list[tuple[str, str, str, str]]:
    """(key, button label, what to do, section) for this account's onboarding."""
    items = []
    if acct.platform.lower() in {label.lower() for key, label in PLATFORMS if key in ON_PLATFORM}:
        items.append(("platform", "On the platform", "Added to the single access platform (Orlo), with its "
                      "administrators trained on it: ask the Communications Team", "5.2–5.4"))
    else:
        items.append(("login", "Login registered", "Login registered with the Communications Team so the council "
                      "can always get in. Give it to them directly, never in chat: I never ask for or keep "
                      "passwords", "5.5"))
    items += [("2fa", "Two-factor on", "Two-factor authentication turned on", "5.6"),
              ("training", "Training done", "Every administrator has had social media training", "2.8"),
              ("bio", "Bio hours", f"The bio says when it is monitored: “{acct.monitored_hours}”", "3.8"),
              ("branding", "Name and branding", "Named after the role or service, not a person, with corporate "
               "branding" + (", saying it is a professional account and linking to the service's pages"
                             if acct.kind == "professional" else ""), "3.7")]
    if acct.kind == "station":
        items.append(("sfrs_admin", "SFRS admin rights", "The SFRS social media administrator has admin rights "
                      "on the account", "8.2 2.4"))
    return items


async def _on_approved(svc, session, req: ApprovalRequest, actor: str) -> None:
    acct = await register.add_account(svc, session, req, actor)
    for key, *_ in checklist(acct):
        session.add(OnboardingItem(account_id=acct.id, key=key))


async def _after_approved(svc, req: ApprovalRequest, actor: str) -> None:
    async with svc.db.sessions() as s:
        acct = await s.scalar(select(SocialAccount).where(SocialAccount.request_id == req.id))
    nm = await approvals.names(svc, [actor])
    lead = (f"Your request {ACCOUNT_REQUEST.ref(req)} was approved by {nm[actor]} at {approvals.when(svc, req.decided_at)}"
            f" and “{acct.name}” is now in the accounts register. Before it goes live, please work through this "
            f"checklist; I'll remind you weekly until it's done.")
    await svc.notifier.dm(req.requester, await onboarding_message(svc, acct.id, lead),
                          claim=("onboarding", f"account:{acct.id}", iso_week(svc.today())))
    for admin in req.details["administrators"]:
        if admin != req.requester:
            await svc.notifier.dm(admin, message(Text(
                f"You are now an administrator of {acct.platform} “{acct.name}”. Please make sure you have read "
                f"the Social Media Policy, have your manager's authorisation (2.3) and have had training (2.8).")))


def _title(req: ApprovalRequest) -> str:
    return f"{req.details['platform_label']} – {req.details['account_name']}"


ACCOUNT_REQUEST = RequestKind(kind="account", prefix="AR", noun="account request", final_state="approved",
                              title=_title, summary=_summary, on_final=_on_approved, after_final=_after_approved)


# --- onboarding ---------------------------------------------------------------------------------------------------

def iso_week(day) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def onboarding_message(svc, account_id: int, lead: str | None = None) -> Message:
    async with svc.db.sessions() as s:
        acct = await s.get(SocialAccount, account_id)
        done = {i.key: i for i in await s.scalars(select(OnboardingItem).where(
            OnboardingItem.account_id == account_id))}
    nm = await approvals.names(svc, [i.done_by for i in done.values()])
    lines, buttons = [], []
    for key, label, what, section in checklist(acct):
        item = done.get(key)
        if item and item.done_at:
            lines.append(f"✅ {what} ({section}) – {nm.get(item.done_by)}, {approvals.when(svc, item.done_at)}")
        else:
            lines.append(f"◻️ {what} ({section})")
            buttons.append(Button(f"Done: {label}", "onboarding.done", f"{account_id}:{key}"))
    blocks = [Header(f"Onboarding: {acct.platform} “{acct.name}”")]
    if lead:
        blocks.append(Text(lead))
    blocks.append(Text("\n".join(lines)))
    if buttons:
        blocks += [Buttons(*buttons), Note("Press a button when that item is done. The owner, an administrator "
                                           "or the Communications Team can tick items.")]
    else:
        blocks.append(Text("🎉 Everything is done. Thank you."))
    return message(*blocks, text=f"Onboarding: {acct.platform} “{acct.name}”")


async def mark_done(svc, actor: str | None, value: str):
    try:
        account_id, key = value.split(":", 1)
        account_id = int(account_id)
    except ValueError:
        raise NotFound("That button is out of date.") from None
    async with svc.db.sessions() as s:
        acct = await s.get(SocialAccount, account_id)
        admins = await register.active_admins(s, account_id)
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


async def chase_onboarding(svc, now: datetime) -> None:
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
