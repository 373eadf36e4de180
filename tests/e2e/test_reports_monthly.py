"""The monthly summary to the Communications Team: first working day, once a month, robust to missing data."""
from __future__ import annotations

from dialogs.check.flow import run_check
from storage.events import record_event
from tests.conftest import london

from .test_accounts_helpers import TEAMS_COMMS_CHANNEL, approved_account


def summaries(bot) -> list:
    return [c for c in bot.slack.to("CCOMMS") if "Monthly summary" in c.text()]


async def _event(bot, at, kind, subject, action, **details):
    async with bot.svc.db.transaction() as s:
        await record_event(s, at=at, actor="someone@example.gov.uk", subject_kind=kind, subject_id=subject,
                           action=action, details=details)


async def _november(bot) -> None:
    """A month of activity: checks, requests, crises and information requests, some started in October."""
    for at, draft in ((london(2026, 11, 3, 10, 0), "Call Dave on 07911 123456 about his bins"),
                      (london(2026, 11, 4, 11, 0), "Join us at the library on Saturday for stories and songs"),
                      (london(2026, 11, 5, 12, 0), "Email jo.bloggs@gmail.com or ring 07700 900123")):
        bot.clock.set(at)
        await run_check(bot.svc, text=draft, actor="staff@example.gov.uk", platform="slack")
    bot.clock.set(london(2026, 11, 10, 9, 0))
    await approved_account(bot)                                 # the accounts workflow's own events
    # Boosts: one asked in October and arranged in November, one turned down, one still waiting.
    await _event(bot, london(2026, 10, 28, 9, 0), "boost_request", 7, "submitted")
    await _event(bot, london(2026, 11, 2, 9, 0), "boost_request", 7, "step_approved")
    await _event(bot, london(2026, 11, 4, 9, 0), "boost_request", 7, "arranged")
    await _event(bot, london(2026, 11, 12, 9, 0), "boost_request", 8, "submitted")
    await _event(bot, london(2026, 11, 12, 15, 0), "boost_request", 8, "rejected")
    await _event(bot, london(2026, 11, 20, 9, 0), "boost_request", 9, "submitted")
    await _event(bot, london(2026, 11, 13, 9, 0), "signoff", 1, "requested")
    await _event(bot, london(2026, 11, 13, 9, 40), "signoff", 1, "declined")
    # Crises: one started and ended with its review, one still going.
    await _event(bot, london(2026, 11, 14, 9, 0), "crisis", 1, "started")
    await _event(bot, london(2026, 11, 15, 9, 0), "crisis", 1, "ended")
    await _event(bot, london(2026, 11, 20, 9, 0), "crisis", 1, "review_completed")
    await _event(bot, london(2026, 11, 25, 9, 0), "crisis", 2, "started")
    # Information requests: on time, late (after an extension moved nothing), late-recomputed, no due date.
    await _event(bot, london(2026, 11, 2, 9, 0), "foi_case", "FOI-2026-0001", "created", due="2026-11-30")
    await _event(bot, london(2026, 11, 27, 9, 0), "foi_case", "FOI-2026-0001", "closed", outcome="answered")
    await _event(bot, london(2026, 10, 1, 9, 0), "foi_case", "FOI-2026-0002", "created", due="2026-10-29")
    await _event(bot, london(2026, 11, 3, 9, 0), "foi_case", "FOI-2026-0002", "closed", outcome="refused")
    await _event(bot, london(2026, 11, 3, 9, 0), "foi_case", "FOI-2026-0003", "created", due="2026-12-01")
    await _event(bot, london(2026, 11, 4, 9, 0), "foi_case", "FOI-2026-0003", "due_recomputed",
                 **{"from": "2026-12-01", "to": "2026-11-05"})
    await _event(bot, london(2026, 11, 9, 9, 0), "foi_case", "FOI-2026-0003", "closed", outcome="answered")
    await _event(bot, london(2026, 11, 10, 9, 0), "foi", "legacy-1", "closed")                 # nothing known
    await _event(bot, london(2026, 11, 11, 9, 0), "foi_case", "FOI-2026-0004", "created", due="2026-12-10")
    await _event(bot, london(2026, 11, 12, 9, 0), "foi_case", "FOI-2026-0004", "closed", outcome="withdrawn")
    # Data another workflow might write badly: the report must still go out.
    await _event(bot, london(2026, 11, 16, 9, 0), "check", "x", "checked", categories="not a list")
    await _event(bot, london(2026, 11, 16, 9, 0), "foi_case", "FOI-2026-0005", "created", due="soon")


async def test_first_working_day_brings_last_months_summary_once(bot):
    await _november(bot)
    bot.slack.clear()
    await bot.run_sweeps(london(2026, 12, 1, 8, 30))          # before nine: not yet
    assert summaries(bot) == []
    await bot.run_sweeps(london(2026, 12, 1, 9, 0))
    await bot.run_sweeps(london(2026, 12, 1, 15, 0))
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    [posted] = summaries(bot)
    text = posted.text()
    assert "Monthly summary: November 2026" in text
    assert "*Posts checked (“Is this OK to post?”):* 4: stop 2 · OK 1 · no verdict recorded 1" in text
    assert "Most common findings: Personal data 2" in text
    assert "• Account requests (2.5): 1 approved, 0 turned down; decided in under an hour" in text
    assert "• Boosts (2.7): 1 approved, 1 turned down; typically decided in 4 days, longest 7 days" in text
    assert "• Sign-offs (4.2): 0 approved, 1 turned down; decided in under an hour\n" in text
    assert "Still waiting for a decision at the end of the month: 1 boost." in text
    assert "*Crises (4.3):* 2 started, 1 ended, 1 post-crisis review completed; 1 still active" in text
    assert ("*Information requests (8.1):* 4 new; 4 answered, 1 on time and 2 late (1 without a recorded due "
            "date); 1 closed without needing an answer.") in text
    assert "`/smpolicy audit export 2026-11-01 2026-11-30` (6.2)" in text


async def test_a_month_starting_on_a_holiday_waits_for_the_first_working_day(bot):
    await _event(bot, london(2026, 12, 10, 9, 0), "check", "a", "checked", categories=["children"])
    await bot.run_sweeps(london(2027, 1, 1, 9, 0))             # New Year's Day
    await bot.run_sweeps(london(2027, 1, 4, 9, 0))             # Scotland's 2 January holiday, moved
    assert summaries(bot) == []
    await bot.run_sweeps(london(2027, 1, 5, 9, 0))
    [posted] = summaries(bot)
    assert "Monthly summary: December 2026" in posted.text()
    assert "Children 1" in posted.text()


async def test_a_quiet_month_still_gets_a_short_summary_but_a_new_installation_does_not(bot):
    await bot.run_sweeps(london(2026, 12, 1, 9, 0))
    assert summaries(bot) == []                                 # nothing was ever recorded before December
    await _event(bot, london(2026, 12, 10, 9, 0), "pause", 1, "started", days=10, reason="national mourning")
    await bot.run_sweeps(london(2027, 2, 1, 9, 0))              # January: nothing happened
    [posted] = summaries(bot)
    text = posted.text()
    assert "Monthly summary: January 2027" in text
    assert "*Posts checked:* none this month." in text and "*Requests decided:* none this month." in text
    assert "0 started, 0 ended" in text and "*Information requests (8.1):* 0 new; 0 answered." in text


async def test_comms_can_see_any_months_summary_and_staff_cannot(bot):
    await _november(bot)
    bot.clock.set(london(2026, 12, 8, 10, 0))
    await bot.slack_command("/smpolicy", "summary 2026-11", user="UCOMMS")
    assert "Monthly summary: November 2026" in bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", "summary", user="UCOMMS")
    assert "Monthly summary: November 2026" in bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", "summary November", user="UCOMMS")
    assert "isn't a month I can read; write it as YYYY-MM" in bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", "summary 2026-11", user="USTAFF")
    assert "The monthly summary is for the Communications Team" in bot.slack.responses()[-1].text()


async def test_teams_channel_gets_the_summary_too(bot):
    await bot.teams_say("help", user="29:comms", conversation=TEAMS_COMMS_CHANNEL, conversation_type="channel")
    await _event(bot, london(2026, 11, 16, 9, 0), "check", "x", "checked", categories=["children"])
    await bot.run_sweeps(london(2026, 12, 1, 9, 0))
    sent = [s for s in bot.teams.in_conversation(TEAMS_COMMS_CHANNEL) if "Monthly summary" in s.text()]
    assert len(sent) == 1
    assert "**audit export 2026-11-01 2026-11-30**" in sent[0].text() and "/smpolicy" not in sent[0].text()
    assert len(summaries(bot)) == 1
