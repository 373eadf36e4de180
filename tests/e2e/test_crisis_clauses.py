"""4.3's clauses that no other crisis test reads (docs/POLICY_COVERAGE.md), over the real HTTP path: the STOP
message says not to delete posts or close the account; the response checklist asks the group to plan for follow-up
questions and to brief political stakeholders in case they are door-stepped; the listening response is the policy's
own example."""
from __future__ import annotations

from tests.e2e.test_crisis_support import LISTENING, crisis, teams_sent

START = "start highways Residents are furious about our post saying the A12 is shut when it is not"


async def test_slack_stop_says_not_to_delete_or_close_and_the_checklist_plans_ahead(bot):
    await bot.slack_command("/crisis", START, user="USTAFF")
    c = await crisis(bot)
    stop = bot.slack.said_to("ULEAD")
    assert "STOP posting on Test Highways" in stop and LISTENING in stop
    assert "Don't post, reply, delete anything or close the account" in stop and "(§4.3)" in stop
    room = bot.slack.said_to(c.room_id)
    assert "Plan ahead: what follow-up questions might come" in room and "publish FAQs" in room
    assert "political ones too, in case they are door-stepped" in room
    assert "If we are sorry, have we said we are sorry?" in room and "No spin" in room


async def test_teams_the_checklist_plans_ahead_and_briefs_political_stakeholders(bot):
    for user in ("29:comms", "29:manager"):
        await bot.teams_say("help", user=user)      # how the bot learns their Teams ids
    await bot.teams_say(f"crisis {START}", user="29:staff")
    c = await crisis(bot)
    thread = "\n".join(s.text() for s in teams_sent(bot, c.room_id))
    assert "Plan ahead: what follow-up questions might come" in thread
    assert "political ones too, in case they are door-stepped" in thread
