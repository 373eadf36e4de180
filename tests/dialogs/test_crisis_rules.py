"""Unit tests for the crisis workflow's rules: who is in the group, naming people and crises, the form, hours."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from chat.errors import BadInput
from chat.messages import Buttons, CopyText, PersonRef
from chat.orgconfig import load_config
from dialogs.crisis import messages, people, rules, schedule, start
from dialogs.crisis.convene import first_evening
from dialogs.crisis.rules import slug
from policy.calendar import WorkingCalendar
from tests.support.server import ORG_FILE

LONDON = ZoneInfo("Europe/London")
CONFIG = load_config(ORG_FILE)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_group_follows_the_policy_order_without_duplicates():
    wanted = rules.group_for(CONFIG, "staff@example.gov.uk", ["highways", "parks"])
    assert [(w.email, w.role) for w in wanted] == [
        ("staff@example.gov.uk", "starter"), ("manager@example.gov.uk", "manager"),
        ("lead@example.gov.uk", "service_lead"), ("cllr@example.gov.uk", "cabinet_member"),
        ("owner@example.gov.uk", "service_lead")]
    assert rules.comms_candidates(CONFIG) == ["comms@example.gov.uk", "comms2@example.gov.uk"]


def test_free_text_accounts_add_nobody_but_the_starter_and_manager():
    wanted = rules.group_for(CONFIG, "staff@example.gov.uk", [])
    assert [w.role for w in wanted] == ["starter", "manager"]


async def test_people_are_named_by_email_or_slack_mention():
    from chat.directory import Directory as RealDirectory

    class Directory(RealDirectory):   # the real parsing, with Slack's answer stood in
        def __init__(self):
            pass

        async def resolve(self, ref):
            return PersonRef(ref.platform, ref.user_id, "cat@example.gov.uk" if ref.user_id == "UCAT" else None)

    svc = SimpleNamespace(directory=Directory())
    email, ref = await people.person_in(svc, "slack", "<@UCAT|cat.comms>")
    assert email == "cat@example.gov.uk" and ref.user_id == "UCAT"
    assert (await people.person_in(svc, "slack", "<@UCAT>"))[0] == "cat@example.gov.uk"
    assert (await people.person_in(svc, "teams", "Pat.Smith@Example.gov.uk please"))[0] == "pat.smith@example.gov.uk"
    with pytest.raises(BadInput, match="@mention"):
        await people.person_in(svc, "slack", "@cat")
    with pytest.raises(BadInput, match="email address"):
        await people.person_in(svc, "teams", "Cat")
    with pytest.raises(BadInput, match="couldn't find an email"):
        await people.person_in(svc, "slack", "<@UNOBODY>")


def test_crisis_numbers_in_commands():
    assert rules.split_id("#3 BBC called", bare_ok=False) == (3, "BBC called")
    assert rules.split_id("3", bare_ok=True) == (3, "")
    assert rules.split_id("3 people complained", bare_ok=False) == (None, "3 people complained")
    assert rules.split_id("", bare_ok=True) == (None, "")


def test_accounts_are_matched_by_key_or_name():
    assert start.match_account(CONFIG, "highways").key == "highways"
    assert start.match_account(CONFIG, "Test-Highways").key == "highways"
    assert start.match_account(CONFIG, "potholes") is None
    assert slug("Parks & Gardens Facebook!") == "parks-gardens-facebook"


def test_the_form_asks_the_four_signs_and_the_bad_day_version_lets_you_go_on():
    form = start.start_form(CONFIG)
    ids = [i.id for i in form.inputs]
    assert ids == ["accounts", "other_account", "what", "indicators", "link", "administrators"]
    signs = next(i for i in form.inputs if i.id == "indicators")
    assert [v for v, _ in signs.options] == ["only_topic", "emotive", "legal", "press"]
    bad = start.start_form(CONFIG, accounts=["highways"], summary="x", admins=["a@example.gov.uk"], bad_day=True)
    assert bad.inputs[-1].id == "go_on" and bad.inputs[-1].kind == "checkbox"
    assert "bad day rather than a crisis" in bad.intro[0].text
    assert '"a@example.gov.uk"' in bad.private


def test_listening_response_is_the_policy_text_ready_to_copy():
    c = SimpleNamespace(accounts=[{"key": "highways", "name": "Test Highways"}], platform="slack", id=1)
    msg = messages.listening_message(c)
    copy = next(b for b in msg.blocks if isinstance(b, CopyText))
    assert copy.text == ("Thank you for bringing this to our attention, we are investigating and will respond as "
                         "soon as we are able – we are listening")


def test_checklist_card_has_every_question_and_one_button_each():
    c = SimpleNamespace(id=4, status="active", accounts=[], platform="teams")
    tick = SimpleNamespace(ticked_by_name="Cam Comms", ticked_at=at(2026, 12, 1, 10, 5))
    msg = messages.checklist_card(c, {"sorry": tick}, LONDON)
    buttons = [b.buttons[0] for b in msg.blocks if isinstance(b, Buttons)]
    assert len(buttons) == len(messages.RESPONSE_CHECKLIST) == 11
    assert buttons[-1].action_id == "crisis.untick" and buttons[-1].value == "4:sorry"
    assert buttons[0].action_id == "crisis.tick" and buttons[0].value == "4:format"
    ticked = [b.text for b in msg.blocks if "Ticked by" in getattr(b, "text", "")]
    assert ticked == ["✅ *If we are sorry, have we said we are sorry?*\n_Ticked by Cam Comms, Tue 1 Dec 2026, 10:05_"]


def test_working_hours_and_the_extension():
    svc = SimpleNamespace(config=CONFIG)
    cal = WorkingCalendar()
    crisis = SimpleNamespace(extended_until=None)
    assert schedule.in_working_hours(svc, cal, at(2026, 12, 1, 9, 0), crisis)
    assert not schedule.in_working_hours(svc, cal, at(2026, 12, 1, 17, 0), crisis)
    assert not schedule.in_working_hours(svc, cal, at(2026, 12, 5, 11, 0), crisis)       # Saturday
    assert not schedule.in_working_hours(svc, cal, at(2026, 12, 25, 11, 0), crisis)      # Christmas Day
    crisis.extended_until = at(2026, 12, 2, 9, 0)
    assert schedule.in_working_hours(svc, cal, at(2026, 12, 1, 22, 0), crisis)


def test_the_evening_question_is_asked_at_five_or_straight_away_after_it():
    svc = SimpleNamespace(config=CONFIG)
    assert first_evening(svc, at(2026, 12, 1, 10, 0)) == at(2026, 12, 1, 17, 0)
    late = at(2026, 12, 1, 18, 30)
    assert first_evening(svc, late) == late
