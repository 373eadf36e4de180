"""The policy's yearly review (6.1): the owner is reminded once a year on or after the anniversary of approval."""
from __future__ import annotations

import pytest

from tests.conftest import london, running_bot


@pytest.fixture
async def bot(database_url, clock):
    """The bot with no review recorded (the other tests' bots have a recent one): the pack's date counts."""
    async with running_bot(database_url, clock, review_recorded=None) as harness:
        yield harness


def reminders(bot) -> list:
    return [c for c in bot.slack.to("UOWNER") if "Time to review the Social Media Policy" in c.text()]


async def test_an_overdue_review_is_reminded_once_even_across_restarts(bot):
    # The pack's policy is dated May 2024: its review was due on 1 May 2026, so start-up (1 December) reminds.
    [dm] = reminders(bot)
    assert "last approved on 1 May 2024, so its review was due on 1 May 2026" in dm.text()
    assert "(6.1)" in dm.text() and "`/smpolicy policy-review done`" in dm.text()
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 3, 9, 0))
    assert len(reminders(bot)) == 1


async def test_recording_the_review_moves_next_years_reminder(bot):
    await bot.slack_command("/smpolicy", "policy-review done", user="USTAFF")
    assert "Only the policy owner or the Communications Team" in bot.slack.responses()[-1].text()
    bot.clock.set(london(2026, 12, 8, 11, 0))
    await bot.slack_command("/smpolicy", "policy-review done", user="UOWNER")
    assert ("the policy's last approval is now 8 December 2026. I'll remind the policy owner to review it again "
            "on 8 December 2027 (6.1)") in bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", "policy-review", user="USTAFF")
    text = bot.slack.responses()[-1].text()
    assert "last approved on 8 December 2026 (recorded in the bot)" in text and "was due" not in text
    assert "Next review: 8 December 2027. I remind Olu Owner on the day." in text
    await bot.run_sweeps(london(2027, 5, 4, 9, 0))              # the old anniversary no longer counts
    await bot.run_sweeps(london(2027, 12, 7, 9, 0))
    assert len(reminders(bot)) == 1
    await bot.run_sweeps(london(2027, 12, 8, 9, 0))
    await bot.run_sweeps(london(2027, 12, 9, 9, 0))
    assert len(reminders(bot)) == 2
    assert "last approved on 8 December 2026, so its review was due on 8 December 2027" in reminders(bot)[-1].text()


async def test_an_anniversary_at_the_weekend_is_reminded_on_the_next_working_day(bot):
    await bot.slack_command("/smpolicy", "policy-review approved 2025-12-05", user="UCOMMS")
    assert "last approval is now 5 December 2025" in bot.slack.responses()[-1].text()
    await bot.run_sweeps(london(2026, 12, 4, 9, 0))
    assert len(reminders(bot)) == 1                             # only the start-up one, for the pack's date
    await bot.run_sweeps(london(2026, 12, 5, 9, 0))             # Saturday
    await bot.run_sweeps(london(2026, 12, 7, 9, 0))
    assert len(reminders(bot)) == 2 and "due on 5 December 2026" in reminders(bot)[-1].text()


async def test_bad_dates_are_explained(bot):
    await bot.slack_command("/smpolicy", "policy-review approved 5/12/2025", user="UCOMMS")
    assert "isn't a date I can read; write it as YYYY-MM-DD" in bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", "policy-review approved 2027-01-01", user="UCOMMS")
    assert "That date is in the future" in bot.slack.responses()[-1].text()


async def test_teams_shows_the_review_with_teams_commands(bot):
    await bot.teams_say("policy-review")
    text = bot.teams_to("29:staff")
    assert "last approved on 1 May 2024 (from the policy pack)" in text
    assert "**policy-review done**" in text and "/smpolicy" not in text
