"""The mourning pause's pure decisions (4.4): how long it lasts, what a command asks for, who may change it."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from chat.errors import BadInput, NotAllowed
from chat.quoting import inert
from chat.services import Services
from storage.models.pause import MourningPause

DEFAULT_DAYS = 10           # 4.4: "approximately 10 days to align with the official mourning period"

MAX_DAYS = 31

DEFAULT_REASON = "national mourning"

MAY_CHANGE = ("comms_team", "head_of_comms")   # 4.4: "The Communications Team typically initiates this pause"

KIND = "pause"

USAGE = "pause [start [days] [reason] | until YYYY-MM-DD | end]"


def day_words(d: date, today: date | None = None) -> str:
    text = f"{d:%A} {d.day} {d:%B}"
    return text if today is None or d.year == today.year else f"{text} {d.year}"


def last_day(pause: MourningPause, tz) -> date:
    """The last whole day of the pause (it ends at the local midnight after it)."""
    return (pause.ends_at.astimezone(tz) - timedelta(seconds=1)).date()


def midnight_after(day: date, tz) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_start(args: str, today: date) -> tuple[int, str]:
    """`[days | last day YYYY-MM-DD] [reason]` -> (days including today, reason)."""
    words = args.split()
    days = DEFAULT_DAYS
    if words and words[0].isdigit():
        days = int(words.pop(0))
    elif words and _DATE.match(words[0]):
        days = (parse_day(words.pop(0)) - today).days + 1
        if days < 1:
            raise BadInput("That date has already passed. Give the last day of the pause, today or later.")
    if not 1 <= days <= MAX_DAYS:
        raise BadInput(f"A pause can be 1 to {MAX_DAYS} days; 4.4 suggests about {DEFAULT_DAYS}, ending with the "
                       "funeral. For example `/smpolicy pause start 10 Death of a senior royal`.")
    reason = " ".join(words).strip()[:300] or DEFAULT_REASON
    return days, reason


def parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadInput(f"`{inert(raw)}` isn't a date I can read; write it as YYYY-MM-DD, e.g. 2026-12-10.") from None


def check_may_change(svc: Services, actor: str | None, verb: str, who: str = "") -> None:
    """`who`: the Communications Team by name ("Cam Comms or Cat Comms"), so the person knows whom to tell."""
    if not svc.config.has_role(actor, *MAY_CHANGE):
        tell = f"please tell the Communications Team ({who})" if who else "please tell the Communications Team"
        raise NotAllowed(f"Only the Communications Team can {verb} a mourning pause (4.4). If you think posting "
                         f"should be paused, {tell}.")
