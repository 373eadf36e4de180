"""The accounts register: `/smpolicy accounts`, `/smpolicy leaver @person`, password tasks and yearly reviews."""
from __future__ import annotations

from datetime import time

from chat.registry import Action, Command, Daily, Sweep, Workflow
from chat.replies import Ephemeral
from chat.services import Services
from dialogs.register import flow


async def accounts_command(svc: Services, inv):
    return Ephemeral(await flow.list_accounts(svc, inv.user.email, inv.args))


async def leaver_command(svc: Services, inv):
    who = await flow.person_from_text(svc, inv.platform, inv.args)
    return Ephemeral(await flow.leaver(svc, inv.user.email, who))


# Redelivered clicks never get here (the inbox knows their key); a re-run after a crash or a second click meets
# the conditional UPDATE and is told who did it.

async def task_done(svc: Services, inv):
    return await flow.confirm_task(svc, inv.user.email, inv.value)


async def reviewed(svc: Services, inv):
    return await flow.mark_reviewed(svc, inv.user.email, inv.value)


WORKFLOW = Workflow("register",
    commands=(Command("smpolicy", "accounts", "The accounts register: yours, all of them, or one platform (2.5).",
                      usage="accounts [mine|all|<platform>]", fn=accounts_command),
              Command("smpolicy", "leaver",
                      "Someone has left: take them off every account and get passwords changed (5.5).",
                      usage="leaver @person", fn=leaver_command)),
    actions=(Action("register.task_done", task_done), Action("register.reviewed", reviewed)),
    sweeps=(Sweep("password_tasks", Daily(time(9, 0), working_days_only=True), flow.chase_tasks),
            Sweep("account_reviews", Daily(time(9, 0), working_days_only=True), flow.review_reminders)))
