"""`/smpolicy pause ...` (`pause ...` in Teams): the mourning pause (4.4), its banner and its sweeps."""
from __future__ import annotations

from datetime import time
from time import monotonic

from chat.replies import Ephemeral
from dialogs import pause

from chat.registry import Daily, Every, banner, command, sweep


@command("smpolicy", "pause", "Mourning pause (4.4): see it, or (Communications Team) start, move or end it.",
         usage=pause.USAGE)
async def pause_command(svc, inv):
    sub, _, rest = inv.args.strip().partition(" ")
    sub, email = sub.lower(), inv.user.email
    if sub == "start":
        days, reason = pause.parse_start(rest, svc.today()) if svc.config.has_role(email, *pause.MAY_CHANGE) \
            else (pause.DEFAULT_DAYS, pause.DEFAULT_REASON)      # a refusal should not complain about the days
        row, started = await pause.start(svc, email, days, reason)
        _forget_banner(svc)
        if not started:
            return Ephemeral(await pause.already_reply(svc, row, inv.platform))
        admins, missed = await pause.announce_start(svc, row)
        return Ephemeral(pause.started_reply(svc, row, admins, missed, inv.platform))
    if sub == "end":
        row = await pause.end(svc, email)
        _forget_banner(svc)
        return Ephemeral(pause.ended_reply(svc, len(await pause.administrators(svc))))
    if sub == "until":
        row, old_last = await pause.change_end(svc, email, rest.strip())
        _forget_banner(svc)
        return Ephemeral(await pause.announce_move(svc, row, old_last))
    return Ephemeral(await pause.status(svc, email, inv.platform))


BANNER_CACHE_SECONDS = 5.0


def _forget_banner(svc) -> None:
    svc.extras.pop("pause_banner", None)


@banner
async def pause_banner(svc):
    """Every reply asks for this, so the answer is kept for a few seconds rather than read from the database on
    each one. It is forgotten whenever this process changes the pause, and when the clock moves to another
    minute; a pause started by another instance shows within BANNER_CACHE_SECONDS."""
    minute = svc.now().replace(second=0, microsecond=0)
    cached = svc.extras.get("pause_banner")
    if cached and cached[0] == minute and monotonic() < cached[1]:
        return cached[2]
    current = await pause.current(svc)
    line = pause.banner_line(svc, current) if current else None
    svc.extras["pause_banner"] = (minute, monotonic() + BANNER_CACHE_SECONDS, line)
    return line


@sweep("pause_end", Every(5))
async def pause_end(svc, now):
    await pause.expire(svc, now)
    _forget_banner(svc)


# Every day, weekends too: scheduled posts go out at weekends as well.
@sweep("pause_reminders", Daily(time(9, 0)))
async def pause_reminders(svc, now):
    await pause.remind(svc, now)
