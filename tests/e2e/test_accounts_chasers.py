"""Chasers: once per item per day (or week), even with two bot processes sweeping the same database at once."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from dialogs.accounts import flow as accounts
from handlers.approvals import chase_approvals
from storage.models.accounts import SocialAccount
from tests.conftest import london

from .test_accounts_helpers import (cards, events, only_request, second_services, slack_click_card,
                                    slack_request_account, updates_to)


def sent(bot, channel: str, words: str) -> int:
    return sum(1 for c in bot.slack.to(channel) if words in c.text())


async def both_sweep(bot, other, fn, at):
    """Two processes run the same sweep at the same moment."""
    bot.clock.set(at)
    await asyncio.gather(fn(bot.svc, at), fn(other, at))


async def test_waiting_step_is_chased_after_two_working_days_once_a_day_then_escalated(bot):
    other = second_services(bot)
    try:
        await slack_request_account(bot)
        req = await only_request(bot)
        await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")   # Tue 1 Dec: now with comms
        await both_sweep(bot, other, chase_approvals, london(2026, 12, 2, 9, 30))
        assert sent(bot, "CCOMMS", "Reminder") == 0                            # one working day
        await both_sweep(bot, other, chase_approvals, london(2026, 12, 3, 9, 30))
        assert sent(bot, "CCOMMS", "waited 2 working days") == 1
        await both_sweep(bot, other, chase_approvals, london(2026, 12, 3, 15, 0))
        await bot.run_sweeps(london(2026, 12, 3, 16, 0))
        assert sent(bot, "CCOMMS", "Reminder") == 1                            # still once that day
        await both_sweep(bot, other, chase_approvals, london(2026, 12, 5, 9, 30))  # Saturday
        assert sent(bot, "CCOMMS", "Reminder") == 1
        await both_sweep(bot, other, chase_approvals, london(2026, 12, 7, 9, 30))
        assert sent(bot, "CCOMMS", "waited 4 working days") == 1
        assert sent(bot, "UHEAD", "Escalated") == 0
        await both_sweep(bot, other, chase_approvals, london(2026, 12, 8, 9, 30))
        assert sent(bot, "UHEAD", "waited 5 working days for the Communications Team (2.5)") == 1
        assert sent(bot, "UHEAD", "you can decide it here") == 1
        assert len(await events(bot, "account_request", "chased")) == 3   # Thu 3, Mon 7, Tue 8
        assert len(await events(bot, "account_request", "escalated")) == 1
    finally:
        await other.db.close()
    # The head of communications decides from the escalation; every copy of the card is updated.
    head = (await cards(bot, req.id, channel="DHEAD", audience="escalation"))[-1]
    await bot.slack_click("approval.approve", value=f"{req.id}:1", user="UHEAD", channel="DHEAD",
                          message_ts=head.message_id)
    assert (await only_request(bot)).state == "approved"
    for card in await cards(bot, req.id, channel="CCOMMS"):
        assert "Approved* by Hal Head at 09:30 on Tuesday 8 December 2026" in \
            updates_to(bot, "CCOMMS", card.message_id)[-1].text()
    bot.slack.clear()
    await bot.run_sweeps(london(2026, 12, 9, 9, 30))
    assert sent(bot, "CCOMMS", "Reminder") == 0


async def test_a_step_that_arrives_after_hours_starts_waiting_the_next_working_day(bot):
    """Issue 13: a step that reached the team at 19:23 on a Tuesday was chased on Thursday as having "waited 2
    working days"; it has waited one (Wednesday)."""
    bot.clock.set(london(2026, 12, 1, 19, 23))
    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")     # Tue 19:23: now with comms
    await chase_approvals(bot.svc, london(2026, 12, 3, 9, 30))             # Thursday
    assert sent(bot, "CCOMMS", "Reminder") == 0
    await chase_approvals(bot.svc, london(2026, 12, 4, 9, 30))             # Friday: Wednesday and Thursday
    assert sent(bot, "CCOMMS", "waited 2 working days") == 1


async def test_manager_is_chased_in_their_dm_and_the_head_is_told_to_chase_them(bot):
    other = second_services(bot)
    try:
        await slack_request_account(bot)
        await both_sweep(bot, other, chase_approvals, london(2026, 12, 3, 9, 30))
        assert sent(bot, "UMANAGER", "Reminder") == 1
        await both_sweep(bot, other, chase_approvals, london(2026, 12, 8, 9, 30))
        assert sent(bot, "UMANAGER", "Reminder") == 2                          # Thu 3 and Tue 8 (by the sweeps)
        escalation = [c for c in bot.slack.to("UHEAD") if "Escalated" in c.text()]
        assert len(escalation) == 1
        assert "Please chase Mo Manager (the line manager)" in escalation[0].text()
        assert not any(b["type"] == "actions" for b in escalation[0].args["blocks"])
    finally:
        await other.db.close()


async def test_onboarding_is_chased_weekly_until_done(bot):
    other = second_services(bot)
    try:
        await slack_request_account(bot)
        req = await only_request(bot)
        await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
        await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
        assert sent(bot, "USTAFF", "Onboarding") == 1                          # with the approval, week 49
        await both_sweep(bot, other, accounts.chase_onboarding, london(2026, 12, 2, 9, 0))
        assert sent(bot, "USTAFF", "Onboarding") == 1
        await both_sweep(bot, other, accounts.chase_onboarding, london(2026, 12, 7, 9, 0))
        assert sent(bot, "USTAFF", "Weekly reminder") == 1                     # week 50, once
        await both_sweep(bot, other, accounts.chase_onboarding, london(2026, 12, 8, 9, 0))
        assert sent(bot, "USTAFF", "Weekly reminder") == 1
        async with bot.svc.db.sessions() as s:
            acct = await s.scalar(select(SocialAccount))
        for key in ("platform", "2fa", "training", "bio", "branding"):
            await bot.slack_click("onboarding.done", value=f"{acct.id}:{key}", user="UOTHER", channel="DOTHER")
        await both_sweep(bot, other, accounts.chase_onboarding, london(2026, 12, 14, 9, 0))
        assert sent(bot, "USTAFF", "Weekly reminder") == 1
    finally:
        await other.db.close()
