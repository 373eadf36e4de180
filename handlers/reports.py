"""The monthly summary for the Communications Team and the policy's yearly review (6.1): sweeps and commands."""
from __future__ import annotations

from datetime import time

from chat.replies import Ephemeral
from dialogs import reports
from chat.errors import NotAllowed

from chat.registry import Daily, command, sweep


@sweep("monthly_summary", Daily(time(9, 0), working_days_only=True))
async def monthly_summary(svc, now):
    await reports.send_monthly_summary(svc, now)


@sweep("policy_review", Daily(time(9, 0), working_days_only=True))
async def policy_review(svc, now):
    await reports.send_review_reminder(svc, now)


@command("smpolicy", "summary", "Communications Team: a month's summary of checks, requests, crises and FOI.",
         usage="summary [YYYY-MM]")
async def summary_command(svc, inv):
    if not svc.config.has_role(inv.user.email, "comms_team", "head_of_comms", "policy_owner"):
        raise NotAllowed("The monthly summary is for the Communications Team; they get it on the first working "
                         "day of each month.")
    first = reports.parse_month(inv.args, svc.today())
    return Ephemeral(reports.monthly_message(await reports.monthly_figures(svc, first), inv.platform))


@command("smpolicy", "policy-review", "When the policy is next reviewed (6.1); the owner records a review.",
         usage="policy-review [done | approved YYYY-MM-DD]")
async def policy_review_command(svc, inv):
    sub, _, rest = inv.args.strip().partition(" ")
    if sub.lower() == "done":
        return Ephemeral(await reports.record_review(svc, inv.user.email, None))
    if sub.lower() == "approved":
        return Ephemeral(await reports.record_review(svc, inv.user.email, rest or "?"))
    return Ephemeral(await reports.review_status(svc, inv.platform))
