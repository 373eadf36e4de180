"""Statutory working days and FOI/EIR/SAR due dates.

Expected dates are counted by hand in the comments: (n) is the n-th working day after
receipt, X a day skipped as a bank holiday somewhere in the UK.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from policy.calendar import (KINDS, WorkingCalendar, due_date, one_calendar_month_after,
                             uk_bank_holidays)

D = date


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# ---------------------------------------------------------------- FOI across holidays

def test_foi_across_christmas_and_new_year_including_scotland(cal):
    # Received Fri 12 Dec 2025. Dec 15-19 (1-5), 22-24 (6-8), 25 X Christmas, 26 X Boxing Day,
    # 29-31 (9-11), 1 Jan X, 2 Jan X (Scotland only), 5-9 Jan (12-16), 12-15 Jan (17-20).
    assert due_date(D(2025, 12, 12), "foi", cal) == D(2026, 1, 15)
    # England alone would make it the 14th: the Scottish day counts UK-wide.
    assert not cal.is_working_day(D(2026, 1, 2))
    assert "Scotland: New Year Holiday" in cal.holiday_name(D(2026, 1, 2))


def test_christmas_on_a_weekend_moves_to_monday_and_tuesday(cal):
    # 2027: Christmas Sat, Boxing Day Sun -> substitutes Mon 27 and Tue 28 Dec.
    assert not cal.is_working_day(D(2027, 12, 27))
    assert not cal.is_working_day(D(2027, 12, 28))
    assert cal.add_working_days(D(2027, 12, 24), 1) == D(2027, 12, 29)
    # 2027: 2 Jan (Scotland) is a Saturday, so Scotland takes Mon 4 Jan 2027 as well.
    assert not cal.is_working_day(D(2027, 1, 4))


def test_foi_across_easter(cal):
    # Received Wed 2 Apr 2025. Apr 3-4 (1-2), 7-11 (3-7), 14-17 (8-11), 18 X Good Friday,
    # 21 X Easter Monday (E&W, NI), 22-25 (12-15), 28-30 (16-18), 1-2 May (19-20).
    assert due_date(D(2025, 4, 2), "foi", cal) == D(2025, 5, 2)
    assert cal.holiday_name(D(2025, 4, 18)) == "Good Friday"
    assert cal.holiday_name(D(2025, 4, 21)) == "England, Wales and Northern Ireland: Easter Monday"


def test_st_andrews_day_substitute(cal):
    # St Andrew's Day 2025 is a Sunday; Scotland takes Mon 1 Dec.
    # Received Fri 28 Nov: 1 Dec X, 2-5 (1-4), 8-12 (5-9), 15-19 (10-14), 22-24 (15-17),
    # 25-26 X, 29-31 (18-20).
    assert due_date(D(2025, 11, 28), "foi", cal) == D(2025, 12, 31)
    assert cal.holiday_name(D(2025, 12, 1)) == "Scotland: Saint Andrew's Day (observed)"


def test_scottish_summer_bank_holiday_first_monday_of_august(cal):
    # Received Fri 1 Aug 2025: 4 Aug X (Scotland), 5-8 (1-4), 11-15 (5-9), 18-22 (10-14),
    # 25 Aug X (late summer, E&W and NI), 26-29 (15-18), 1-2 Sep (19-20).
    assert due_date(D(2025, 8, 1), "foi", cal) == D(2025, 9, 2)
    assert cal.holiday_name(D(2025, 8, 4)) == "Scotland: Summer Bank Holiday"


def test_st_patricks_day(cal):
    # Received Fri 14 Mar 2025: 17 Mar X (NI), 18-21 (1-4), 24-28 (5-9), 31 Mar-4 Apr (10-14),
    # 7-11 Apr (15-19), 14 Apr (20).
    assert due_date(D(2025, 3, 14), "foi", cal) == D(2025, 4, 14)
    assert cal.holiday_name(D(2025, 3, 17)) == "Northern Ireland: Saint Patrick's Day"


def test_battle_of_the_boyne(cal):
    # 12 Jul 2025 is a Saturday, so NI takes Mon 14 Jul; in 2027 the 12th is a Monday.
    # Received Fri 11 Jul 2025: 14 X, 15-18 (1-4), 21-25 (5-9), 28 Jul-1 Aug (10-14),
    # 4 Aug X (Scotland), 5-8 (15-18), 11-12 (19-20).
    assert due_date(D(2025, 7, 11), "foi", cal) == D(2025, 8, 12)
    assert "Battle of the Boyne" in cal.holiday_name(D(2025, 7, 14))
    assert not cal.is_working_day(D(2027, 7, 12))


# ---------------------------------------------------------------- weekend receipt

def test_weekend_receipt_counts_from_monday(cal):
    # Sat 7 Jun 2025: day 1 is Mon 9 Jun; 9-13 (1-5), 16-20 (6-10), 23-27 (11-15),
    # 30 Jun-4 Jul (16-20). A Friday or Sunday receipt gives the same day 1.
    assert cal.add_working_days(D(2025, 6, 7), 1) == D(2025, 6, 9)
    for received in (D(2025, 6, 6), D(2025, 6, 7), D(2025, 6, 8)):
        assert due_date(received, "foi", cal) == D(2025, 7, 4)
    assert due_date(D(2025, 6, 9), "foi", cal) == D(2025, 7, 7)


def test_weekend_receipt_before_a_bank_holiday_monday(cal):
    # Sat 3 May 2025, Mon 5 May is May Day: day 1 is Tue 6 May.
    assert cal.add_working_days(D(2025, 5, 3), 1) == D(2025, 5, 6)


# ---------------------------------------------------------------- EIR and pauses

def test_eir_and_extended_eir(cal):
    assert due_date(D(2025, 4, 2), "eir", cal) == D(2025, 5, 2)
    # 40 days: after 2 May (20): 5 May X, 6-9 (21-24), 12-16 (25-29), 19-23 (30-34),
    # 26 May X (spring), 27-30 (35-38), 2-3 Jun (39-40).
    assert due_date(D(2025, 4, 2), "eir-extended", cal) == D(2025, 6, 3)


def test_paused_days_added_as_working_days(cal):
    # 2 May (20), 5 May X, 6 (21), 7 (22), 8 (23).
    assert due_date(D(2025, 4, 2), "foi", cal, paused_days=3) == D(2025, 5, 8)


# ---------------------------------------------------------------- subject access

@pytest.mark.parametrize("received,expected", [
    (D(2025, 9, 3), D(2025, 10, 3)),    # ICO example: same date next month (a Friday)
    (D(2025, 1, 31), D(2025, 2, 28)),   # no 31 Feb: last day of February (a Friday)
    (D(2024, 1, 31), D(2024, 2, 29)),   # leap year
    (D(2026, 1, 30), D(2026, 3, 2)),    # 28 Feb 2026 is a Saturday -> Mon 2 Mar
    (D(2025, 12, 31), D(2026, 2, 2)),   # 31 Jan 2026 is a Saturday -> Mon 2 Feb
    (D(2025, 11, 25), D(2025, 12, 29)), # 25 Dec X, 26 Dec X, weekend -> Mon 29 Dec
    (D(2025, 2, 17), D(2025, 3, 18)),   # 17 Mar is St Patrick's Day (NI) -> Tue 18 Mar
    (D(2025, 6, 7), D(2025, 7, 7)),     # weekend receipt still counts from the receipt date
])
def test_subject_access_one_calendar_month(cal, received, expected):
    assert due_date(received, "sar", cal) == expected


def test_subject_access_pause_adds_calendar_days(cal):
    # 3 Oct 2025 + 5 calendar days = Wed 8 Oct; + 1 more = Thu 9 Oct; + 2 = Sun 5 Oct -> Mon 6 Oct.
    assert due_date(D(2025, 9, 3), "sar", cal, paused_days=5) == D(2025, 10, 8)
    assert due_date(D(2025, 9, 3), "sar", cal, paused_days=2) == D(2025, 10, 6)


def test_one_calendar_month_after():
    assert one_calendar_month_after(D(2025, 12, 15)) == D(2026, 1, 15)
    assert one_calendar_month_after(D(2025, 3, 31)) == D(2025, 4, 30)


# ---------------------------------------------------------------- proclaimed days

def test_proclaimed_one_off_holiday():
    cal = WorkingCalendar([D(2025, 6, 16)])
    # Sat 7 Jun: 9-13 (1-5), 16 X proclaimed, 17-20 (6-9), 23-27 (10-14), 30 Jun-4 Jul (15-19),
    # 7 Jul (20): one day later than without it.
    assert due_date(D(2025, 6, 7), "foi", cal) == D(2025, 7, 7)
    assert not cal.is_working_day(D(2025, 6, 16))
    assert cal.holiday_name(D(2025, 6, 16)) == "Proclaimed bank holiday"
    assert WorkingCalendar().is_working_day(D(2025, 6, 16))      # instances don't leak


def test_proclaimed_holiday_with_a_name_and_known_one_offs():
    cal = WorkingCalendar({D(2030, 5, 7): "State occasion"})
    assert cal.holiday_name(D(2030, 5, 7)) == "State occasion"
    assert cal.extra_holidays == {D(2030, 5, 7): "State occasion"}
    # Past one-offs the package already knows: the state funeral and the coronation.
    assert not cal.is_working_day(D(2022, 9, 19))
    assert not cal.is_working_day(D(2023, 5, 8))


# ---------------------------------------------------------------- the calendar API

def test_working_days_between(cal):
    assert cal.working_days_between(D(2025, 4, 2), D(2025, 5, 2)) == 20
    assert cal.working_days_between(D(2025, 5, 2), D(2025, 4, 2)) == -20
    assert cal.working_days_between(D(2025, 4, 2), D(2025, 4, 2)) == 0
    assert cal.working_days_between(D(2025, 12, 24), D(2025, 12, 28)) == 0   # holidays, weekend
    assert cal.working_days_between(D(2025, 12, 12), D(2026, 1, 15)) == 20  # across a year end


def test_next_working_day(cal):
    assert cal.next_working_day(D(2025, 12, 24)) == D(2025, 12, 24)
    assert cal.next_working_day(D(2025, 12, 25)) == D(2025, 12, 29)
    assert cal.next_working_day(D(2025, 12, 27)) == D(2025, 12, 29)


def test_add_zero_and_negative_days(cal):
    assert cal.add_working_days(D(2025, 12, 27), 0) == D(2025, 12, 27)
    assert cal.add_working_days(D(2025, 12, 29), -1) == D(2025, 12, 24)
    # Counting back mirrors counting forward: 12 Dec 2025 + 20 working days is 15 Jan 2026.
    assert cal.add_working_days(D(2026, 1, 15), -20) == D(2025, 12, 12)


def test_weekends_are_not_holidays_by_name(cal):
    assert cal.holiday_name(D(2025, 6, 7)) is None
    assert not cal.is_working_day(D(2025, 6, 7))
    assert cal.holiday_name(D(2025, 6, 9)) is None and cal.is_working_day(D(2025, 6, 9))


def test_holidays_between(cal):
    got = cal.holidays_between(D(2025, 12, 20), D(2026, 1, 5))
    assert [d for d, _ in got] == [D(2025, 12, 25), D(2025, 12, 26), D(2026, 1, 1), D(2026, 1, 2)]


def test_union_of_all_four_nations():
    days = uk_bank_holidays(2025)
    for d in (D(2025, 1, 2), D(2025, 3, 17), D(2025, 4, 21), D(2025, 7, 14), D(2025, 8, 4),
              D(2025, 8, 25), D(2025, 12, 1)):
        assert d in days


def test_counts_agree_with_additions_over_four_years(cal):
    start = D(2024, 1, 1)
    for offset in range(0, 4 * 365, 3):
        received = start + timedelta(days=offset)
        for n in (1, 5, 20, 40):
            due = cal.add_working_days(received, n)
            assert cal.is_working_day(due)
            assert cal.working_days_between(received, due) == n
            assert cal.working_days_between(received, due - timedelta(days=1)) == n - 1


def test_a_fresh_calendar_can_start_anywhere_and_extend_both_ways():
    cal = WorkingCalendar()
    assert cal.add_working_days(D(2030, 12, 20), 20) == WorkingCalendar().add_working_days(D(2030, 12, 20), 20)
    assert cal.add_working_days(D(2030, 1, 10), -30) < D(2030, 1, 1)
    assert cal.add_working_days(D(2030, 6, 1), 600) > D(2032, 6, 1)


# ---------------------------------------------------------------- bad input

def test_bad_kind_names_the_valid_kinds(cal):
    with pytest.raises(ValueError) as info:
        due_date(D(2025, 1, 6), "gdpr", cal)
    for kind in KINDS:
        assert kind in str(info.value)


@pytest.mark.parametrize("paused", [-1, 1.5, True])
def test_bad_pause(cal, paused):
    with pytest.raises(ValueError):
        due_date(D(2025, 1, 6), "foi", cal, paused_days=paused)


def test_datetime_is_treated_as_its_date(cal):
    assert not cal.is_working_day(datetime(2025, 12, 25, 9, 30))
    assert due_date(datetime(2025, 12, 12, 23, 59), "foi", cal) == D(2026, 1, 15)


def test_out_of_range_year_and_wrong_type(cal):
    with pytest.raises(ValueError, match="supported range"):
        cal.add_working_days(D(2300, 1, 1), 1)
    with pytest.raises(TypeError):
        cal.is_working_day("2025-12-25")


def test_default_calendar_when_none_given():
    assert due_date(D(2025, 4, 2), "foi") == D(2025, 5, 2)
