"""The monthly summary for the Communications Team and the policy's yearly review (6.1): sweeps and commands."""
from __future__ import annotations

from datetime import time

from chat.registry import Command, Daily, Sweep, Workflow
from chat.replies import Ephemeral
from chat.services import Services
from dialogs.reports import flow


async def summary_command(svc: Services, inv):
    return Ephemeral(await flow.summary(svc, inv.user.email, inv.args, inv.platform))


async def policy_review_command(svc: Services, inv):
    return Ephemeral(await flow.policy_review(svc, inv.user.email, inv.args, inv.platform))


WORKFLOW = Workflow("reports",
    commands=(Command("smpolicy", "summary",
                      "Communications Team: a month's summary of checks, requests, crises and FOI.",
                      usage="summary [YYYY-MM]", fn=summary_command),
              Command("smpolicy", "policy-review",
                      "When the policy is next reviewed (6.1); the owner records a review.",
                      usage="policy-review [done | approved YYYY-MM-DD]", fn=policy_review_command)),
    sweeps=(Sweep("monthly_summary", Daily(time(9, 0), working_days_only=True), flow.send_monthly_summary),
            Sweep("policy_review", Daily(time(9, 0), working_days_only=True), flow.send_review_reminder)))
