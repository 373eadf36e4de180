"""`/smpolicy request-account`, its form, and the onboarding checklist's button and weekly chaser.

The request then goes round the approval card (handlers/approvals.py).
"""
from __future__ import annotations

from datetime import time

from chat.registry import Action, Command, Daily, OnSubmit, Sweep, Workflow
from chat.replies import OpenForm
from chat.services import Services
from dialogs.accounts import flow
from storage.claims import first_delivery


async def request_account(svc: Services, inv):
    return OpenForm(await flow.open_form(svc, inv.user))


async def account_request_submitted(svc: Services, inv):
    return await flow.submit(svc, inv.user, inv.channel, inv.values)


async def onboarding_done(svc: Services, inv):
    if inv.request_key and not await first_delivery(svc.db, inv.request_key, svc.now()):
        return None   # the platform delivered this click twice
    return await flow.mark_done(svc, inv.user.email, inv.value)


async def chase_onboarding(svc: Services, now):
    await flow.chase_onboarding(svc, now)


WORKFLOW = Workflow(
    "accounts",
    commands=(
        Command("smpolicy", "request-account", "Ask for a new council social media account (2.5).",
                usage="request-account", fn=request_account),
    ),
    actions=(
        Action("onboarding.done", onboarding_done),
    ),
    forms=(
        OnSubmit("account_request", account_request_submitted),
    ),
    sweeps=(
        Sweep("onboarding_weekly", Daily(time(9, 0), working_days_only=True), chase_onboarding),
    ),
)
