"""`/smpolicy request-account`, its form, and the onboarding checklist's button and weekly chaser.

The request then goes round the approval card (handlers/approvals.py).
"""
from __future__ import annotations

from datetime import time

from chat.registry import Action, Command, Daily, OnSubmit, Sweep, Workflow
from chat.replies import OpenForm
from chat.services import Services
from dialogs.accounts import flow


async def request_account(svc: Services, inv):
    return OpenForm(await flow.open_form(svc, inv.user))


async def account_request_submitted(svc: Services, inv):
    return await flow.submit(svc, inv.user, inv.channel, inv.values, inv.request_key)


async def onboarding_done(svc: Services, inv):
    # A redelivered click never gets here (the inbox knows its key); a re-run after a crash, or a second click,
    # meets the conditional tick and is told it was done.
    return await flow.mark_done(svc, inv.user.email, inv.value)


WORKFLOW = Workflow("accounts",
    commands=(Command("smpolicy", "request-account", "Ask for a new council social media account (2.5).",
                      usage="request-account", fn=request_account),),
    actions=(Action("onboarding.done", onboarding_done),),
    forms=(OnSubmit("account_request", account_request_submitted),),
    sweeps=(Sweep("onboarding_weekly", Daily(time(9, 0), working_days_only=True), flow.chase_onboarding),))
