"""Dates behind the reports: review anniversaries (6.1), months, the first working day, durations."""
from __future__ import annotations

from datetime import date, timedelta

from dialogs.reports.rules import (first_working_day, how_long, next_month, next_review, pack_approved, previous_month,
                                   review_due)
from policy.calendar import WorkingCalendar


def test_the_pack_gives_the_policys_approval_date():
    assert pack_approved() == date(2024, 5, 1)     # "May 2024": version 1.4 of 01/05/2024


def test_review_falls_due_on_each_anniversary_never_on_the_approval_day():
    approved = date(2024, 5, 1)
    assert review_due(approved, date(2024, 5, 1)) is None
    assert review_due(approved, date(2025, 4, 30)) is None
    assert review_due(approved, date(2025, 5, 1)) == date(2025, 5, 1)
    assert review_due(approved, date(2026, 4, 30)) == date(2025, 5, 1)
    assert review_due(approved, date(2026, 12, 1)) == date(2026, 5, 1)
    assert next_review(approved, date(2024, 5, 1)) == date(2025, 5, 1)
    assert next_review(approved, date(2026, 12, 1)) == date(2027, 5, 1)
    assert next_review(approved, date(2027, 5, 1)) == date(2028, 5, 1)


def test_a_29_february_approval_is_reviewed_on_28_february():
    assert review_due(date(2024, 2, 29), date(2025, 2, 28)) == date(2025, 2, 28)
    assert next_review(date(2024, 2, 29), date(2024, 3, 1)) == date(2025, 2, 28)
    assert review_due(date(2024, 2, 29), date(2028, 2, 29)) == date(2028, 2, 29)


def test_months_and_first_working_days():
    assert previous_month(date(2027, 1, 5)) == date(2026, 12, 1)
    assert next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    cal = WorkingCalendar()
    assert first_working_day(date(2027, 1, 1), cal) == date(2027, 1, 5)     # New Year, then Scotland's 2 Jan
    assert first_working_day(date(2026, 8, 1), cal) == date(2026, 8, 4)     # a weekend, then Scotland's August
    assert first_working_day(date(2026, 12, 1), cal) == date(2026, 12, 1)


def test_how_long():
    assert how_long(timedelta(minutes=40)) == "under an hour"
    assert how_long(timedelta(hours=1, minutes=10)) == "1 hour"
    assert how_long(timedelta(hours=30)) == "30 hours"
    assert how_long(timedelta(days=3, hours=2)) == "3 days"
