"""The monthly summary for the Communications Team and the policy's yearly review (6.1): the sweeps that send
them once, `summary`, and `policy-review` to see or record a review."""
from __future__ import annotations

import logging
from datetime import date, datetime

from chat.errors import BadInput, NotAllowed
from chat.messages import Message, Text, message
from chat.services import Services
from chat.wording import display_names
from chat.workdays import working_calendar
from storage.events import record_event
from storage.models import Setting

from .messages import command, monthly_message, review_message
from .rules import (MAY_RECORD_REVIEW, SETTING_KEY, first_working_day, local_midnight, month_start, next_review,
                    parse_month, previous_month, review_due)
from .store import anything_before, last_approved, monthly_figures

log = logging.getLogger(__name__)


async def send_monthly_summary(svc: Services, now: datetime) -> None:
    """Daily sweep (working days): on or after the month's first working day, last month's summary, once."""
    today = now.astimezone(svc.config.tz).date()
    if today < first_working_day(month_start(today), await working_calendar(svc)):
        return
    first = previous_month(today)
    # A new installation has nothing to summarise; a quiet month after that still gets its (short) summary.
    if not await anything_before(svc, local_midnight(month_start(today), svc.config.tz)):
        return
    figures = await monthly_figures(svc, first)
    for platform, _ in svc.notifier.channel_ids("comms_team"):
        try:
            await svc.notifier.post("comms_team", monthly_message(figures, platform), platform=platform,
                                    claim=("monthly_summary", first.isoformat()[:7], "month"))
        except Exception as exc:   # its claim is released: the next working day's sweep tries again
            log.warning("monthly summary not posted in %s: %s", platform, type(exc).__name__)


async def send_review_reminder(svc: Services, now: datetime) -> None:
    """Daily sweep: the policy owner once per review year, on or after the anniversary (caught up after a gap)."""
    approved, _ = await last_approved(svc)
    today = now.astimezone(svc.config.tz).date()
    due = review_due(approved, today) if approved else None
    if due is None:
        return
    msg = review_message(svc, approved, due)
    owners = svc.config.members("policy_owner")
    targets = [(o, lambda o=o: svc.notifier.dm(o, msg, claim=("policy_review", o, due.isoformat())))
               for o in owners]
    if not owners:   # nobody named: the Communications Team own the policy (2.1)
        targets = [(p, lambda p=p: svc.notifier.post("comms_team", msg, platform=p,
                                                     claim=("policy_review", "comms_team", due.isoformat())))
                   for p, _ in svc.notifier.channel_ids("comms_team")]
    for who, send in targets:
        try:
            await send()
        except Exception as exc:
            log.warning("policy review reminder to %s not sent: %s", who, type(exc).__name__)


async def review_status(svc: Services, platform: str | None = None) -> Message:
    approved, source = await last_approved(svc)
    owners = svc.config.members("policy_owner")
    names = await display_names(svc, owners)
    who = ", ".join(names[o] for o in owners) or "the Communications Team's channel"
    if approved is None:
        return message(Text("I don't know when the policy was last approved, so I can't remind anyone to review "
                            f"it (6.1). Record it with {command(platform, 'policy-review approved YYYY-MM-DD')}."))
    today = svc.today()
    due = review_due(approved, today)
    lines = [f"The Social Media Policy was last approved on {approved:%-d %B %Y} ({source}). It is reviewed "
             f"annually from that date (6.1)."]
    if due is not None:
        done = command(platform, "policy-review done")
        lines.append(f"Its review was due on {due:%-d %B %Y}. Once it's done: {done}.")
    lines.append(f"Next review: {next_review(approved, today):%-d %B %Y}. I remind {who} on the day.")
    return message(Text("\n".join(lines)))


async def record_review(svc: Services, actor: str | None, raw_day: str | None) -> Message:
    """`policy-review done` (today) or `policy-review approved YYYY-MM-DD`: the date next year's counts from."""
    if not svc.config.has_role(actor, *MAY_RECORD_REVIEW):
        raise NotAllowed("Only the policy owner or the Communications Team can record the policy's review (6.1).")
    today = svc.today()
    if raw_day is None:
        day = today
    else:
        try:
            day = date.fromisoformat(raw_day.strip())
        except ValueError:
            raise BadInput(f"“{raw_day}” isn't a date I can read; write it as YYYY-MM-DD.") from None
        if day > today:
            raise BadInput("That date is in the future. Record the approval once it has happened.")
    before, _ = await last_approved(svc)
    async with svc.db.transaction() as s:
        row = await s.get(Setting, SETTING_KEY)
        value = {"approved": day.isoformat(), "by": actor}
        if row is None:
            s.add(Setting(key=SETTING_KEY, value=value, updated_at=svc.now()))
        else:
            row.value, row.updated_at = value, svc.now()
        await record_event(s, at=svc.now(), actor=actor, subject_kind="policy", subject_id="social_media_policy",
                           action="reviewed", details={"approved": day.isoformat(),
                                                       "previous": before.isoformat() if before else None})
    return message(Text(f"Thanks: the policy's last approval is now {day:%-d %B %Y}. I'll remind the policy owner "
                        f"to review it again on {next_review(day, today):%-d %B %Y} (6.1)."))


async def summary(svc: Services, actor: str | None, args: str, platform: str) -> Message:
    """`summary [YYYY-MM]`, for the Communications Team: a month's figures (the month before by default)."""
    if not svc.config.has_role(actor, "comms_team", "head_of_comms", "policy_owner"):
        raise NotAllowed("The monthly summary is for the Communications Team; they get it on the first working "
                         "day of each month.")
    first = parse_month(args, svc.today())
    return monthly_message(await monthly_figures(svc, first), platform)


async def policy_review(svc: Services, actor: str | None, args: str, platform: str) -> Message:
    """`policy-review [done | approved YYYY-MM-DD]`: when the next review is due, or (the owner) record one."""
    sub, _, rest = args.strip().partition(" ")
    if sub.lower() == "done":
        return await record_review(svc, actor, None)
    if sub.lower() == "approved":
        return await record_review(svc, actor, rest or "?")
    return await review_status(svc, platform)
