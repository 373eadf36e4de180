"""The mourning pause (4.4) in Teams: start and refusal, administrators' DMs, banner, reminders, the end."""
from __future__ import annotations


from chat.posting import posting_state
from tests.conftest import london

from .test_accounts_helpers import TEAMS_COMMS_CHANNEL
from .test_pause_support import pauses, register_account



def said(bot, user: str, containing: str) -> list:
    return [s for s in bot.teams.in_conversation(f"a:personal-{user}") if containing in s.text()]


async def test_pause_in_teams_end_to_end(teams_bot):
    bot = teams_bot
    for user in ("29:other", "29:fire"):     # administrators the bot has met, so it can message them
        await bot.teams_say("help", user=user)
    await bot.teams_say("help", user="29:comms", conversation=TEAMS_COMMS_CHANNEL, conversation_type="channel")
    await register_account(bot, "Test Highways", ["other@example.gov.uk", "firefighter@examplefire.gov.uk"])

    await bot.teams_say("pause start 5 Death of a senior royal", user="29:staff")
    assert "Only the Communications Team can start a mourning pause (4.4)" in bot.teams_to("29:staff")
    assert await pauses(bot) == []

    await bot.teams_say("pause start 5 Death of a senior royal", user="29:comms")
    reply = bot.teams_to("29:comms")
    assert "Mourning pause started" in reply and "until the end of Saturday 5 December" in reply
    assert "**pause end**" in reply and "`" not in reply and "/smpolicy" not in reply
    for user in ("29:other", "29:fire"):
        [dm] = said(bot, user, "Posting is paused: Death of a senior royal")
        assert "nothing scheduled" in dm.text() and "Facebook “Test Highways”" in dm.text()
    assert [s for s in bot.teams.in_conversation(TEAMS_COMMS_CHANNEL) if "started a mourning pause" in s.text()]
    assert (await posting_state(bot.svc)).pause_reason.startswith("Death of a senior royal")

    await bot.teams_say("help", user="29:staff")
    last = bot.teams.in_conversation("a:personal-29:staff")[-1]
    first_block = last.activity["attachments"][0]["content"]["body"][0]
    assert first_block["isSubtle"] is True and "Mourning pause (4.4): posting is paused" in first_block["text"]

    await bot.teams_say("check Join us at the library on Saturday for stories and songs", user="29:other")
    checked = bot.teams.in_conversation("a:personal-29:other")[-1].text()
    assert "Stop – please don't post this as it is" in checked and "(4.4)" in checked

    await bot.teams_say("boost", user="29:staff")
    assert "Boosts are on hold" in bot.teams.in_conversation("a:personal-29:staff")[-1].text()

    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    await bot.run_sweeps(london(2026, 12, 2, 12, 0))
    assert len(said(bot, "29:fire", "Reminder: posting is still paused")) == 1
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 6, 0, 10))
    for user in ("29:other", "29:fire"):
        (resumed,) = said(bot, user, "Posting can resume")
        assert "Mourning pause (4.4): posting is paused" not in resumed.text()   # no stale banner on it
    assert (await posting_state(bot.svc)).pause_reason is None
    await bot.teams_say("pause", user="29:staff")
    assert "Posting isn't paused" in bot.teams.in_conversation("a:personal-29:staff")[-1].text()


async def test_teams_double_start_and_end_by_the_second_comms_member(teams_bot):
    bot = teams_bot
    await bot.teams_say("pause start", user="29:comms")
    await bot.teams_say("pause start 3", user="29:comms2")
    assert "already on, so I haven't started another" in bot.teams_to("29:comms2")
    assert len(await pauses(bot)) == 1
    await bot.teams_say("pause end", user="29:comms2")
    assert "Mourning pause ended" in bot.teams.in_conversation("a:personal-29:comms2")[-1].text()
    assert (await pauses(bot))[0].ended_by == "comms2@example.gov.uk"
