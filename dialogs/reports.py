"""Reports from the event log: the monthly summary for the Communications Team and the policy's yearly review.

Monthly: on the first working day of each month, the month before: checks by verdict and category, requests
decided and how fast, crises, information requests answered on time (2.1, 6.2). Every figure is read from
the events other workflows record; an event that lacks a detail is counted where it can be and never stops
the report.

Yearly (6.1: "reviewed ... annually from the date of last approval"): the policy owner is reminded once on
or after each anniversary of the last approval. That date comes from the settings table when someone has
recorded a review, otherwise from the policy pack's own date ("May 2024" -> 1 May 2024, which matches the
document control: version 1.4 of 01/05/2024, next review 01/05/2025), so another council's pack brings its own.
"""
from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from sqlalchemy import func, select

from chat.messages import Header, Message, Note, Text, message
from policy.sections import load_pack
from storage.events import events_between, record_event
from storage.models import Event, Setting

from chat.errors import BadInput, NotAllowed

log = logging.getLogger(__name__)

# What other workflows record (dialogs/checking.py, approvals.py via accounts.py and boost.py, signoff.py,
# crisis/repo.py, foi/cases.py). The short names ("boost", "foi") are accepted too.
REQUESTS = {  # label: (subject kinds, actions that open one, {decision action: approved | rejected})
    "Account requests (2.5)": (("account_request",), ("submitted",), {"approved": "approved", "rejected": "rejected"}),
    "Boosts (2.7)": (("boost_request", "boost"), ("submitted",),
                     {"arranged": "approved", "approved": "approved", "rejected": "rejected"}),
    "Sign-offs (4.2)": (("signoff",), ("requested",), {"approved": "approved", "declined": "rejected",
                                                       "rejected": "rejected"}),
}
FOI_KINDS = ("foi_case", "foi")
FOI_RESPONSES = ("answered", "refused")          # outcomes that are a response to the requester
VERDICTS = {"stop": "stop", "sign_off": "get sign-off", "ok": "OK", "unknown": "no verdict recorded"}
TOP_CATEGORIES = 8
SETTING_KEY = "policy_review"
MAY_RECORD_REVIEW = ("policy_owner", "comms_team", "head_of_comms")


# --- periods -------------------------------------------------------------------------------------------------------

def month_start(d: date) -> date:
    return d.replace(day=1)


def previous_month(d: date) -> date:
    return month_start(month_start(d) - timedelta(days=1))


def next_month(d: date) -> date:
    return month_start(month_start(d) + timedelta(days=32))


def month_name(first: date) -> str:
    return f"{first:%B} {first.year}"


def first_working_day(first: date, cal) -> date:
    d = first
    while not cal.is_working_day(d):
        d += timedelta(days=1)
    return d


def _local_midnight(d: date, tz) -> datetime:
    return datetime.combine(d, time(0), tzinfo=tz)


# --- the monthly figures -------------------------------------------------------------------------------------------

@dataclass
class Requests:
    approved: int = 0
    rejected: int = 0
    waits: list[timedelta] = field(default_factory=list)
    open_at_end: int = 0


@dataclass
class Monthly:
    first: date
    events: int = 0
    checks: int = 0
    verdicts: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    requests: dict[str, Requests] = field(default_factory=lambda: {k: Requests() for k in REQUESTS})
    crises_started: int = 0
    crises_ended: int = 0
    reviews_done: int = 0
    crises_active_at_end: int = 0
    foi_new: int = 0
    foi_on_time: int = 0
    foi_late: int = 0
    foi_unknown: int = 0
    foi_closed_otherwise: int = 0
    pauses: list[str] = field(default_factory=list)


def _details(e: Event) -> dict:
    return e.details if isinstance(e.details, dict) else {}


async def _history_of(db, kinds: tuple[str, ...], ids: set[str], end: datetime) -> list[Event]:
    """Every event before `end` of the given subjects (a request decided this month may be from last month)."""
    if not ids:
        return []
    found: list[Event] = []
    ordered = sorted(ids)
    async with db.sessions() as s:
        for i in range(0, len(ordered), 500):   # stay within the database's limit on parameters
            found += list(await s.scalars(select(Event).where(
                Event.subject_kind.in_(kinds), Event.subject_id.in_(ordered[i:i + 500]), Event.at < end)
                .order_by(Event.at, Event.id)))
    return found


async def _open_at(db, kinds, opening, decisions, end: datetime) -> int:
    """Requests opened before `end` and not decided before it."""
    async with db.sessions() as s:
        rows = (await s.execute(select(Event.subject_kind, Event.subject_id, Event.action).where(
            Event.subject_kind.in_(kinds), Event.at < end,
            Event.action.in_(tuple(opening) + tuple(decisions))))).all()
    opened = {(k, i) for k, i, a in rows if a in opening}
    decided = {(k, i) for k, i, a in rows if a in decisions}
    return len(opened - decided)


def _due_from(history: list[Event]) -> date | None:
    """The last due date an FOI case's events name (created, extended, clock restarted, recomputed)."""
    due = None
    for e in history:
        d = _details(e)
        raw = d.get("to") if e.action == "due_recomputed" else d.get("due")
        if isinstance(raw, str):
            try:
                due = date.fromisoformat(raw[:10])
            except ValueError:
                continue
    return due


async def monthly_figures(svc, first: date) -> Monthly:
    tz = svc.config.tz
    start, end = _local_midnight(first, tz), _local_midnight(next_month(first), tz)
    async with svc.db.sessions() as s:
        events = await events_between(s, start, end)
    m = Monthly(first, events=len(events))
    decided: dict[str, list[Event]] = defaultdict(list)
    foi_closed: list[Event] = []
    for e in events:
        d = _details(e)
        if e.subject_kind == "check":
            m.checks += 1
            m.verdicts[e.to_state or "unknown"] += 1
            cats = d.get("categories")
            for c in cats if isinstance(cats, list) else ():
                m.categories[str(c)] += 1
        elif e.subject_kind == "crisis":
            m.crises_started += e.action == "started"
            m.crises_ended += e.action == "ended"
            m.reviews_done += e.action == "review_completed"
        elif e.subject_kind in FOI_KINDS:
            m.foi_new += e.action == "created"
            if e.action == "closed":
                foi_closed.append(e)
        elif e.subject_kind == "pause" and e.action == "started":
            m.pauses.append(f"{e.at.astimezone(tz):%-d %B}, {d.get('days', '?')} day(s): {d.get('reason', '')}")
        for label, (kinds, _, decisions) in REQUESTS.items():
            if e.subject_kind in kinds and e.action in decisions:
                decided[label].append(e)
    for label, (kinds, opening, decisions) in REQUESTS.items():
        r = m.requests[label]
        history = await _history_of(svc.db, kinds, {e.subject_id for e in decided[label]}, end)
        opened_at = {}
        for h in history:
            if h.action in opening:
                opened_at.setdefault((h.subject_kind, h.subject_id), h.at)
        for e in decided[label]:
            if decisions[e.action] == "approved":
                r.approved += 1
            else:
                r.rejected += 1
            began = opened_at.get((e.subject_kind, e.subject_id))
            if began is not None and e.at >= began:
                r.waits.append(e.at - began)
        r.open_at_end = await _open_at(svc.db, kinds, opening, decisions, end)
    m.crises_active_at_end = await _open_at(svc.db, ("crisis",), ("started",), ("ended",), end)
    histories = await _history_of(svc.db, FOI_KINDS, {e.subject_id for e in foi_closed}, end)
    by_case: dict[str, list[Event]] = defaultdict(list)
    for h in histories:
        by_case[h.subject_id].append(h)
    for e in foi_closed:
        outcome = _details(e).get("outcome", "answered")
        if outcome not in FOI_RESPONSES:
            m.foi_closed_otherwise += 1
            continue
        due = _due_from([h for h in by_case[e.subject_id] if h.at <= e.at])
        if due is None:
            m.foi_unknown += 1
        elif e.at.astimezone(tz).date() <= due:
            m.foi_on_time += 1
        else:
            m.foi_late += 1
    return m


# --- the monthly message -------------------------------------------------------------------------------------------

def how_long(t: timedelta) -> str:
    hours = t.total_seconds() / 3600
    if hours < 1:
        return "under an hour"
    if hours < 48:
        n = round(hours)
        return f"{n} hour{'s' if n != 1 else ''}"
    n = round(hours / 24)
    return f"{n} days"


def _label(category: str) -> str:
    try:  # the checker's own words for its categories, when that workflow is installed
        from .checking import label
        return label(category)
    except Exception:
        return category.replace("_", " ").capitalize()


def _command(platform: str | None, text: str) -> str:
    """How a person types a command where the message is read (`/smpolicy ...` in Slack)."""
    return f"`/smpolicy {text}`" if platform == "slack" else f"`{text}`"


def monthly_message(m: Monthly, platform: str | None = None) -> Message:
    name = month_name(m.first)
    blocks: list = [Header(f"Monthly summary: {name}")]
    if m.checks:
        verdicts = " · ".join(f"{VERDICTS.get(v, v)} {n}" for v, n in sorted(
            m.verdicts.items(), key=lambda kv: list(VERDICTS).index(kv[0]) if kv[0] in VERDICTS else 9))
        text = f"*Posts checked (“Is this OK to post?”):* {m.checks}: {verdicts}"
        if m.categories:
            top = m.categories.most_common(TOP_CATEGORIES)
            text += "\nMost common findings: " + " · ".join(f"{_label(c)} {n}" for c, n in top)
        blocks.append(Text(text))
    else:
        blocks.append(Text("*Posts checked:* none this month."))
    lines = []
    waiting = []
    for label, r in m.requests.items():
        if r.approved or r.rejected:
            line = f"• {label}: {r.approved} approved, {r.rejected} turned down"
            if len(r.waits) == 1:
                line += f"; decided in {how_long(r.waits[0])}"
            elif r.waits:
                line += f"; typically decided in {how_long(median(r.waits))}, longest {how_long(max(r.waits))}"
            lines.append(line)
        if r.open_at_end:
            noun = label.split(" (")[0].lower()
            waiting.append(f"{r.open_at_end} {noun[:-1] if r.open_at_end == 1 else noun}")
    text = "*Requests decided:* " + ("none this month." if not lines else "\n" + "\n".join(lines))
    if waiting:
        text += "\nStill waiting for a decision at the end of the month: " + ", ".join(waiting) + "."
    blocks.append(Text(text))
    crisis = (f"*Crises (4.3):* {m.crises_started} started, {m.crises_ended} ended, {m.reviews_done} post-crisis "
              f"review(s) completed; {m.crises_active_at_end or 'none'} still active at the end of the month.")
    blocks.append(Text(crisis))
    answered = m.foi_on_time + m.foi_late + m.foi_unknown
    foi = f"*Information requests (8.1):* {m.foi_new} new; {answered} answered"
    if answered:
        foi += f", {m.foi_on_time} on time and {m.foi_late} late"
        foi += f" ({m.foi_unknown} without a recorded due date)" if m.foi_unknown else ""
    foi += f"; {m.foi_closed_otherwise} closed without needing an answer." if m.foi_closed_otherwise else "."
    blocks.append(Text(foi))
    if m.pauses:
        blocks.append(Text("*Mourning pauses (4.4):* " + "; ".join(m.pauses)))
    last = next_month(m.first) - timedelta(days=1)
    export = _command(platform, f"audit export {m.first.isoformat()} {last.isoformat()}")
    blocks.append(Note(f"From the audit trail ({m.events} event(s) in {name}). Every event: {export} (6.2)."))
    return message(*blocks, text=f"Monthly summary: {name}")


async def _anything_before(svc, end: datetime) -> bool:
    async with svc.db.sessions() as s:
        return bool(await s.scalar(select(func.count()).select_from(Event).where(Event.at < end)))


async def send_monthly_summary(svc, now: datetime) -> None:
    """Daily sweep (working days): on or after the month's first working day, last month's summary, once."""
    from chat.workdays import working_calendar

    today = now.astimezone(svc.config.tz).date()
    if today < first_working_day(month_start(today), await working_calendar(svc)):
        return
    first = previous_month(today)
    # A new installation has nothing to summarise; a quiet month after that still gets its (short) summary.
    if not await _anything_before(svc, _local_midnight(month_start(today), svc.config.tz)):
        return
    figures = await monthly_figures(svc, first)
    for platform, _ in svc.notifier.channel_ids("comms_team"):
        try:
            await svc.notifier.post("comms_team", monthly_message(figures, platform), platform=platform,
                                    claim=("monthly_summary", first.isoformat()[:7], "month"))
        except Exception as exc:   # its claim is released: the next working day's sweep tries again
            log.warning("monthly summary not posted in %s: %s", platform, type(exc).__name__)


def parse_month(raw: str, today: date) -> date:
    raw = raw.strip()
    if not raw:
        return previous_month(today)
    if not re.fullmatch(r"\d{4}-\d{2}", raw):
        raise BadInput(f"“{raw}” isn't a month I can read; write it as YYYY-MM, e.g. `summary 2026-11`.")
    try:
        return date(int(raw[:4]), int(raw[5:]), 1)
    except ValueError:
        raise BadInput(f"“{raw}” isn't a month I can read; write it as YYYY-MM, e.g. `summary 2026-11`.") from None


# --- the yearly review (6.1) ---------------------------------------------------------------------------------------

_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\s+(\d{4})$")


def pack_approved() -> date | None:
    """The policy document's own date in the pack ("May 2024", "01/05/2024" or ISO), if it can be read."""
    raw = str(load_pack().documents.get("policy", {}).get("date", "")).strip()
    for fmt in ("%B %Y", "%b %Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


async def last_approved(svc) -> tuple[date | None, str]:
    """(date, where it came from): a recorded review wins over the pack's date."""
    async with svc.db.sessions() as s:
        row = await s.get(Setting, SETTING_KEY)
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    try:
        return date.fromisoformat(str(value["approved"])), "recorded in the bot"
    except (KeyError, ValueError):
        return pack_approved(), "from the policy pack"


def anniversary(approved: date, year: int) -> date:
    try:
        return approved.replace(year=year)
    except ValueError:          # 29 February
        return date(year, 2, 28)


def review_due(approved: date, today: date) -> date | None:
    """The latest anniversary of the approval that has come (never the approval day itself)."""
    for year in (today.year, today.year - 1):
        day = anniversary(approved, year)
        if approved < day <= today:
            return day
    return None


def next_review(approved: date, today: date) -> date:
    day = anniversary(approved, max(today.year, approved.year + 1))
    return day if day > today and day > approved else anniversary(approved, day.year + 1)


def _review_message(svc, approved: date, due: date) -> Message:
    pack = load_pack()
    version = pack.policy_version
    return message(
        Header("Time to review the Social Media Policy"),
        Text(f"The policy is “reviewed by the Senior Communications Officer annually from the date of last "
             f"approval” (6.1). It was last approved on {approved:%-d %B %Y}, so its review was due on "
             f"{due:%-d %B %Y}."),
        Text("Please review it (the policy, its appendices and the bot's policy pack, which quotes it) and have "
             "it re-approved. When it's done, record it with `/smpolicy policy-review done` (in Teams, "
             "`policy-review done`) so next year's reminder counts from the new date."),
        Note(f"Current text: {version}. 6.1 Authorisation, approval dates and review dates."),
        text="Time to review the Social Media Policy (6.1)")


async def send_review_reminder(svc, now: datetime) -> None:
    """Daily sweep: the policy owner once per review year, on or after the anniversary (caught up after a gap)."""
    approved, _ = await last_approved(svc)
    today = now.astimezone(svc.config.tz).date()
    due = review_due(approved, today) if approved else None
    if due is None:
        return
    msg = _review_message(svc, approved, due)
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


async def review_status(svc, platform: str | None = None) -> Message:
    approved, source = await last_approved(svc)
    from .pause import name_of

    owners = svc.config.members("policy_owner")
    who = ", ".join([await name_of(svc, o) for o in owners]) or "the Communications Team's channel"
    if approved is None:
        return message(Text("I don't know when the policy was last approved, so I can't remind anyone to review "
                            f"it (6.1). Record it with {_command(platform, 'policy-review approved YYYY-MM-DD')}."))
    today = svc.today()
    due = review_due(approved, today)
    lines = [f"The Social Media Policy was last approved on {approved:%-d %B %Y} ({source}). It is reviewed "
             f"annually from that date (6.1)."]
    if due is not None:
        done = _command(platform, "policy-review done")
        lines.append(f"Its review was due on {due:%-d %B %Y}. Once it's done: {done}.")
    lines.append(f"Next review: {next_review(approved, today):%-d %B %Y}. I remind {who} on the day.")
    return message(Text("\n".join(lines)))


async def record_review(svc, actor: str | None, raw_day: str | None) -> Message:
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
