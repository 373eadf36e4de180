"""Registering an account that predates the bot (5.5): "you should also ensure that your social media account is
registered with the Communications Team", with its platform and whether it is on the single access platform.

The login itself is given to the Communications Team directly, never in chat: the form only asks the person to
confirm they have done so. The account enters the register at once (it already exists) and the Communications Team
is told; its administrators are told they are in the register."""
from __future__ import annotations

from sqlalchemy import func, select

from chat.messages import Fields, Form, Header, Input, PersonRef, Text, message
from chat.quoting import inert
from chat.replies import Ephemeral, FormErrors
from chat.services import Services
from chat.wording import display_names
from storage.claims import Repeated, once
from storage.events import record_event
from storage.models.accounts import AccountAdmin, SocialAccount

from .messages import account_label
from .rules import ACCESS_PLATFORM, PLATFORMS, administrators_problem
from .store import on_access_platform, with_station_admin

FORM_ID = "register_existing"
KINDS = (("service", "A service account"), ("professional", "An officer's professional account (3.7)"),
         ("station", "A fire station account (SFRS)"))
YES_NO = (("yes", "Yes, it is managed through the single access platform"), ("no", "No, it is logged into directly"))


def existing_form(errors: dict | None = None, values: dict | None = None) -> Form:
    v = values or {}
    return Form(FORM_ID, "Register an account", (
        Input("platform", "Platform", "choice", PLATFORMS, initial=v.get("platform")),
        Input("platform_other", "If another platform, which?", required=False, initial=v.get("platform_other")),
        Input("account_name", "The account's name", initial=v.get("account_name")),
        Input("service_area", "Service area", initial=v.get("service_area")),
        Input("kind", "Kind of account", "choice", KINDS, initial=v.get("kind")),
        Input("access_platform", "Is it on the single access platform (5.5)?", "choice", YES_NO,
              initial=v.get("access_platform"),
              hint="It supports Facebook, X, Instagram and LinkedIn only."),
        Input("administrators", "Everyone who has access", "people",
              hint="The register is the list of who has access (5.5)."),
        Input("monitored", "Days and hours it is monitored", initial=v.get("monitored"),
              hint="As the bio says, e.g. “Monday to Friday, 9am to 5pm” (3.8)."),
        Input("login_given", "I have given its login to the Communications Team directly, not in chat (5.5)",
              "checkbox", required=False, initial=v.get("login_given")),
        Input("twofa", "Two-factor authentication is on (5.6)", "checkbox", required=False, initial=v.get("twofa")),
    ), submit="Register it", errors=tuple((errors or {}).items()), intro=(Text(
        "An account that already exists still has to be registered with the Communications Team (5.5), so the "
        "council can always get in. Never put a password here: I never ask for or keep one."),))


async def existing_submitted(svc: Services, user: PersonRef, values: dict, request_key: str | None = None):
    owner = user.email
    text = {k: (values.get(k) or "").strip() for k in ("platform", "platform_other", "account_name", "service_area",
                                                           "kind", "access_platform", "monitored")}
    admins, missing = await svc.directory.emails_of(values.get("administrators"))
    label = text["platform_other"] if text["platform"] == "other" else dict(PLATFORMS).get(text["platform"])
    errors = {}
    for key, why in (("platform", "Choose a platform."), ("account_name", "Give the account's name."),
                     ("service_area", "Say which service area it is for."), ("kind", "Choose the kind of account."),
                     ("access_platform", "Say whether it is on the single access platform (5.5)."),
                     ("monitored", "Say when it is monitored, as the bio does (3.8).")):
        if not text[key]:
            errors[key] = why
    if text["platform"] == "other" and not text["platform_other"]:
        errors["platform_other"] = "Say which platform."
    if text["access_platform"] == "yes" and text["platform"] and text["platform"] not in ACCESS_PLATFORM:
        errors["access_platform"] = ("The single access platform supports Facebook, X, Instagram and LinkedIn only "
                                     "(5.5), so this one is logged into directly.")
    problem = administrators_problem(admins, missing, "Add everyone who has access: the register is that list (5.5).")
    if problem:
        errors["administrators"] = problem
    if not values.get("login_given") and text["access_platform"] != "yes":
        errors["login_given"] = ("Registration includes the login, so the council can always get in (5.5). Give it "
                                 "to the Communications Team directly, then tick this.")
    if not errors and label and await _exists(svc, label, text["account_name"]):
        errors["account_name"] = f"{account_label(label, text['account_name'])} is already in the register."
    if errors:
        return FormErrors(errors, form=existing_form(errors, values))
    admins = with_station_admin(svc, text["kind"], admins, svc.config.profile_for(owner) == "sfrs")
    nm = await display_names(svc, {owner, *admins})
    now = svc.now()
    try:
        async with svc.db.transaction() as s:
            if request_key:
                await once(s, request_key, now)
            acct = SocialAccount(platform=label, name=text["account_name"], service_area=text["service_area"],
                                 kind=text["kind"], owner=owner, manager=svc.config.manager_of(owner),
                                 monitored_hours=text["monitored"], state="active", created_at=now,
                                 onboarded_at=now, registered_by=owner,
                                 on_access_platform=text["access_platform"] == "yes" and on_access_platform(label),
                                 twofa_confirmed_at=now if values.get("twofa") else None)
            s.add(acct)
            await s.flush()
            for email in admins:
                s.add(AccountAdmin(account_id=acct.id, email=email, added_at=now, added_by=owner))
            await record_event(s, at=now, actor=owner, subject_kind="social_account", subject_id=acct.id,
                               action="registered_existing", to_state="active",
                               details={"platform": label, "name": acct.name, "administrators": admins,
                                        "on_access_platform": acct.on_access_platform})
            who = ", ".join(nm.get(a, a) for a in admins)
            await svc.outbox.post(s, "comms_team", message(
                Header(f"Registered: {account_label(label, acct.name)}"),
                Text(f"{nm[owner]} has registered an existing account (5.5) and says its login has been given to "
                     "you directly." if values.get("login_given") else
                     f"{nm[owner]} has registered an existing account on the single access platform (5.5)."),
                Fields([("Service area", inert(acct.service_area)), ("Who has access", who),
                        ("Two-factor (5.6)", "on" if values.get("twofa") else "not confirmed yet")])),
                key=f"register:{acct.id}:existing")
            for email in admins:
                if email != owner:
                    await svc.outbox.dm(s, email, message(Text(
                        f"{nm[owner]} has registered {account_label(label, acct.name)} with the Communications "
                        "Team, with you as one of the people who have access (5.5). Never share its login with "
                        "anyone else.")),
                        key=f"register:{acct.id}:existing:{email}")
    except Repeated:
        return Ephemeral(message(Text("That account was registered a moment ago.")))
    twofa = "" if values.get("twofa") else (" Please turn on two-factor authentication (5.6): I'll ask you to confirm "
                                            "it each week until you do.")
    return Ephemeral(message(Text(f"Thanks: {account_label(label, acct.name)} is in the accounts register, with "
                                  f"access for {', '.join(nm.get(a, a) for a in admins)}.{twofa}")))


async def _exists(svc: Services, platform_label: str, name: str) -> bool:
    async with svc.db.sessions() as s:
        return await s.scalar(select(func.count()).select_from(SocialAccount).where(
            func.lower(SocialAccount.platform) == platform_label.lower(),
            func.lower(SocialAccount.name) == name.lower(), SocialAccount.state == "active")) > 0
