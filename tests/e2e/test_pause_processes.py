"""The mourning pause with two bot processes on one database: one pause, one DM per person per day, one end."""
from __future__ import annotations

import asyncio

from dialogs.pause import flow as pause
from tests.conftest import london

from .test_accounts_helpers import second_services
from .test_pause_support import dms, pauses, register_account


async def test_two_processes_start_end_and_remind_once(bot):
    await register_account(bot, "Suffolk Highways", ["staff@example.gov.uk", "other@example.gov.uk"])
    other = second_services(bot)
    try:
        results = await asyncio.gather(pause.start(bot.svc, "comms@example.gov.uk", 3, "Royal death"),
                                       pause.start(other, "comms2@example.gov.uk", 5, "Royal death"))
        assert sorted(started for _, started in results) == [False, True]
        assert len(await pauses(bot)) == 1
        row = next(r for r, started in results if started)
        await asyncio.gather(pause.announce_start(bot.svc, row), pause.announce_start(other, row))
        assert len(dms(bot, "USTAFF", "Posting is paused")) == 1
        for day in (2, 3):
            at = london(2026, 12, day, 9, 0)
            bot.clock.set(at)
            await asyncio.gather(pause.remind(bot.svc, at), pause.remind(other, at))
        assert len(dms(bot, "USTAFF", "Reminder")) == 2
        at = london(2026, 12, 4, 0, 1)
        bot.clock.set(at)
        await asyncio.gather(pause.expire(bot.svc, at), pause.expire(other, at))
        assert len(dms(bot, "UOTHER", "Posting can resume")) == 1
        assert len([c for c in bot.slack.to("CCOMMS") if "Posting can resume" in c.text()]) == 1
    finally:
        await other.db.close()
