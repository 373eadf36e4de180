"""A digest sweep whose process dies part-way (issue 10, item 2): every owner still gets that day's digest,
exactly once, from whichever process runs the next sweeps."""
from __future__ import annotations

import asyncio

import pytest

from app import build_services
from chat.clock import FixedClock
from chat.orgconfig import load_config
from bot.settings import Settings
from chat.workdays import working_calendar
from storage import migrate
from tests.conftest import london
from tests.dialogs.test_foi_storage import RecordingSender, fake_pacer, make_cases
from tests.support.server import ORG_FILE

OWNERS = 25


class DiesOnSend(RecordingSender):
    """Sends until the n-th DM, then hangs there for ever: the process is about to be killed."""

    def __init__(self, sent, die_at: int):
        super().__init__(sent)
        self.die_at, self.count = die_at, 0
        self.reached = asyncio.Event()

    async def dm(self, user_id, message):
        self.count += 1
        if self.count == self.die_at:
            self.reached.set()
            await asyncio.Event().wait()
        return await super().dm(user_id, message)


def _services(database_url, clock, sender):
    settings = Settings(database_url=database_url, config_path=str(ORG_FILE))
    svc = build_services(settings, load_config(ORG_FILE), clock, {"slack": sender})
    svc.pacer = fake_pacer()
    return svc


@pytest.mark.parametrize("die_at", [1, 13, OWNERS])
async def test_a_sweep_killed_part_way_still_reaches_every_owner_once(database_url, die_at):
    from handlers.foi import foi_digest_sweep, foi_retry_sweep

    clock = FixedClock(london(2026, 12, 1, 10, 0))
    sent: list = []
    first = _services(database_url, clock, DiesOnSend(sent, die_at))
    await migrate.upgrade(first.db)
    await make_cases(first, owners=OWNERS, per_owner=1)   # forwarded the day before
    clock.set(london(2026, 12, 2, 9, 0))
    sweep = asyncio.ensure_future(foi_digest_sweep(first, clock.now()))
    reached = asyncio.ensure_future(first.notifier.senders["slack"].reached.wait())
    await asyncio.wait([sweep, reached], timeout=30, return_when=asyncio.FIRST_COMPLETED)
    assert reached.done() and not sweep.done(), sweep.done() and sweep.exception()
    sweep.cancel()                      # killed: nothing after this point runs in that process
    await asyncio.gather(sweep, return_exceptions=True)
    await first.db.close()
    assert len([s for s in sent if s[0] == "dm"]) == die_at - 1

    second = _services(database_url, clock, RecordingSender(sent))   # the restarted process
    try:
        await foi_digest_sweep(second, clock.now())                   # its start-up sweep
        await foi_digest_sweep(second, clock.now())                   # and another, for good measure
        for minutes in (5, 15, 30):                                   # the retry sweeps that morning
            clock.set(london(2026, 12, 2, 9, minutes))
            await foi_retry_sweep(second, clock.now())
        owners = sorted(uid for kind, uid, _ in sent if kind == "dm")
        assert owners == sorted(f"UOWN{o}" for o in range(OWNERS))   # everyone, nobody twice
    finally:
        await second.db.close()


async def test_the_scheduler_reruns_due_sweeps_when_a_claim_was_left_unsent(database_url):
    from bot.scheduler import SweepRunner
    from storage.claims import try_claim

    clock = FixedClock(london(2026, 12, 2, 9, 0))
    svc = _services(database_url, clock, RecordingSender([]))
    try:
        await migrate.upgrade(svc.db)
        runner = SweepRunner(svc)
        assert not await runner.recover_unsent(clock.now())
        assert await try_claim(svc.db, "approval_chaser", "REQ-1", "2026-12-02", clock.now())
        assert not await runner.recover_unsent(london(2026, 12, 2, 9, 2))    # its holder may still be sending
        assert await runner.recover_unsent(london(2026, 12, 2, 9, 6))        # the lease ran out
        assert await try_claim(svc.db, "approval_chaser", "REQ-1", "2026-12-02", london(2026, 12, 2, 9, 6))
    finally:
        await svc.db.close()
