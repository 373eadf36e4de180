"""Statutory working days and due dates for FOI, EIR and subject-access requests.

FOIA s10(6): a working day is any day other than a Saturday, a Sunday, Christmas Day,
Good Friday or a bank holiday in *any* part of the United Kingdom. So a request answered
from Suffolk still skips St Andrew's Day and the Twelfth. EIR uses the same definition.
Subject access (UK GDPR Art 12(3)) runs for one calendar month instead.

The bank holidays of the four nations come from the ``holidays`` package; an administrator
can add one-off proclaimed days (a state funeral, a coronation) before the package knows
about them. Due dates are computed by the sweep for every open case, so the calendar keeps
a sorted list of working days and answers with a binary search, not a day-by-day walk.
"""
from __future__ import annotations

import bisect
import calendar as _gregorian
import threading
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Iterable, Mapping

import holidays

KINDS = ("foi", "eir", "eir-extended", "sar")
# Working days allowed after the day of receipt (FOIA s10(1); EIR reg 5(2) and 7(1)).
WORKING_DAYS = {"foi": 20, "eir": 20, "eir-extended": 40}

# holidays' subdivision codes, in the order the names read best.
NATIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
PROCLAIMED = "Proclaimed bank holiday"

# A typo such as 2205 would otherwise build centuries of holidays before failing.
MIN_YEAR, MAX_YEAR = 1900, 2199


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside the supported range {MIN_YEAR}-{MAX_YEAR}")


def _as_date(d: date, what: str = "date") -> date:
    if isinstance(d, datetime):      # a datetime is a date too, but hashes differently
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"{what} must be a datetime.date, not {type(d).__name__}")
    return d


def _nations_label(codes: set[str]) -> str:
    names = [NATIONS[c] for c in NATIONS if c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@lru_cache(maxsize=None)
def uk_bank_holidays(year: int) -> Mapping[date, str]:
    """Bank holidays in any part of the UK in one year, with where each applies.

    A day common to all four nations reads "Christmas Day"; one that is not reads
    "Scotland: Saint Andrew's Day (observed)". Weekend dates are included as the package
    lists them (they are not working days anyway). Cached: the package is slow per call.
    """
    _check_year(year)
    where: dict[date, dict[str, set[str]]] = {}
    for code in NATIONS:
        for day, names in holidays.UnitedKingdom(subdiv=code, years=year).items():
            if day.year != year:
                continue
            for name in names.split("; "):
                where.setdefault(day, {}).setdefault(name, set()).add(code)
    labelled = {}
    for day in sorted(where):
        parts = [name if codes == set(NATIONS) else f"{_nations_label(codes)}: {name}"
                 for name, codes in where[day].items()]
        # Names shared by every nation first, so the familiar name leads.
        parts.sort(key=lambda p: ":" in p)
        labelled[day] = "; ".join(parts)
    return MappingProxyType(labelled)


@lru_cache(maxsize=None)
def _uk_working_ordinals(year: int) -> tuple[int, ...]:
    closed = uk_bank_holidays(year)
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    return tuple(o for o in range(first, last + 1)
                 if date.fromordinal(o).weekday() < 5 and date.fromordinal(o) not in closed)


class WorkingCalendar:
    """Working days: not a weekend, not a bank holiday anywhere in the UK, not a proclaimed day.

    ``extra_holidays`` is an iterable of dates, or a mapping of date to name, for one-off
    days proclaimed after the ``holidays`` package was released. Instances are cheap and
    safe to share between threads; years are indexed lazily as dates reach them.
    """

    def __init__(self, extra_holidays: Iterable[date] | Mapping[date, str] = ()):
        if isinstance(extra_holidays, Mapping):
            pairs = [(_as_date(d, "extra holiday"), str(name) or PROCLAIMED)
                     for d, name in extra_holidays.items()]
        else:
            pairs = [(_as_date(d, "extra holiday"), PROCLAIMED) for d in extra_holidays]
        self._extra: dict[date, str] = {}
        for d, name in pairs:
            _check_year(d.year)
            self._extra[d] = name
        self._lock = threading.Lock()
        self._first_year: int | None = None     # years [first, last] are indexed
        self._last_year: int | None = None
        self._working: list[int] = []           # sorted ordinals of working days in them

    @property
    def extra_holidays(self) -> Mapping[date, str]:
        return MappingProxyType(self._extra)

    # -------------------------------------------------------------- index

    def _year_ordinals(self, year: int) -> list[int]:
        base = _uk_working_ordinals(year)
        extra = {d.toordinal() for d in self._extra if d.year == year}
        return [o for o in base if o not in extra] if extra else list(base)

    def _cover(self, first: int, last: int) -> None:
        """Make sure years first..last are in the index (kept contiguous)."""
        if self._first_year is not None and self._first_year <= first and last <= self._last_year:
            return
        with self._lock:
            lo = first if self._first_year is None else min(first, self._first_year)
            hi = last if self._last_year is None else max(last, self._last_year)
            _check_year(lo)
            _check_year(hi)
            if self._first_year is None:
                before, after = range(lo, hi + 1), range(0)
            else:
                before = range(lo, self._first_year)
                after = range(self._last_year + 1, hi + 1)
            head = [o for y in before for o in self._year_ordinals(y)]
            tail = [o for y in after for o in self._year_ordinals(y)]
            # Build the new list before publishing it, so readers never see a half index.
            self._working = head + self._working + tail
            self._first_year, self._last_year = lo, hi

    # -------------------------------------------------------------- queries

    def is_working_day(self, d: date) -> bool:
        d = _as_date(d)
        if d.weekday() >= 5:
            return False
        _check_year(d.year)
        return d not in self._extra and d not in uk_bank_holidays(d.year)

    def holiday_name(self, d: date) -> str | None:
        """Why a date is not a working day, if it is a holiday (weekends alone give None)."""
        d = _as_date(d)
        _check_year(d.year)
        names = [n for n in (uk_bank_holidays(d.year).get(d), self._extra.get(d)) if n]
        return "; ".join(names) or None

    def holidays_between(self, a: date, b: date) -> list[tuple[date, str]]:
        """Holidays from a to b inclusive, for explaining a due date to a person."""
        a, b = _as_date(a), _as_date(b)
        out = []
        for year in range(a.year, b.year + 1):
            days = set(uk_bank_holidays(year)) | {d for d in self._extra if d.year == year}
            out += [(d, self.holiday_name(d)) for d in sorted(days) if a <= d <= b]
        return out

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start (day 1 is the first working day after start).

        n = 0 gives start itself; a negative n counts back (-1: the last working day before
        start). start need not be a working day: a Saturday receipt counts Monday as day 1.
        """
        start = _as_date(start, "start")
        if n == 0:
            return start
        o = start.toordinal()
        self._cover(start.year, start.year)
        while True:
            working = self._working
            if n > 0:
                i = bisect.bisect_right(working, o) + n - 1
            else:
                i = bisect.bisect_left(working, o) + n
            if 0 <= i < len(working):
                return date.fromordinal(working[i])
            # Past the indexed years: extend by roughly enough years and look again.
            years = abs(n) // 240 + 1
            if i < 0:
                self._cover(self._first_year - years, self._last_year)
            else:
                self._cover(self._first_year, self._last_year + years)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after a, up to and including b; negative if b is before a."""
        a, b = _as_date(a, "a"), _as_date(b, "b")
        if b < a:
            return -self.working_days_between(b, a)
        self._cover(a.year, b.year)
        working = self._working
        return (bisect.bisect_right(working, b.toordinal())
                - bisect.bisect_right(working, a.toordinal()))

    def next_working_day(self, d: date) -> date:
        """d itself if it is a working day, else the first working day after it."""
        d = _as_date(d)
        return d if self.is_working_day(d) else self.add_working_days(d, 1)


def one_calendar_month_after(received: date) -> date:
    """The corresponding date next month; the month's last day if there is no such date."""
    year, month = (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    return date(year, month, min(received.day, _gregorian.monthrange(year, month)[1]))


_DEFAULT: WorkingCalendar | None = None


def default_calendar() -> WorkingCalendar:
    """A shared calendar with no proclaimed extras (for callers without settings)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = WorkingCalendar()
    return _DEFAULT


def due_date(received: date, kind: str, cal: WorkingCalendar | None = None,
             paused_days: int = 0) -> date:
    """The statutory due date of a request received on ``received``.

    foi / eir: the 20th working day after receipt; eir-extended: the 40th. Days the clock
    was stopped for clarification (``paused_days``, working days) are added on.
    sar: one calendar month (receipt day is day 1, so 3 September is due 3 October;
    31 January is due on the last day of February), plus ``paused_days`` calendar days,
    moved to the next working day if it is not one.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown request kind {kind!r}: expected one of {', '.join(KINDS)}")
    if isinstance(paused_days, bool) or not isinstance(paused_days, int) or paused_days < 0:
        raise ValueError(f"paused_days must be a whole number of days, 0 or more (got {paused_days!r})")
    received = _as_date(received, "received")
    cal = cal or default_calendar()
    if kind == "sar":
        return cal.next_working_day(one_calendar_month_after(received) + timedelta(days=paused_days))
    return cal.add_working_days(received, WORKING_DAYS[kind] + paused_days)
