"""Check-ins every 2 hours in working hours and the 5pm question (§4.3): once per slot, even with two processes
sweeping the same database at the same moment, each with a snooze."""
from __future__ import annotations

import asyncio

import pytest

from app import build_services
from dialogs.crisis import schedule
from tests.conftest import london
from tests.e2e.test_crisis_support import actions, crisis

CHECKIN = "Check-in (§4.3)"
EVENING = "A crisis does not end at 5pm"


@pytest.fixture
async def second_process(bot):
    """Another bot process on the same database (and the same Slack/Teams stand-ins)."""
    svc = build_services(bot.settings(), bot.svc.config, bot.clock, bot.svc.notifier.senders)
    yield svc
    await svc.db.close()


async def both_sweep(bot, other, at):
    bot.clock.set(at)
    now = bot.clock.now()
    await asyncio.gather(schedule.sweep(bot.svc, now), schedule.sweep(other, now))


def posted(bot, room, text) -> list:
    return [c for c in bot.slack.to(room) if text in c.text()]


async def test_checkins_go_out_once_per_slot_with_two_processes(bot, second_process):
    await bot.slack_command("/crisis", "start highways Angry residents", user="USTAFF")
    c = await crisis(bot)
    room = c.room_id

    await both_sweep(bot, second_process, london(2026, 12, 1, 11, 59))
    assert posted(bot, room, CHECKIN) == []
    await both_sweep(bot, second_process, london(2026, 12, 1, 12, 0))
    await both_sweep(bot, second_process, london(2026, 12, 1, 12, 1))
    assert len(posted(bot, room, CHECKIN)) == 1
    assert (await actions(bot)).count("checkin_sent") == 1
    prompt = posted(bot, room, CHECKIN)[0]
    assert "review the group's membership" in prompt.text()

    # Snooze: the prompt shows who snoozed it, and it comes back once after 30 minutes.
    bot.clock.set(london(2026, 12, 1, 12, 10))
    await bot.slack_click("crisis.snooze", value="1:checkin:30", user="UCOMMS", channel=room, message_ts="1.1")
    assert "Snoozed by Cam Comms until 12:40" in bot.slack.of("chat.update")[-1].text()
    await both_sweep(bot, second_process, london(2026, 12, 1, 12, 39))
    assert len(posted(bot, room, CHECKIN)) == 1
    await both_sweep(bot, second_process, london(2026, 12, 1, 12, 40))
    await both_sweep(bot, second_process, london(2026, 12, 1, 12, 45))
    assert len(posted(bot, room, CHECKIN)) == 2

    # 17:00: the "crisis does not end at 5pm" question, once; no check-in out of hours.
    await both_sweep(bot, second_process, london(2026, 12, 1, 17, 0))
    await both_sweep(bot, second_process, london(2026, 12, 1, 17, 2))
    assert len(posted(bot, room, EVENING)) == 1
    assert len(posted(bot, room, CHECKIN)) == 2
    await both_sweep(bot, second_process, london(2026, 12, 1, 19, 0))
    assert len(posted(bot, room, CHECKIN)) == 2

    # The group keeps working tonight: check-ins carry on until the next working morning.
    await bot.slack_click("crisis.extend", value="1", user="UCOMMS", channel=room, message_ts="1.2")
    assert "keeps working tonight" in bot.slack.of("chat.update")[-1].text()
    await both_sweep(bot, second_process, london(2026, 12, 1, 19, 5))
    assert len(posted(bot, room, CHECKIN)) == 3
    await both_sweep(bot, second_process, london(2026, 12, 1, 21, 5))
    assert len(posted(bot, room, CHECKIN)) == 4
    assert (await actions(bot)).count("checkin_sent") == 4


async def test_evening_question_snoozes_and_comes_back_next_working_day(bot, second_process):
    bot.clock.set(london(2026, 12, 4, 16, 30))   # Friday afternoon
    await bot.slack_command("/crisis", "start parks Angry dog walkers", user="USTAFF")
    room = (await crisis(bot)).room_id
    await both_sweep(bot, second_process, london(2026, 12, 4, 17, 0))
    assert len(posted(bot, room, EVENING)) == 1
    await bot.slack_click("crisis.snooze", value="1:evening:30", user="USTAFF", channel=room, message_ts="1.3")
    await both_sweep(bot, second_process, london(2026, 12, 4, 17, 30))
    await both_sweep(bot, second_process, london(2026, 12, 4, 17, 31))
    assert len(posted(bot, room, EVENING)) == 2
    await bot.slack_click("crisis.stop_today", value="1", user="USTAFF", channel=room, message_ts="1.4")
    assert "stops for today and picks up at Mon 7 Dec 2026, 09:00" in bot.slack.of("chat.update")[-1].text()
    # The weekend has no working hours and no 5pm question; Monday has both.
    for day in (5, 6):
        await both_sweep(bot, second_process, london(2026, 12, day, 17, 5))
    assert len(posted(bot, room, EVENING)) == 2
    await both_sweep(bot, second_process, london(2026, 12, 7, 9, 0))
    assert len(posted(bot, room, CHECKIN)) == 1
    await both_sweep(bot, second_process, london(2026, 12, 7, 17, 0))
    assert len(posted(bot, room, EVENING)) == 3


async def test_the_registered_sweep_runs_with_the_others(bot):
    await bot.slack_command("/crisis", "start highways Angry residents", user="USTAFF")
    outcomes = dict(await bot.run_sweeps(london(2026, 12, 1, 12, 0)))
    assert outcomes["crisis"] == "ran"
    assert len(posted(bot, (await crisis(bot)).room_id, CHECKIN)) == 1


async def test_an_ended_crisis_has_no_more_checkins(bot):
    await bot.slack_command("/crisis", "start highways Angry residents", user="USTAFF")
    room = (await crisis(bot)).room_id
    await bot.slack_command("/crisis", "end", user="UCOMMS", channel=room)
    await bot.run_sweeps(london(2026, 12, 1, 12, 0))
    await bot.run_sweeps(london(2026, 12, 1, 17, 0))
    assert posted(bot, room, CHECKIN) == [] and posted(bot, room, EVENING) == []


async def test_the_group_can_change_how_often_it_checks_in(bot):
    await bot.slack_command("/crisis", "start highways Angry residents", user="USTAFF")
    room = (await crisis(bot)).room_id
    await bot.slack_command("/crisis", "checkins 1", user="UCOMMS", channel=room)
    assert "will now come every hour in working hours" in bot.slack.responses()[-1].text()
    await bot.run_sweeps(london(2026, 12, 1, 11, 0))
    await bot.run_sweeps(london(2026, 12, 1, 12, 0))
    assert len(posted(bot, room, CHECKIN)) == 2
    await bot.slack_command("/crisis", "checkins 0", user="UCOMMS", channel=room)
    assert "from 0.5 to 24" in bot.slack.responses()[-1].text()
