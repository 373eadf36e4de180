"""FOI rules with no storage: due dates across UK holidays, the type suggestion, the form's checks, the replies."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from chat.pacing import Pacer, retry_after
from dialogs.foi.retention import months_before
from dialogs.foi.rules import (check_submission, compute_due, normalise_reference, paused_between, standing,
                               suggest_kind)
from dialogs.foi.messages import X_LIMIT, customer_replies
from policy.calendar import WorkingCalendar

CAL = WorkingCalendar()


def due(received: date, kind: str = "foi", extended: bool = False, paused: int = 0, cal=CAL) -> date:
    return compute_due(received, kind, extended, paused, cal)


# --- due dates -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("received, kind, expected, why", [
    # Christmas 2026: 25 Dec (Fri), Boxing Day substitute 28 Dec (Mon), 1 Jan, and Scotland's 2 Jan on 4 Jan.
    (date(2026, 12, 1), "foi", date(2026, 12, 31), "Christmas and Boxing Day (substitute) skipped"),
    (date(2026, 12, 24), "foi", date(2027, 1, 27), "Christmas, Boxing Day, New Year and Scotland's 2 January"),
    (date(2026, 12, 24), "eir", date(2027, 1, 27), "EIR counts the same way"),
    (date(2026, 12, 1), "eir-extended", date(2027, 2, 1), "EIR extended: 40 working days"),
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March (not Scotland, but a UK bank holiday).
    (date(2027, 3, 19), "foi", date(2027, 4, 20), "Good Friday and Easter Monday skipped"),
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    (date(2026, 3, 27), "foi", date(2026, 4, 28), "Easter 2026"),
    # Scotland: St Andrew's Day (Mon 30 Nov 2026), summer bank holiday (Mon 3 Aug 2026).
    (date(2026, 11, 27), "foi", date(2026, 12, 30), "St Andrew's Day (Scotland) and Christmas skipped"),
    (date(2026, 7, 31), "foi", date(2026, 9, 1), "Scotland's August and England's late summer holidays skipped"),
    # Northern Ireland: St Patrick's Day (Tue 17 Mar 2026), Battle of the Boyne (Mon 13 Jul 2026, observed).
    (date(2026, 3, 16), "foi", date(2026, 4, 16), "St Patrick's Day and Easter skipped"),
    (date(2026, 7, 10), "foi", date(2026, 8, 11), "the Twelfth (observed) and Scotland's August skipped"),
    # Weekend receipt: day 1 is the first working day after.
    (date(2026, 10, 3), "foi", date(2026, 10, 30), "received on a Saturday"),
    (date(2026, 10, 4), "foi", date(2026, 10, 30), "received on a Sunday"),
    (date(2026, 10, 5), "foi", date(2026, 11, 2), "received on the Monday after"),
    # Subject access: one calendar month, moved to the next working day.
    (date(2026, 9, 3), "sar", date(2026, 10, 5), "3 October 2026 is a Saturday"),
    (date(2027, 1, 31), "sar", date(2027, 3, 1), "no 31 February: 28 February, a Sunday, so Monday"),
    (date(2026, 11, 25), "sar", date(2026, 12, 29), "25 Dec, 26 (Sat), 27 (Sun), 28 Boxing Day substitute"),
])
def test_due_dates(received, kind, expected, why):
    if kind == "eir-extended":
        assert due(received, "eir", extended=True) == expected, why
    else:
        assert due(received, kind) == expected, why


def test_holidays_used_are_what_we_think():
    names = {d: CAL.holiday_name(d) for d in (date(2026, 11, 30), date(2026, 3, 17), date(2026, 7, 13),
                                              date(2027, 1, 4), date(2026, 12, 28), date(2027, 3, 29))}
    assert "Scotland" in names[date(2026, 11, 30)]
    assert "Northern Ireland" in names[date(2026, 3, 17)]
    assert "Northern Ireland" in names[date(2026, 7, 13)]
    assert "Scotland" in names[date(2027, 1, 4)]
    assert names[date(2026, 12, 28)] and names[date(2027, 3, 29)]


def test_a_proclaimed_holiday_moves_the_due_date():
    proclaimed = WorkingCalendar(extra_holidays={date(2026, 12, 15): "State funeral"})
    assert due(date(2026, 12, 1)) == date(2026, 12, 31)
    assert due(date(2026, 12, 1), cal=proclaimed) == date(2027, 1, 5)


def test_clock_stopped_days_are_added():
    # Stopped on Mon 7 Dec, restarted Mon 14 Dec: five working days added.
    paused = paused_between("foi", date(2026, 12, 7), date(2026, 12, 14), CAL)
    assert paused == 5
    assert due(date(2026, 12, 1), paused=paused) == date(2027, 1, 11)   # 1 and 4 January are holidays
    # Subject access pauses count calendar days.
    assert paused_between("sar", date(2026, 12, 7), date(2026, 12, 14), CAL) == 7
    assert due(date(2026, 9, 3), "sar", paused=7) == date(2026, 10, 12)
    assert paused_between("foi", date(2026, 12, 7), date(2026, 12, 7), CAL) == 0


def test_standing_words():
    today = date(2026, 12, 24)
    assert standing(date(2026, 12, 22), today, CAL).words() == "2 working days overdue"
    assert standing(today, today, CAL).words() == "due today"
    assert standing(date(2026, 12, 29), today, CAL).status == "soon"
    assert standing(date(2027, 1, 8), today, CAL).status == "later"


# --- suggestion, references, the form ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("How much was spent on agency staff last year?", "foi"),
    ("What are the nitrogen dioxide readings near the school?", "eir"),
    ("Why is the river by the bypass full of sewage?", "eir"),
    ("Please send me all the information you hold about me", "sar"),
    ("I want a copy of my social care records", "sar"),
    ("Can I see my personal data please", "sar"),
    ("What's the flooding budget, and my own records too", "sar"),   # own records win
])
def test_suggest_kind(text, kind):
    assert suggest_kind(text)[0] == kind


def test_references_are_normalised():
    assert normalise_reference("foi-2026-1") == "FOI-2026-0001"
    assert normalise_reference(" FOI 2026 0042 ") == "FOI-2026-0042"
    assert normalise_reference("FOI-2026-12345") == "FOI-2026-12345"
    assert normalise_reference("2026-0001") is None
    assert normalise_reference("") is None


def valid(**over) -> dict:
    values = {"question": "How many?", "source_platform": "x", "visibility": "public", "link": None,
              "requester_handle": None, "requester_email": None, "received": date(2026, 12, 1), "kind": "foi"}
    values.update(over)
    return values


def test_check_submission_accepts_a_weekend_date_and_lowercases_email():
    sub, errors = check_submission(valid(received=date(2026, 11, 29), requester_email="Jo@Example.COM"),
                                   date(2026, 12, 1))
    assert errors == {} and sub.received == date(2026, 11, 29) and sub.requester_email == "jo@example.com"


def test_check_submission_errors_are_beside_each_field():
    _, errors = check_submission(valid(question="  ", source_platform="myspace", visibility=None,
                                       link="ftp://x", requester_email="a@b", received=None, kind="other"),
                                 date(2026, 12, 1))
    assert set(errors) == {"question", "source_platform", "visibility", "link", "requester_email", "received",
                           "kind"}


# --- replies -----------------------------------------------------------------------------------------------------

@dataclass
class FakeCase:
    requester_email: str | None = None
    visibility: str = "public"


def test_replies_follow_8_1_and_fit_on_x():
    full, short = customer_replies(FakeCase(), "foi@example.gov.uk")
    assert full.startswith("Thank you for your request. Our Freedom of Information Team will be in contact")
    assert "foi@example.gov.uk" in full and "lnformation" not in full      # the policy text's typo is not copied
    assert short == ("Thanks for the request. Please DM us your email and we will pass that on to the FOI team "
                     "who will be in contact shortly.")
    for case in (FakeCase(), FakeCase("jo@example.com"), FakeCase(visibility="private")):
        assert len(customer_replies(case, "foi@example.gov.uk")[1]) <= X_LIMIT
    assert "at the email address you gave us" in customer_replies(FakeCase("jo@example.com"), None)[0]


# --- retention arithmetic, pacing ------------------------------------------------------------------------------

def test_months_before():
    assert months_before(date(2027, 12, 1), 12) == date(2026, 12, 1)
    assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert months_before(date(2027, 1, 15), 13) == date(2025, 12, 15)


async def test_pacer_keeps_to_the_rate_and_honours_holds():
    now = [0.0]
    slept = []

    async def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer({"slack": (2.0, 2)}, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(6):
        await pacer.wait("slack")
    assert now[0] == pytest.approx(2.0)          # 2 at once, then 4 more at 2 a second
    pacer.hold("slack", 30)
    await pacer.wait("slack")
    assert now[0] >= 32.0 and pacer.holds == 1


def test_retry_after_is_found_in_a_failure_s_causes():
    class Http429(Exception):
        status = 429
        headers = {"Retry-After": "7"}

    try:
        try:
            raise Http429()
        except Http429 as inner:
            raise RuntimeError("send failed") from inner
    except RuntimeError as outer:
        assert retry_after(outer) == 7.0
    assert retry_after(RuntimeError("no")) is None
