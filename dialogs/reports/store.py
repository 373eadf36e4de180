"""What the reports read: the event log (the month's figures, what was open at a moment) and the review record."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select

from chat.services import Services
from chat.wording import count as plural
from storage.events import events_between
from storage.models import Event, Setting

from .rules import (FOI_KINDS, FOI_RESPONSES, Monthly, REQUESTS, SETTING_KEY, details_of, due_from, local_midnight,
                    next_month, pack_approved)


async def history_of(db, kinds: tuple[str, ...], ids: set[str], end: datetime) -> list[Event]:
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


async def open_at(db, kinds, opening, decisions, end: datetime) -> int:
    """Requests opened before `end` and not decided before it."""
    async with db.sessions() as s:
        rows = (await s.execute(select(Event.subject_kind, Event.subject_id, Event.action).where(
            Event.subject_kind.in_(kinds), Event.at < end,
            Event.action.in_(tuple(opening) + tuple(decisions))))).all()
    opened = {(k, i) for k, i, a in rows if a in opening}
    decided = {(k, i) for k, i, a in rows if a in decisions}
    return len(opened - decided)


async def monthly_figures(svc: Services, first: date) -> Monthly:
    tz = svc.config.tz
    start, end = local_midnight(first, tz), local_midnight(next_month(first), tz)
    async with svc.db.sessions() as s:
        events = await events_between(s, start, end)
    m = Monthly(first, events=len(events))
    decided: dict[str, list[Event]] = defaultdict(list)
    foi_closed: list[Event] = []
    for e in events:
        d = details_of(e)
        if e.subject_kind == "check":
            m.checks += 1
            m.verdicts[e.to_state or "unknown"] += 1
            cats = d.get("categories")
            for c in cats if isinstance(cats, list) else ():
                m.categories[str(c)] += 1
        elif e.subject_kind == "check_feedback":
            m.reported_wrong += e.action == "reported"
        elif e.subject_kind == "crisis":
            m.crises_started += e.action == "started"
            m.crises_ended += e.action == "ended"
            m.reviews_done += e.action == "review_completed"
        elif e.subject_kind in FOI_KINDS:
            m.foi_new += e.action == "created"
            if e.action == "closed":
                foi_closed.append(e)
        elif e.subject_kind == "pause" and e.action == "started":
            m.pauses.append(f"{e.at.astimezone(tz):%-d %B}, {plural(d['days'], 'day') if isinstance(d.get('days'), int) else '? days'}: {d.get('reason', '')}")
        for label, (kinds, _, decisions) in REQUESTS.items():
            if e.subject_kind in kinds and e.action in decisions:
                decided[label].append(e)
    for label, (kinds, opening, decisions) in REQUESTS.items():
        r = m.requests[label]
        history = await history_of(svc.db, kinds, {e.subject_id for e in decided[label]}, end)
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
        r.open_at_end = await open_at(svc.db, kinds, opening, decisions, end)
    m.crises_active_at_end = await open_at(svc.db, ("crisis",), ("started",), ("ended",), end)
    histories = await history_of(svc.db, FOI_KINDS, {e.subject_id for e in foi_closed}, end)
    by_case: dict[str, list[Event]] = defaultdict(list)
    for h in histories:
        by_case[h.subject_id].append(h)
    for e in foi_closed:
        outcome = details_of(e).get("outcome", "answered")
        if outcome not in FOI_RESPONSES:
            m.foi_closed_otherwise += 1
            continue
        due = due_from([h for h in by_case[e.subject_id] if h.at <= e.at])
        if due is None:
            m.foi_unknown += 1
        elif e.at.astimezone(tz).date() <= due:
            m.foi_on_time += 1
        else:
            m.foi_late += 1
    return m


async def anything_before(svc: Services, end: datetime) -> bool:
    async with svc.db.sessions() as s:
        return bool(await s.scalar(select(func.count()).select_from(Event).where(Event.at < end)))


async def last_approved(svc: Services) -> tuple[date | None, str]:
    """(date, where it came from): a recorded review wins over the pack's date."""
    async with svc.db.sessions() as s:
        row = await s.get(Setting, SETTING_KEY)
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    try:
        return date.fromisoformat(str(value["approved"])), "recorded in the bot"
    except (KeyError, ValueError):
        return pack_approved(), "from the policy pack"
