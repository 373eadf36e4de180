"""`/smpolicy pause ...` (`pause ...` in Teams): the mourning pause (4.4), its banner and its sweeps."""
from __future__ import annotations

from datetime import time

from chat.registry import Command, Daily, Every, Sweep, Workflow
from chat.replies import Ephemeral
from dialogs import pause


async def pause_command(svc, inv):
    sub, _, rest = inv.args.strip().partition(" ")
    sub, email = sub.lower(), inv.user.email
    if sub == "start":
        days, reason = pause.parse_start(rest, svc.today()) if svc.config.has_role(email, *pause.MAY_CHANGE) \
            else (pause.DEFAULT_DAYS, pause.DEFAULT_REASON)      # a refusal should not complain about the days
        row, started = await pause.start(svc, email, days, reason)
        svc.notifier.forget_banner()
        if not started:
            return Ephemeral(await pause.already_reply(svc, row, inv.platform))
        admins, missed = await pause.announce_start(svc, row)
        return Ephemeral(pause.started_reply(svc, row, admins, missed, inv.platform))
    if sub == "end":
        row = await pause.end(svc, email)
        svc.notifier.forget_banner()
        return Ephemeral(pause.ended_reply(svc, len(await pause.administrators(svc))))
    if sub == "until":
        row, old_last = await pause.change_end(svc, email, rest.strip())
        svc.notifier.forget_banner()
        return Ephemeral(await pause.announce_move(svc, row, old_last))
    return Ephemeral(await pause.status(svc, email, inv.platform))


async def pause_banner(svc):
    """The line on top of every reply while a pause is on (the notifier keeps it for a few seconds)."""
    current = await pause.current(svc)
    return pause.banner_line(svc, current) if current else None


async def pause_end(svc, now):
    await pause.expire(svc, now)
    svc.notifier.forget_banner()


async def pause_reminders(svc, now):
    await pause.remind(svc, now)


WORKFLOW = Workflow(
    "pause",
    commands=(
        Command("smpolicy", "pause",
                "Mourning pause (4.4): see it, or (Communications Team) start, move or end it.",
                usage=pause.USAGE, fn=pause_command),
    ),
    sweeps=(
        Sweep("pause_end", Every(5), pause_end),
        Sweep("pause_reminders", Daily(time(9, 0)), pause_reminders),   # weekends too: posts are scheduled then
    ),
    banners=(pause_banner,),
    posting_state=(pause.pause_posting_state,),
)
