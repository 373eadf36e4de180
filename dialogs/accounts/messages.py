"""What the account request says: the form, the approval card's summary, the onboarding checklist."""
from __future__ import annotations

from sqlalchemy import select

from chat.messages import Button, Buttons, Fields, Form, Header, Input, Message, Note, PersonRef, Text, message
from chat.quoting import inert
from chat.services import Services
from chat.wording import display_names, when
from dialogs.register.messages import account_label
from dialogs.register.rules import PLATFORMS
from storage.models.accounts import ApprovalRequest, OnboardingItem, SocialAccount

from .rules import KINDS, RUN_BY, checklist


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


def summary(req: ApprovalRequest, nm: dict) -> list:
    d = req.details
    admins = ", ".join(nm.get(a, a) for a in d["administrators"])
    return [Fields([("Platform", inert(d["platform_label"])), ("Account name", inert(d["account_name"])),
                    ("Service area", inert(d["service_area"])), ("Kind", dict(KINDS).get(d["kind"], d["kind"])),
                    ("Requested by", nm.get(req.requester, req.requester)),
                    ("Manager", nm.get(d["manager"], d["manager"])), ("Administrators", admins),
                    ("Hours a week", inert(d["hours"])), ("Monitored (for the bio, 3.8)", inert(d["monitored"]))]),
            Text(f"*Business case (2.5)*\n{inert(d['business_case'])}"),
            Text(f"*How it supports the strategy*\n{inert(d['strategy'])}"),
            Text(f"*Who it is for*\n{inert(d['audience'])}")]


def title(req: ApprovalRequest) -> str:
    return f"{inert(req.details['platform_label'])} – {inert(req.details['account_name'])}"


async def onboarding_message(svc: Services, account_id: int, lead: str | None = None) -> Message:
    async with svc.db.sessions() as s:
        acct = await s.get(SocialAccount, account_id)
        done = {i.key: i for i in await s.scalars(select(OnboardingItem).where(
            OnboardingItem.account_id == account_id))}
    nm = await display_names(svc, [i.done_by for i in done.values()])
    return render_onboarding(svc, acct, done, nm, lead)


def render_onboarding(svc: Services, acct: SocialAccount, done: dict, nm: dict, lead: str | None = None) -> Message:
    """The checklist with what is known already (`done`: item key -> OnboardingItem; `nm`: names), so a new
    account's can be written in the transaction that registers it."""
    account_id = acct.id
    lines, buttons = [], []
    for key, label, what, section in checklist(acct, svc.config.profile_for(acct.owner) == "sfrs"):
        item = done.get(key)
        if item and item.done_at:
            lines.append(f"✅ {what} ({section}) – {nm.get(item.done_by)}, {when(svc, item.done_at)}")
        else:
            lines.append(f"◻️ {what} ({section})")
            buttons.append(Button(f"Done: {label}", "onboarding.done", f"{account_id}:{key}"))
    head = f"Onboarding: {account_label(acct.platform, acct.name)}"
    blocks = [Header(head)]
    if lead:
        blocks.append(Text(lead))
    blocks.append(Text("\n".join(lines)))
    if buttons:
        blocks += [Buttons(*buttons), Note("Press a button when that item is done. The owner, an administrator "
                                           "or the Communications Team can tick items.")]
    else:
        blocks.append(Text("🎉 Everything is done. Thank you."))
    return message(*blocks, text=head)
