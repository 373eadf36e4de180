"""The monthly summary for the Communications Team and the policy's yearly review (6.1): sweeps and commands."""
from __future__ import annotations

from datetime import time

from chat.errors import NotAllowed
from chat.registry import Command, Daily, Sweep, Workflow
from chat.replies import Ephemeral
from dialogs import reports


async def monthly_summary(svc, now):
    await reports.send_monthly_summary(svc, now)


async def policy_review(svc, now):
    await reports.send_review_reminder(svc, now)


async def summary_command(svc, inv):
    if not svc.config.has_role(inv.user.email, "comms_team", "head_of_comms", "policy_owner"):
        raise NotAllowed("The monthly summary is for the Communications Team; they get it on the first working "
                         "day of each month.")
    first = reports.parse_month(inv.args, svc.today())
    return Ephemeral(reports.monthly_message(await reports.monthly_figures(svc, first), inv.platform))


async def policy_review_command(svc, inv):
    sub, _, rest = inv.args.strip().partition(" ")
    if sub.lower() == "done":
        return Ephemeral(await reports.record_review(svc, inv.user.email, None))
    if sub.lower() == "approved":
        return Ephemeral(await reports.record_review(svc, inv.user.email, rest or "?"))
    return Ephemeral(await reports.review_status(svc, inv.platform))


WORKFLOW = Workflow(
    "reports",
    commands=(
        Command("smpolicy", "summary", "Communications Team: a month's summary of checks, requests, crises and FOI.",
                usage="summary [YYYY-MM]", fn=summary_command),
        Command("smpolicy", "policy-review", "When the policy is next reviewed (6.1); the owner records a review.",
                usage="policy-review [done | approved YYYY-MM-DD]", fn=policy_review_command),
    ),
    sweeps=(
        Sweep("monthly_summary", Daily(time(9, 0), working_days_only=True), monthly_summary),
        Sweep("policy_review", Daily(time(9, 0), working_days_only=True), policy_review),
    ),
)
