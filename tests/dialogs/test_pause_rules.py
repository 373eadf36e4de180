"""The mourning pause's rules without a server: arguments, dates, the last day across a clock change."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from chat.errors import BadInput
from dialogs.pause.messages import reason_phrase
from dialogs.pause.rules import day_words, last_day, midnight_after, parse_start

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 1)


def test_start_arguments():
    assert parse_start("", TODAY) == (10, "national mourning")
    assert parse_start("7", TODAY) == (7, "national mourning")
    assert parse_start("12 Death of a senior royal", TODAY) == (12, "Death of a senior royal")
    assert parse_start("Death of a senior royal", TODAY) == (10, "Death of a senior royal")
    assert parse_start("2026-12-01 Today only", TODAY) == (1, "Today only")
    assert parse_start("2026-12-19", TODAY) == (19, "national mourning")


@pytest.mark.parametrize("args, wanted", [("0", "1 to 31 days"), ("32", "1 to 31 days"),
                                          ("2026-11-30", "already passed"), ("2027-02-30", "isn't a date")])
def test_bad_start_arguments(args, wanted):
    with pytest.raises(BadInput) as caught:
        parse_start(args, TODAY)
    assert wanted in caught.value.message


def test_a_pause_ends_at_local_midnight_after_its_last_day_even_across_a_clock_change():
    ends = midnight_after(date(2027, 3, 27), LONDON)             # the clocks go forward on 28 March
    assert ends.astimezone(timezone.utc) == datetime(2027, 3, 28, 0, 0, tzinfo=timezone.utc)
    pause = SimpleNamespace(ends_at=ends.astimezone(timezone.utc), reason="national mourning")
    assert last_day(pause, LONDON) == date(2027, 3, 27)
    ends = midnight_after(date(2027, 10, 31), LONDON)            # and back on 31 October
    assert ends.astimezone(timezone.utc) == datetime(2027, 11, 1, 0, 0, tzinfo=timezone.utc)


def test_dates_read_as_people_write_them():
    assert day_words(date(2026, 12, 10), TODAY) == "Thursday 10 December"
    assert day_words(date(2027, 1, 2), TODAY) == "Saturday 2 January 2027"
    svc = SimpleNamespace(config=SimpleNamespace(tz=LONDON), today=lambda: TODAY)
    pause = SimpleNamespace(ends_at=midnight_after(date(2026, 12, 10), LONDON), reason="Royal death")
    assert reason_phrase(svc, pause) == "Royal death, until the end of Thursday 10 December"
