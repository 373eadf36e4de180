"""The crisis commands' own words (issue 13): `/crisis help` lists the crisis commands, and `/crisis status`
gives the check-in that will really come (the next working morning when the next falls due out of hours)."""
from __future__ import annotations

from tests.conftest import london
from tests.e2e.test_crisis_support import crisis


async def test_crisis_help_lists_the_crisis_commands_only(bot):
    await bot.slack_command("/crisis", "help", user="UCOMMS")
    said = bot.slack.responses()[-1].text()
    assert "`/crisis start" in said and "`/crisis status" in said
    assert "/smpolicy" not in said and "Is this OK to post?" not in said
    await bot.teams_say("crisis help", user="29:comms")
    said = bot.teams_to("29:comms")
    assert "**crisis start" in said and "foi list" not in said and "/crisis" not in said and "`" not in said


async def test_status_late_in_the_day_gives_the_next_mornings_checkin(bot):
    bot.clock.set(london(2026, 12, 1, 16, 0))          # Tuesday 16:00: the next is due at 18:00, out of hours
    await bot.slack_command("/crisis", "start highways Angry residents", user="USTAFF")
    room = (await crisis(bot)).room_id
    await bot.slack_command("/crisis", "status", user="UCOMMS", channel=room)
    said = bot.slack.responses()[-1].text()
    assert "*Next check-in:* Wed 2 Dec 2026, 09:00" in said, said
    assert "18:00" not in said
