"""`/smpolicy pause ...` (`pause ...` in Teams): the mourning pause (4.4), its banner and its sweeps."""
from __future__ import annotations

from datetime import time

from chat.registry import Command, Daily, Every, Sweep, Workflow
from chat.replies import Ephemeral
from chat.services import Services
from dialogs.pause import flow, messages, rules, store


async def pause_command(svc: Services, inv):
    sub, _, rest = inv.args.strip().partition(" ")
    sub, email = sub.lower(), inv.user.email
    if sub == "start":
        days, reason = rules.parse_start(rest, svc.today()) if svc.config.has_role(email, *rules.MAY_CHANGE) \
            else (rules.DEFAULT_DAYS, rules.DEFAULT_REASON)      # a refusal should not complain about the days
        row, started = await flow.start(svc, email, days, reason)
        svc.notifier.forget_banner()
        if not started:
            return Ephemeral(await flow.already_reply(svc, row, inv.platform))
        admins, missed = await flow.announce_start(svc, row)
        return Ephemeral(messages.started_reply(svc, row, admins, missed, inv.platform))
    if sub == "end":
        row = await flow.end(svc, email)
        svc.notifier.forget_banner()
        return Ephemeral(messages.ended_reply(svc, len(await store.administrators(svc))))
    if sub == "until":
        row, old_last = await flow.change_end(svc, email, rest.strip())
        svc.notifier.forget_banner()
        return Ephemeral(await flow.announce_move(svc, row, old_last))
    return Ephemeral(await flow.status(svc, email, inv.platform))


async def pause_banner(svc: Services):
    """The line on top of every reply while a pause is on (the notifier keeps it for a few seconds)."""
    current = await store.current(svc)
    return messages.banner_line(svc, current) if current else None


async def pause_end(svc: Services, now):
    await flow.expire(svc, now)
    svc.notifier.forget_banner()


WORKFLOW = Workflow("pause",
    commands=(Command("smpolicy", "pause",
                      "Mourning pause (4.4): see it, or (Communications Team) start, move or end it.",
                      usage=rules.USAGE, fn=pause_command),),
    sweeps=(Sweep("pause_end", Every(5), pause_end), Sweep("pause_reminders", Daily(time(9, 0)), flow.remind)),
    banners=(pause_banner,),
    posting_state=(flow.pause_posting_state,))
