"""The accounts register: `/smpolicy accounts` (the list, `admins` to change who has access, `register` for an
account that predates the bot), `/smpolicy leaver @person`, password tasks, password and two-factor reminders, yearly
reviews."""
from __future__ import annotations

from datetime import time

from chat.registry import Action, Command, Daily, OnSubmit, Sweep, Workflow
from chat.replies import Ephemeral, OpenForm
from chat.services import Services
from dialogs.register import access, existing, flow, security


async def accounts_command(svc: Services, inv):
    scope = (inv.args or "").strip().lower()
    if scope in ("admins", "administrators", "access"):
        return await access.open_admins_form(svc, inv.user.email)
    if scope == "register":
        return OpenForm(existing.existing_form())
    return Ephemeral(await flow.list_accounts(svc, inv.user.email, inv.args, inv.platform))


async def admins_submitted(svc: Services, inv):
    return await access.admins_submitted(svc, inv.user.email, inv.values, inv.request_key)


async def existing_submitted(svc: Services, inv):
    return await existing.existing_submitted(svc, inv.user, inv.values, inv.request_key)


async def leaver_command(svc: Services, inv):
    who = await flow.person_from_text(svc, inv.platform, inv.args)
    return Ephemeral(await flow.leaver(svc, inv.user.email, who))


# Redelivered clicks never get here (the inbox knows their key); a re-run after a crash or a second click meets
# the conditional UPDATE and is told who did it.

async def task_done(svc: Services, inv):
    return await flow.confirm_task(svc, inv.user.email, inv.value)


async def reviewed(svc: Services, inv):
    return await flow.mark_reviewed(svc, inv.user.email, inv.value)


async def password_changed(svc: Services, inv):
    return await security.confirm(svc, inv.user.email, inv.value, "password")


async def twofa_on(svc: Services, inv):
    return await security.confirm(svc, inv.user.email, inv.value, "twofa")


WORKFLOW = Workflow("register",
    commands=(Command("smpolicy", "accounts",
                      "The accounts register: yours, all of them or one platform; `admins` to change who has access, "
                      "`register` for one that predates the bot (2.5, 5.5).",
                      usage="accounts [mine|all|<platform>|admins|register]", fn=accounts_command),
              Command("smpolicy", "leaver",
                      "Someone has left: take them off every account and get passwords changed (5.5).",
                      usage="leaver @person", fn=leaver_command)),
    actions=(Action("register.task_done", task_done), Action("register.reviewed", reviewed),
             Action(security.PASSWORD_DONE, password_changed), Action(security.TWOFA_DONE, twofa_on)),
    forms=(OnSubmit(access.FORM_ID, admins_submitted), OnSubmit(existing.FORM_ID, existing_submitted)),
    sweeps=(Sweep("password_tasks", Daily(time(9, 0), working_days_only=True), flow.chase_tasks),
            Sweep("account_reviews", Daily(time(9, 0), working_days_only=True), flow.review_reminders),
            Sweep("account_security", Daily(time(9, 0), working_days_only=True), security.remind)))
