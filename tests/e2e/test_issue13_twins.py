"""Issue 13's first list on the other platform: each of these has its story already tested on one of Slack or Teams
(named in each docstring); here is its twin, over the real HTTP path, so every bullet holds on both."""
from __future__ import annotations

import json
from datetime import date

from tests.conftest import london
from tests.e2e.test_accounts_helpers import (BOOST, TEAMS_COMMS_CHANNEL, only_request, teams_click_card, teams_said,
                                             teams_submit, teams_updates)
from tests.e2e.test_accounts_teams import everyone_says_hello
from tests.e2e.test_check_wording import FOI, HIGHWAYS, SAR
from tests.e2e.test_crisis_support import crisis
from tests.e2e.test_fire_service import DELETE_QUESTION
from tests.e2e.test_foi_teams import submit_data

PHOTO = {"contentType": "image/jpeg", "contentUrl": "http://127.0.0.1:9/crew.jpg", "name": "crew.jpg"}


def _actions(sent) -> list[dict]:
    return [a for att in sent.activity.get("attachments") or [] for el in att["content"].get("body", [])
            if el.get("type") == "ActionSet" for a in el["actions"]]


def _last(bot, user: str):
    return bot.teams.in_conversation(f"a:personal-{user}")[-1]


# --- wrong rules for the profile (Slack: tests/e2e/test_check_wording.py) ------------------------------------------

async def test_teams_a_highways_alert_gets_the_councils_rule_not_the_fire_services(bot):
    await bot.teams_say(f"check {HIGHWAYS}", user="29:staff")
    said = bot.teams_to("29:staff")
    assert "(3.4)" in said
    assert "8.2 2.5" not in said and "crews attended" not in said.lower()


async def test_teams_subject_access_gets_one_calendar_month(bot):
    await bot.teams_say(f"check {SAR}", user="29:staff")
    said = bot.teams_to("29:staff")
    assert "one calendar month to answer (8.1)" in said
    assert "20 working days to answer" not in said and "20-working-day clock" not in said


async def test_slack_foi_gets_twenty_working_days_and_the_slack_command(bot):
    await bot.slack_command("/smpolicy", f"check {FOI}", user="USTAFF")
    said = bot.slack.responses()[-1].text()
    assert "Freedom of Information request: the council has 20 working days to answer (8.1)" in said
    assert "(/smpolicy foi)" in said


# --- Members' guidance (Slack: tests/e2e/test_check_wording.py::test_councillor_checking_as_personal_is_offered_mg_3_1)

async def test_teams_councillor_checking_as_personal_is_offered_mg_3_1(bot):
    await bot.teams_say("check --as personal Lovely evening at the Northgate ward fun day", user="29:cllr")
    said = _last(bot, "29:cllr").text()
    assert "views are your own" in said and "council's logo" in said and "(MG 3.1)" in said
    await bot.teams_say("check --as personal Lovely evening at the Northgate fun day", user="29:staff")
    assert "MG 3.1" not in _last(bot, "29:staff").text()     # not a councillor


# --- fire service (Slack: tests/e2e/test_fire_service.py) ------------------------------------------------------------

async def test_teams_the_fire_services_photo_checklist_makes_permission_a_requirement(bot):
    await bot.teams_say("check Crews at work at Ipswich East today", user="29:fire", attachments=[PHOTO])
    button = next(a for a in _actions(_last(bot, "29:fire")) if a["title"] == "Show the posting checklist")
    await bot.teams_click(button["data"], user="29:fire")
    fire = _last(bot, "29:fire").text()
    assert "permission must be obtained before photographing or filming anyone (8.2 4.3)" in fire
    assert "taken only after the officer in charge has given permission (8.2 4.2)" in fire
    assert "good practice" not in fire
    await bot.teams_say("check Our library at work today", user="29:staff", attachments=[PHOTO])
    button = next(a for a in _actions(_last(bot, "29:staff")) if a["title"] == "Show the posting checklist")
    await bot.teams_click(button["data"], user="29:staff")
    council = _last(bot, "29:staff").text()
    assert "(2.9)" in council and "8.2" not in council


async def test_teams_a_fire_moderator_asking_about_deleting_a_public_post_gets_8_2_5_3(bot):
    await bot.teams_say(f"ask {DELETE_QUESTION}", user="29:fire")
    answer = _last(bot, "29:fire").text()
    assert "When a post from the public may be deleted (8.2 5.3)" in answer
    assert "explain the reason for deleting it to the poster on the thread" in answer
    await bot.teams_say(f"ask {DELETE_QUESTION}", user="29:staff")
    assert "When a post from the public may be deleted" not in _last(bot, "29:staff").text()


async def test_teams_council_leavers_are_not_sent_to_the_sfrs_administrator(bot):
    await bot.teams_say("help", user="29:sfrsadmin")       # the bot can reach them in Teams
    bot.teams.clear()
    await bot.teams_say("leaver other@example.gov.uk", user="29:comms")
    assert "Oz Other" in bot.teams_to("29:comms")
    assert bot.teams.in_conversation("a:personal-29:sfrsadmin") == []
    assert "leaver" not in bot.slack.said_to("USFRSADMIN")


# --- 8.1 daily DM (Slack: tests/e2e/test_foi_slack.py::test_daily_dm_names_every_open_case_soonest_first) ---------

async def _teams_forward(bot, question: str, received: date, kind: str = "foi") -> None:
    await bot.teams_say("foi", user="29:staff")
    form = _last(bot, "29:staff").activity["attachments"][0]["content"]
    await bot.teams_click(submit_data(form, question=question, source_platform="facebook", visibility="public",
                                      received=received.isoformat(), kind=kind, owner="staff@example.gov.uk"),
                          user="29:staff")


async def test_teams_daily_dm_names_every_open_case_soonest_first(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await _teams_forward(bot, "How much did the council spend on agency staff in 2025?", date(2026, 12, 1))
    await _teams_forward(bot, "How many potholes were filled in 2025?", date(2026, 11, 20))
    await _teams_forward(bot, "Please send me the records you hold about me.", date(2026, 12, 1), kind="sar")
    bot.teams.clear()
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    (digest,) = bot.teams.in_conversation("a:personal-29:staff")
    text = digest.text()
    assert text.index("FOI-2026-0002") < text.index("FOI-2026-0001") < text.index("FOI-2026-0003"), text
    assert "Also open" not in text and "subject access one calendar month" in text
    dones = [a["data"]["value"] for a in _actions(digest) if a["data"].get("action_id") == "foi.done"]
    assert dones == ["FOI-2026-0002", "FOI-2026-0001", "FOI-2026-0003"]


# --- smaller wrongs (Slack: test_crisis_wording.py, test_pause_slack.py, test_crisis_register_signoff.py) ----------

async def test_teams_crisis_status_late_in_the_day_gives_the_next_mornings_checkin(bot):
    bot.clock.set(london(2026, 12, 1, 16, 0))          # Tuesday 16:00: the next is due at 18:00, out of hours
    await bot.teams_say("help", user="29:comms")
    await bot.teams_say("crisis start highways Angry residents", user="29:staff")
    c = await crisis(bot)
    await bot.teams_say("crisis status", user="29:comms", conversation=c.room_id, conversation_type="channel")
    said = bot.teams_to("29:comms")
    assert "Next check-in:** Wed 2 Dec 2026, 09:00" in said, said
    assert "18:00" not in said


async def test_teams_pause_refusal_names_whom_to_tell(bot):
    await bot.teams_say("pause start 3 the death of a former leader", user="29:staff")
    said = bot.teams_to("29:staff")
    assert "please tell the Communications Team (Cam Comms or Cat Comms)" in said, said
    assert "tell them." not in said


async def test_teams_no_signoff_is_offered_during_a_mourning_pause(bot):
    await bot.teams_say("pause start 10 Death of a senior member of the Royal Family", user="29:comms")
    await bot.teams_say("check We are closing Hadleigh library next month because of budget cuts", user="29:staff")
    titles = [a["title"] for a in _actions(_last(bot, "29:staff"))]
    assert "Ask for sign-off" not in titles and "Show the posting checklist" in titles
    assert "Ask for sign-off" not in json.dumps(_last(bot, "29:staff").activity)


async def test_teams_boost_progress_says_what_comes_next_and_shows_the_budget_code_plainly(bot):
    """Slack: tests/e2e/test_boost_slack.py::test_budget_holder_then_comms_then_arranged."""
    await everyone_says_hello(bot)
    await bot.teams_say("boost", user="29:staff")
    await teams_submit(bot, "29:staff", {**BOOST, "budget_holder": "budget@example.gov.uk"})
    req = await only_request(bot, "boost")
    await teams_click_card(bot, req, "approve", "29:budget")
    await teams_submit(bot, "29:budget", {"budget_code": "HW-4411"})
    card = await teams_click_card(bot, req, "approve", "29:comms", TEAMS_COMMS_CHANNEL)
    told = teams_said(bot, "a:personal-29:staff").split("\n")[-1]
    assert "Next step: boost arranged, also by the Communications Team (2.7)" in told, told
    assert "now with the Communications Team" not in told
    await teams_click_card(bot, req, "approve", "29:comms2", TEAMS_COMMS_CHANNEL)
    final = teams_updates(bot, TEAMS_COMMS_CHANNEL, card.message_id)[-1].text()
    assert "(budget code HW-4411)" in final and "budget_code" not in final
