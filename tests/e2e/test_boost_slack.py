"""Boosts in Slack (2.7): budget holder confirms the code, the Communications Team approves and arranges."""
from __future__ import annotations

import asyncio
from datetime import date

import pytest

from handlers.approvals import chase_approvals
from tests.conftest import london

from .test_accounts_helpers import (BOOST, cards, ephemeral_to, events, only_request, requests, second_services,
                                    slack_click_card, slack_request_boost, updates_to)

PAUSE = "the national mourning period for a senior royal (Operation Menai Bridge)"


@pytest.fixture
def mourning(bot, monkeypatch):
    async def pause(svc, account):
        return {"pause_reason": PAUSE}

    monkeypatch.setattr(bot.svc.registry, "posting_state", [pause])


async def budget_approves(bot, req, code: str | None = None):
    await slack_click_card(bot, req, "approve", "UBUDGET", "DBUDGET")
    view = bot.last_view()
    assert view["callback_id"] == "approval_confirm"
    return await bot.slack_submit({"budget_code": code or req.details["budget_code"]}, user="UBUDGET")


async def test_form_asks_for_everything_the_policy_needs(bot):
    await bot.slack_command("/smpolicy", "boost", user="USTAFF")
    view = bot.last_view()
    ids = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert ids == ["link", "aim", "locations", "interests", "start", "end", "amount", "budget_holder", "budget_code"]
    assert "(2.7)" in bot.slack.of("views.open")[-1].text()


async def test_errors_beside_each_field(bot):
    ack = await slack_request_boost(bot, link="facebook post", aim=None, start=date(2026, 11, 30),
                                    end=date(2026, 11, 29), amount="lots", budget_holder="USTAFF", budget_code=None)
    errors = ack["errors"]
    assert "https://" in errors["link"]
    assert "(2.7)" in errors["aim"]
    assert "past" in errors["start"]
    assert "on or after the first day" in errors["end"]
    assert "pounds" in errors["amount"]
    assert "nobody approves their own request" in errors["budget_holder"]
    assert "budget code" in errors["budget_code"]
    ack = await slack_request_boost(bot, budget_holder="UOTHER")
    assert "isn't listed as a budget holder" in ack["errors"]["budget_holder"]
    assert await requests(bot) == []


async def test_budget_holder_then_comms_then_arranged(bot):
    assert await slack_request_boost(bot) == {}
    req = await only_request(bot, "boost")
    assert "BR-1" in ephemeral_to(bot, "USTAFF")
    assert "Approve and confirm code" in bot.slack.said_to("UBUDGET")
    assert await budget_approves(bot, req, "HW-4412") == {}   # corrected on confirming
    req = await only_request(bot, "boost")
    assert req.step == 1 and req.details["budget_code"] == "HW-4412"
    assert "now with the Communications Team" in bot.slack.said_to("USTAFF")
    card = (await cards(bot, req.id, channel="CCOMMS"))[-1]
    assert "Budget code*\nHW-4412" in bot.slack.to("CCOMMS")[-1].text()
    bot.clock.advance(minutes=10)
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    # The requester is told what comes next, not that it is "now with" the team that just approved it.
    told = bot.slack.said_to("USTAFF").split("\n")[-1]
    assert "Next step: boost arranged, also by the Communications Team (2.7)" in told, told
    assert "now with the Communications Team" not in told
    # The same people decide next, so the same card now offers "Mark as arranged".
    assert len(bot.slack.to("CCOMMS")) == 1
    assert "Mark as arranged" in updates_to(bot, "CCOMMS", card.message_id)[-1].text()
    bot.clock.advance(hours=2)
    await slack_click_card(bot, req, "approve", "UCOMMS2", "CCOMMS")
    assert (await only_request(bot, "boost")).state == "arranged"
    final = updates_to(bot, "CCOMMS", card.message_id)[-1].text()
    assert "Arranged* by Cat Comms at 12:10 on Tuesday 1 December 2026" in final
    assert "approved by Cam Comms at 10:10" in final and "(budget code HW-4412)" in final
    assert "budget_code" not in final
    told = bot.slack.said_to("USTAFF")
    assert "was arranged by Cat Comms at 12:10 on Tuesday 1 December 2026" in told and "HW-4412" in told
    assert "The boost you approved" in bot.slack.said_to("UBUDGET")
    assert [e.action for e in await events(bot, "boost_request")] == ["submitted", "step_approved", "step_approved",
                                                                       "arranged"]
    assert (await events(bot, "boost_request"))[1].details["confirmed"] == "HW-4412"


async def test_the_same_post_is_not_filed_twice_while_waiting(bot):
    await slack_request_boost(bot)
    ack = await slack_request_boost(bot)
    assert "You already asked for this post to be boosted (BR-1)" in ack["errors"]["link"]
    assert len(await requests(bot, "boost")) == 1


async def test_rejection_at_either_step_needs_a_reason(bot):
    await slack_request_boost(bot)
    req = await only_request(bot, "boost")
    await slack_click_card(bot, req, "reject", "UBUDGET", "DBUDGET")
    await bot.slack_submit({"reason": "No budget left this quarter."}, user="UBUDGET")
    assert (await only_request(bot, "boost")).state == "rejected"
    assert "No budget left this quarter." in bot.slack.said_to("USTAFF")
    await slack_request_boost(bot, link="https://www.facebook.com/suffolkhighways/posts/456")
    second = (await requests(bot, "boost"))[-1]
    await budget_approves(bot, second)
    await slack_click_card(bot, second, "reject", "UCOMMS", "CCOMMS")
    await bot.slack_submit({"reason": "This post doesn't fit the winter campaign."}, user="UCOMMS")
    assert (await requests(bot, "boost"))[-1].state == "rejected"
    assert "doesn't fit the winter campaign" in bot.slack.said_to("USTAFF")


async def test_only_the_named_budget_holder_may_approve_and_only_once(bot):
    await slack_request_boost(bot)
    req = await only_request(bot, "boost")
    await slack_click_card(bot, req, "approve", "UCOMMS", "DBUDGET")
    assert "Only Bea Budget (the budget holder) can decide this step (2.7)" in ephemeral_to(bot, "UCOMMS")
    await slack_click_card(bot, req, "approve", "UBUDGET", "DBUDGET")
    first_form = bot.last_view()
    await slack_click_card(bot, req, "approve", "UBUDGET", "DBUDGET")   # a second confirm form, then both sent
    await bot.slack_submit({"budget_code": "HW-4411"}, user="UBUDGET", view=first_form)
    await bot.slack_submit({"budget_code": "HW-4411"}, user="UBUDGET")
    assert "You already approved this at 10:00 on Tuesday 1 December 2026" in ephemeral_to(bot, "UBUDGET")
    assert len(await events(bot, "boost_request", "step_approved")) == 1


async def test_refused_during_a_mourning_pause(bot, mourning):
    await bot.slack_command("/smpolicy", "boost", user="USTAFF")
    said = ephemeral_to(bot, "USTAFF")
    assert "Boosts are on hold" in said and PAUSE in said and "(4.4)" in said
    assert not bot.slack.of("views.open")


async def test_a_pause_stops_the_communications_team_approving(bot, monkeypatch):
    await slack_request_boost(bot)
    req = await only_request(bot, "boost")
    await budget_approves(bot, req)

    async def pause(svc, account):
        return {"pause_reason": PAUSE}

    monkeypatch.setattr(bot.svc.registry, "posting_state", [pause])
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    assert "Boosts are on hold" in ephemeral_to(bot, "UCOMMS")
    assert (await only_request(bot, "boost")).step == 1


async def test_a_form_submitted_as_a_pause_begins_is_refused(bot, monkeypatch):
    await bot.slack_command("/smpolicy", "boost", user="USTAFF")

    async def pause(svc, account):
        return {"pause_reason": PAUSE}

    monkeypatch.setattr(bot.svc.registry, "posting_state", [pause])
    await bot.slack_submit(BOOST)
    assert "Boosts are on hold" in ephemeral_to(bot, "USTAFF")
    assert await requests(bot) == []


async def test_restart_in_the_middle_loses_nothing(bot):
    await slack_request_boost(bot)
    req = await only_request(bot, "boost")
    await slack_click_card(bot, req, "approve", "UBUDGET", "DBUDGET")
    await bot.restart()
    await bot.slack_submit({"budget_code": "HW-4411"}, user="UBUDGET")
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    await bot.restart()
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    assert (await only_request(bot, "boost")).state == "arranged"


async def test_budget_holder_chased_once_a_day_with_two_processes(bot):
    other = second_services(bot)
    try:
        await slack_request_boost(bot)
        for day in (3, 3, 4):
            at = london(2026, 12, day, 9, 30)
            bot.clock.set(at)
            await asyncio.gather(chase_approvals(bot.svc, at), chase_approvals(other, at))
        reminders = [c for c in bot.slack.to("UBUDGET") if "Reminder" in c.text()]
        assert len(reminders) == 2
    finally:
        await other.db.close()
