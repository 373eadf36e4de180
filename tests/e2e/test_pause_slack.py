"""The mourning pause (4.4) in Slack: start, refusal, the checker and boosts stop, banner, reminders, auto-end."""
from __future__ import annotations

from chat.posting import posting_state
from storage.events import events_for
from tests.conftest import london

from .test_pause_support import dms, last_reply, pauses, register_account

START = "pause start 10 Death of a senior royal"


async def _register(bot) -> None:
    await register_account(bot, "Suffolk Highways", ["staff@example.gov.uk", "other@example.gov.uk"])
    await register_account(bot, "Suffolk Libraries", ["other@example.gov.uk"], platform="Instagram",
                           removed=["im@example.gov.uk"])


async def test_staff_cannot_start_or_end_a_pause_and_nothing_changes(bot):
    await _register(bot)
    await bot.slack_command("/smpolicy", START, user="USTAFF")
    assert "Only the Communications Team can start a mourning pause (4.4)" in last_reply(bot)
    await bot.slack_command("/smpolicy", "pause end", user="USTAFF")
    assert "Only the Communications Team can end a mourning pause (4.4)" in last_reply(bot)
    await bot.slack_command("/smpolicy", "pause until 2026-12-20", user="USTAFF")
    assert "Only the Communications Team can change a mourning pause" in last_reply(bot)
    assert await pauses(bot) == []
    assert (await posting_state(bot.svc)).pause_reason is None
    assert bot.slack.to("UOTHER") == [] and bot.slack.to("CCOMMS") == []
    await bot.slack_command("/smpolicy", "pause", user="USTAFF")
    assert "Posting isn't paused" in last_reply(bot) and "pause start" not in last_reply(bot)


async def test_comms_starts_a_pause_and_every_administrator_is_asked_to_check(bot):
    await _register(bot)
    await bot.slack_command("/smpolicy", START, user="UCOMMS")
    reply = last_reply(bot)
    assert "Mourning pause started" in reply and "(4.4)" in reply
    assert "Death of a senior royal" in reply and "until the end of Thursday 10 December" in reply
    assert "asked 2 administrators" in reply and "single access platform" in reply
    assert "`/smpolicy pause until YYYY-MM-DD` moves the last day" in reply and "`/smpolicy pause end`" in reply
    staff = dms(bot, "USTAFF", "Posting is paused")
    other = dms(bot, "UOTHER", "Posting is paused")
    assert len(staff) == 1 and len(other) == 1
    assert "nothing scheduled" in staff[0].text() and "Facebook “Suffolk Highways”" in staff[0].text()
    assert "Instagram “Suffolk Libraries”" in other[0].text()
    assert "Facebook “Suffolk Highways”" in other[0].text()
    assert dms(bot, "UIM", "Posting is paused") == []          # removed from the register: not asked
    comms = bot.slack.to("CCOMMS")
    assert len(comms) == 1 and "Cam Comms started a mourning pause (4.4)" in comms[0].text()
    [row] = await pauses(bot)
    assert row.days == 10 and row.started_by == "comms@example.gov.uk"
    async with bot.svc.db.sessions() as s:
        actions = [e.action for e in await events_for(s, "pause", row.id)]
    assert actions == ["started", "administrators_asked"]


FAIR_POST = "Join us at the library on Saturday for stories and songs"


async def test_while_paused_the_checker_says_stop_boosts_are_refused_and_replies_carry_a_banner(bot):
    await bot.slack_shortcut("is_this_ok", FAIR_POST, user="USTAFF")
    assert "Stop" not in last_reply(bot)
    await bot.slack_command("/smpolicy", START, user="UCOMMS")
    state = await posting_state(bot.svc)
    assert state.pause_reason == "Death of a senior royal, until the end of Thursday 10 December"
    await bot.slack_shortcut("is_this_ok", FAIR_POST, user="USTAFF")   # "Is this OK to post?"
    reply = last_reply(bot)
    assert "Stop – please don't post this as it is" in reply and "(4.4)" in reply
    assert "Death of a senior royal, until the end of Thursday 10 December" in reply
    await bot.slack_command("/smpolicy", f"check --account highways {FAIR_POST}", user="UOTHER")
    assert "Stop – please don't post this as it is" in last_reply(bot)
    await bot.slack_command("/smpolicy", "boost", user="USTAFF")
    assert "Boosts are on hold: Death of a senior royal" in last_reply(bot)
    assert bot.slack.of("views.open") == []
    await bot.slack_command("/smpolicy", "help", user="USTAFF")
    reply = bot.slack.responses()[-1]
    assert reply.args["blocks"][0]["type"] == "context"
    assert "Mourning pause (4.4): posting is paused for Death of a senior royal" in \
        reply.args["blocks"][0]["elements"][0]["text"]
    assert "What I can do" in reply.text()
    await bot.slack_command("/smpolicy", "pause", user="USTAFF")
    assert "Posting is paused* for Death of a senior royal (4.4): day 1 of 10" in last_reply(bot)


async def test_a_second_start_does_not_make_a_second_pause(bot):
    await _register(bot)
    await bot.slack_command("/smpolicy", START, user="UCOMMS")
    await bot.slack_command("/smpolicy", "pause start 3 Something else", user="UCOMMS2")
    assert "already on, so I haven't started another" in last_reply(bot)
    assert "Cam Comms" in last_reply(bot)
    assert len(await pauses(bot)) == 1
    assert len(dms(bot, "USTAFF", "Posting is paused")) == 1


async def test_daily_reminder_goes_once_a_day_and_the_pause_ends_itself(bot):
    await _register(bot)
    await bot.slack_command("/smpolicy", START, user="UCOMMS")
    await bot.run_sweeps(london(2026, 12, 1, 9, 30))        # the start day: the start DM was today's
    await bot.run_sweeps(london(2026, 12, 1, 16, 0))
    assert len(dms(bot, "USTAFF", "Reminder: posting is still paused")) == 0
    await bot.run_sweeps(london(2026, 12, 2, 8, 0))          # before 9: not yet
    assert len(dms(bot, "USTAFF", "Reminder")) == 0
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    await bot.run_sweeps(london(2026, 12, 2, 15, 0))
    assert len(dms(bot, "USTAFF", "Reminder: posting is still paused")) == 1
    assert len(dms(bot, "UOTHER", "Reminder: posting is still paused")) == 1
    await bot.run_sweeps(london(2026, 12, 5, 9, 0))          # a Saturday: scheduled posts go out at weekends too
    assert len(dms(bot, "USTAFF", "Reminder")) == 2
    await bot.run_sweeps(london(2026, 12, 10, 23, 59))       # the last day
    assert len(dms(bot, "USTAFF", "Reminder")) == 3
    assert (await posting_state(bot.svc)).pause_reason is not None
    await bot.run_sweeps(london(2026, 12, 11, 0, 5))         # ended at midnight; everyone told once
    await bot.run_sweeps(london(2026, 12, 11, 9, 0))
    assert (await posting_state(bot.svc)).pause_reason is None
    assert len(dms(bot, "USTAFF", "Posting can resume")) == 1
    assert len(dms(bot, "UOTHER", "Posting can resume")) == 1
    assert "ended at the end of Thursday 10 December, as planned" in dms(bot, "USTAFF", "Posting can resume")[0].text()
    assert len([c for c in bot.slack.to("CCOMMS") if "Posting can resume" in c.text()]) == 1
    assert len(dms(bot, "USTAFF", "Reminder")) == 3
    [row] = await pauses(bot)
    assert row.ended_by == "system" and row.active is None and row.told_ended_at is not None
    await bot.slack_command("/smpolicy", "help", user="USTAFF")
    assert "Mourning pause (4.4): posting is paused" not in bot.slack.responses()[-1].text()
    await bot.slack_shortcut("is_this_ok", FAIR_POST, user="USTAFF")
    assert "Stop" not in last_reply(bot) and "(4.4)" not in last_reply(bot)


async def test_restart_in_the_middle_keeps_the_pause_its_banner_and_one_reminder_a_day(bot):
    await _register(bot)
    await bot.slack_command("/smpolicy", "pause start 3", user="UCOMMS")
    assert "national mourning" in last_reply(bot) and "until the end of Thursday 3 December" in last_reply(bot)
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    await bot.restart()                                      # the start-up sweep runs again: nothing new
    await bot.run_sweeps(london(2026, 12, 2, 11, 0))
    assert len(dms(bot, "USTAFF", "Reminder")) == 1
    await bot.slack_command("/smpolicy", "help", user="UOTHER")
    assert "Mourning pause (4.4): posting is paused" in bot.slack.responses()[-1].text()
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 4, 0, 1))
    assert (await posting_state(bot.svc)).pause_reason is None
    resumed = dms(bot, "USTAFF", "Posting can resume")
    assert len(resumed) == 1 and "posting is paused" not in resumed[0].text()   # not the banner it replaces
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 4, 9, 0))
    assert len(dms(bot, "USTAFF", "Posting can resume")) == 1


async def test_comms_ends_a_pause_early_and_everyone_is_told(bot):
    await _register(bot)
    await bot.slack_command("/smpolicy", START, user="UCOMMS")
    bot.clock.advance(hours=5)
    await bot.slack_command("/smpolicy", "pause end", user="UCOMMS2")
    reply = last_reply(bot)
    assert "Mourning pause ended" in reply and "told 2 administrators" in reply
    assert "Mourning pause (4.4): posting is paused" not in reply   # no banner on the reply that ends it
    told = dms(bot, "UOTHER", "Posting can resume")
    assert len(told) == 1 and "was ended by Cat Comms" in told[0].text()
    assert "posting is paused" not in told[0].text()       # the banner, kept for a few seconds, is not added
    await bot.slack_command("/smpolicy", "pause end", user="UCOMMS")
    assert "Posting isn't paused, so there's nothing to end" in last_reply(bot)
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    assert dms(bot, "USTAFF", "Reminder") == [] and len(dms(bot, "USTAFF", "Posting can resume")) == 1
    await bot.slack_command("/smpolicy", "pause start 2", user="UCOMMS")   # a new pause may follow
    assert "Mourning pause started" in last_reply(bot)
    assert len(await pauses(bot)) == 2


async def test_comms_moves_the_last_day_and_administrators_are_told(bot):
    await _register(bot)
    await bot.slack_command("/smpolicy", "pause start 2026-12-05 Death of a senior royal", user="UCOMMS")
    assert "5 days including today, until the end of Saturday 5 December" in last_reply(bot)
    await bot.slack_command("/smpolicy", "pause until 2026-12-12", user="UCOMMS")
    assert "now runs until the end of Saturday 12 December" in last_reply(bot)
    moved = dms(bot, "USTAFF", "now ends on Saturday 12 December")
    assert len(moved) == 1 and "from Saturday 5 December" in moved[0].text()
    await bot.run_sweeps(london(2026, 12, 6, 9, 0))
    assert (await posting_state(bot.svc)).pause_reason is not None
    await bot.slack_command("/smpolicy", "pause until yesterday", user="UCOMMS")
    assert "isn't a date I can read" in last_reply(bot)


async def test_bad_days_are_explained(bot):
    await bot.slack_command("/smpolicy", "pause start 90", user="UCOMMS")
    assert "A pause can be 1 to 31 days" in last_reply(bot)
    await bot.slack_command("/smpolicy", "pause start 2026-11-01", user="UCOMMS")
    assert "already passed" in last_reply(bot)
    assert await pauses(bot) == []


async def test_an_empty_register_is_said_plainly(bot):
    await bot.slack_command("/smpolicy", "pause start", user="UCOMMS")
    reply = last_reply(bot)
    assert "10 days including today" in reply and "national mourning" in reply
    assert "no administrators in the accounts register yet" in reply


async def test_refusal_names_whom_to_tell(bot):
    """Issue 13: "If you think posting should be paused, please tell them" named nobody."""
    await bot.slack_command("/smpolicy", "pause start 3 the death of a former leader", user="USTAFF")
    said = bot.slack.responses()[-1].text()
    assert "please tell the Communications Team (Cam Comms or Cat Comms)" in said, said
    assert "tell them." not in said
