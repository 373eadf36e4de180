"""Account requests, boosts and leavers in Microsoft Teams over the real HTTP path (Bot Connector stand-in)."""
from __future__ import annotations

from tests.conftest import london

from .test_accounts_helpers import (BOOST, TEAMS_COMMS_CHANNEL, cards, events, only_request, teams_click_card,
                                    teams_hello, teams_join_comms_channel, teams_said, teams_submit, teams_updates)

CHANNEL = TEAMS_COMMS_CHANNEL
ACCOUNT = {
    "platform": "facebook", "account_name": "Suffolk Highways", "service_area": "Highways", "kind": "service",
    "run_by": "council", "business_case": "Roadworks updates reach people faster than the website.",
    "strategy": "Supports the channel strategy.", "audience": "Drivers in Suffolk.",
    "administrators": "staff@example.gov.uk, other@example.gov.uk", "hours": "5",
    "monitored": "Monday to Friday, 9am to 5pm", "manager": "manager@example.gov.uk",
}


async def everyone_says_hello(bot):
    await teams_hello(bot, "29:staff", "29:manager", "29:comms", "29:comms2", "29:head", "29:other", "29:budget")
    await teams_join_comms_channel(bot)


async def teams_request(bot, **changes):
    await bot.teams_say("request-account", user="29:staff")
    await teams_submit(bot, "29:staff", {**ACCOUNT, **changes})


async def past_the_manager(bot):
    await teams_request(bot)
    req = await only_request(bot)
    await teams_click_card(bot, req, "approve", "29:manager")
    return req


async def test_approval_in_teams_updates_every_card_in_place(bot):
    await everyone_says_hello(bot)
    await teams_request(bot)
    req = await only_request(bot)
    assert "AR-1" in teams_said(bot, "a:personal-29:staff")
    assert "Confirm authorisation" in teams_said(bot, "a:personal-29:manager")
    manager_card = await teams_click_card(bot, req, "approve", "29:manager")
    assert "authorised by Mo Manager at 10:00 on Tuesday 1 December 2026" in \
        teams_updates(bot, "a:personal-29:manager", manager_card.message_id)[-1].text()
    assert "Account request AR-1: Facebook – Suffolk Highways" in teams_said(bot, CHANNEL)
    bot.clock.advance(minutes=20)
    comms_card = await teams_click_card(bot, req, "approve", "29:comms", CHANNEL)
    assert "Approved** by Cam Comms at 10:20 on Tuesday 1 December 2026" in \
        teams_updates(bot, CHANNEL, comms_card.message_id)[-1].text()
    staff = teams_said(bot, "a:personal-29:staff")
    assert "was approved by Cam Comms" in staff and "Two-factor authentication turned on (5.6)" in staff
    # The Slack copy of the same card was updated too.
    slack_card = (await cards(bot, req.id, platform="slack", channel="CCOMMS"))[-1]
    assert any(c.args.get("ts") == slack_card.message_id for c in bot.slack.of("chat.update"))


async def test_errors_are_shown_on_the_redrawn_form(bot):
    await everyone_says_hello(bot)
    await teams_request(bot, business_case="", account_name="Jo Smith", administrators="")
    said = teams_said(bot, "a:personal-29:staff")
    assert "Tell us the business case" in said and "not a person" in said and "at least one administrator" in said
    assert "Request a new account" in said   # the form came back
    assert (await events(bot, "account_request")) == []


async def test_rejection_in_teams(bot):
    await everyone_says_hello(bot)
    req = await past_the_manager(bot)
    card = await teams_click_card(bot, req, "reject", "29:comms", CHANNEL)
    # The form a channel's button opens is filled in privately, in the clicker's personal chat (issue 14).
    await teams_submit(bot, "29:comms", {"reason": "Please use the main council page."})
    assert (await only_request(bot)).state == "rejected"
    assert "Rejected** by Cam Comms" in teams_updates(bot, CHANNEL, card.message_id)[-1].text()
    assert "Please use the main council page." in teams_said(bot, "a:personal-29:staff")


async def test_more_information_loop_in_teams(bot):
    await everyone_says_hello(bot)
    req = await past_the_manager(bot)
    await teams_click_card(bot, req, "ask", "29:comms", CHANNEL)
    await teams_submit(bot, "29:comms", {"question": "Who covers it on Fridays?"})
    assert "Who covers it on Fridays?" in teams_said(bot, "a:personal-29:staff")
    await bot.teams_click({"action_id": "approval.answer", "value": str(req.id)}, user="29:staff")
    await teams_submit(bot, "29:staff", {"answer": "Oz Other does."})
    req = await only_request(bot)
    assert req.state == "pending" and req.thread[0]["a"] == "Oz Other does."
    newest = (await cards(bot, req.id, platform="teams", channel=CHANNEL))[-1]
    assert "Oz Other does." in [s for s in bot.teams.in_conversation(CHANNEL) if s.method == "send"][-1].text()
    await teams_click_card(bot, req, "approve", "29:comms2", CHANNEL)
    assert (await only_request(bot)).state == "approved"
    assert newest.step == 1


async def test_unauthorised_and_double_clicks_in_teams(bot):
    await everyone_says_hello(bot)
    req = await past_the_manager(bot)
    await teams_click_card(bot, req, "approve", "29:other", CHANNEL)
    # Told privately: what is about their own click is not for the whole channel.
    assert "Only the Communications Team can decide this step (2.5)" in teams_said(bot, "a:personal-29:other")
    await teams_click_card(bot, req, "approve", "29:comms", CHANNEL)
    await teams_click_card(bot, req, "approve", "29:comms2", CHANNEL)
    assert "Cam Comms already approved this at 10:00 on Tuesday 1 December 2026" in \
        teams_said(bot, "a:personal-29:comms2")
    assert len(await events(bot, "account_request", "approved")) == 1


async def test_a_retried_teams_delivery_is_applied_once(bot):
    await everyone_says_hello(bot)
    await teams_request(bot)
    req = await only_request(bot)
    card = (await cards(bot, req.id, platform="teams", channel="a:personal-29:manager"))[-1]
    activity = bot.teams_activity("29:manager", value={"action_id": "approval.approve", "value": f"{req.id}:0"},
                                  replyToId=card.message_id)
    await bot.teams_post(activity)
    await bot.teams_post(activity)   # the connector delivers the same activity again
    assert len(await events(bot, "account_request", "step_approved")) == 1
    assert "already" not in teams_said(bot, "a:personal-29:manager")


async def test_restart_in_the_middle_in_teams(bot):
    await everyone_says_hello(bot)
    req = await past_the_manager(bot)
    await bot.restart()
    card = await teams_click_card(bot, req, "approve", "29:comms", CHANNEL)
    assert "Approved** by Cam Comms" in teams_updates(bot, CHANNEL, card.message_id)[-1].text()
    await bot.teams_say("status", user="29:staff")
    assert "approved by Cam Comms" in teams_said(bot, "a:personal-29:staff")


async def test_boost_in_teams(bot):
    await everyone_says_hello(bot)
    await bot.teams_say("boost", user="29:staff")
    await teams_submit(bot, "29:staff", {**BOOST, "budget_holder": "budget@example.gov.uk"})
    req = await only_request(bot, "boost")
    await teams_click_card(bot, req, "approve", "29:budget")
    await teams_submit(bot, "29:budget", {"budget_code": "HW-4411"})
    card = await teams_click_card(bot, req, "approve", "29:comms", CHANNEL)
    assert "Mark as arranged" in teams_updates(bot, CHANNEL, card.message_id)[-1].text()
    await teams_click_card(bot, req, "approve", "29:comms2", CHANNEL)
    assert (await only_request(bot, "boost")).state == "arranged"
    assert "was arranged by Cat Comms" in teams_said(bot, "a:personal-29:staff")


async def test_leaver_in_teams_by_email(bot):
    await everyone_says_hello(bot)
    req = await past_the_manager(bot)
    await teams_click_card(bot, req, "approve", "29:comms", CHANNEL)
    await bot.teams_say("leaver", user="29:comms")
    assert "leaver name@example.gov.uk" in teams_said(bot, "a:personal-29:comms")
    await bot.teams_say("leaver other@example.gov.uk", user="29:comms")
    assert "taken Oz Other off" in teams_said(bot, "a:personal-29:comms")
    assert "Change the password" in teams_said(bot, "a:personal-29:staff")
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    assert "Reminder: this is still to do" in teams_said(bot, "a:personal-29:staff")
