"""FOI cases in storage with two "processes" (two Services objects) on one database: one digest per owner per
day, unique references, a change applied once; retention and proclaimed holidays. Runs on PostgreSQL too
(TEST_DATABASE_URL)."""
from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from app import build_services
from chat.clock import FixedClock
from chat.messages import MessageRef
from chat.orgconfig import load_config
from bot.settings import Settings
from chat.workdays import working_calendar
from dialogs.foi.store import close_case, create_case
from dialogs.foi.digest import plan_digests, send_digests
from dialogs.foi.holidays import add_holiday
from dialogs.foi.retention import remove_old_personal_data
from dialogs.foi.rules import Submission
from storage import migrate
from storage.identity import remember_identity
from storage.models import Event
from storage.models.foi import FoiCase
from tests.conftest import london
from tests.support.server import ORG_FILE


class RecordingSender:
    """A platform that records what it was asked to send (shared by both processes)."""
    platform = "slack"

    def __init__(self, sent: list):
        self.sent = sent

    async def dm(self, user_id, message):
        await asyncio.sleep(0)           # let the other process interleave
        self.sent.append(("dm", user_id, message.text))
        return MessageRef("slack", "D" + user_id, str(len(self.sent)))

    async def post(self, channel, message):
        await asyncio.sleep(0)
        self.sent.append(("post", channel, message.text))
        return MessageRef("slack", channel, str(len(self.sent)))

    async def user_email(self, user_id):
        return None, None

    async def user_by_email(self, email):
        return None


@pytest.fixture
async def two(database_url):
    """Two Services on one database, as two bot processes would be; one shared clock and send log."""
    clock = FixedClock(london(2026, 12, 1, 10, 0))
    sent: list = []
    settings = Settings(database_url=database_url, config_path=str(ORG_FILE))
    config = load_config(ORG_FILE)
    a = build_services(settings, config, clock, {"slack": RecordingSender(sent)})
    b = build_services(settings, config, clock, {"slack": RecordingSender(sent)})
    await migrate.upgrade(a.db)
    try:
        yield a, b, clock, sent
    finally:
        await a.db.close()
        await b.db.close()


def submission(n: int = 0, received: date = date(2026, 12, 1), kind: str = "foi") -> Submission:
    return Submission(f"Question number {n}?", "facebook", "public", None, "@someone", "someone@example.com",
                      received, kind)


async def make_cases(svc, owners: int, per_owner: int) -> list[str]:
    cal = await working_calendar(svc)
    refs = []
    for o in range(owners):
        email = f"owner{o}@example.gov.uk"
        await remember_identity(svc.db, "slack", f"UOWN{o}", email, None, svc.now())
        for i in range(per_owner):
            case, _ = await create_case(svc, submission(o * 100 + i, date(2026, 11, 2 + i)), email, email, cal)
            refs.append(case.reference)
    return refs


async def test_two_processes_send_one_digest_per_owner(two):
    a, b, clock, sent = two
    await make_cases(a, owners=6, per_owner=3)
    now = london(2026, 12, 2, 9, 0)
    clock.set(now)
    cal = await working_calendar(a)
    results = await asyncio.gather(send_digests(a, now, cal), send_digests(b, now, cal))
    dms = [s for s in sent if s[0] == "dm"]
    assert sorted(uid for _, uid, _ in dms) == [f"UOWN{o}" for o in range(6)]
    assert sum(r.get("sent", 0) for r in results) == 6 and sum(r.get("already", 0) for r in results) == 6
    # Again the same day (a restart, the start-up sweep): nothing more.
    await asyncio.gather(send_digests(a, london(2026, 12, 2, 11, 0), cal), send_digests(b, now, cal))
    assert len([s for s in sent if s[0] == "dm"]) == 6


async def test_two_processes_run_the_whole_sweep_once(two):
    from handlers.foi import foi_digest_sweep

    a, b, clock, sent = two
    await make_cases(a, owners=3, per_owner=2)
    now = london(2026, 12, 2, 9, 0)
    await asyncio.gather(foi_digest_sweep(a, now), foi_digest_sweep(b, now))
    assert len([s for s in sent if s[0] == "dm"]) == 3
    summaries = [s for s in sent if s[0] == "post" and s[2].startswith("Open FOI cases")]
    assert len(summaries) == 1 and summaries[0][1] == "CIM"


async def test_references_are_unique_when_two_processes_forward_at_once(two):
    a, b, _, _ = two
    cal = await working_calendar(a)

    async def forward(svc, n):
        case, created = await create_case(svc, submission(n), "staff@example.gov.uk", "staff@example.gov.uk", cal)
        assert created
        return case.reference

    refs = await asyncio.gather(*(forward(a if n % 2 else b, n) for n in range(20)))
    assert sorted(refs) == [f"FOI-2026-{n:04d}" for n in range(1, 21)]


async def test_done_from_two_processes_applies_once(two):
    a, b, _, _ = two
    (ref,) = await make_cases(a, owners=1, per_owner=1)
    owner = "owner0@example.gov.uk"
    results = await asyncio.gather(close_case(a, ref, owner), close_case(b, ref, owner))
    assert sorted(changed for _, changed in results) == [False, True]
    async with a.db.sessions() as s:
        closes = list(await s.scalars(select(Event).where(Event.subject_id == ref, Event.action == "closed")))
    assert len(closes) == 1


async def test_planning_lists_overdue_and_soon_and_counts_the_rest(two):
    a, _, clock, _ = two
    cal = await working_calendar(a)
    owner = "owner@example.gov.uk"
    for n, received in enumerate((date(2026, 10, 1), date(2026, 11, 20), date(2026, 12, 1))):
        await create_case(a, submission(n, received), owner, owner, cal)
    (digest,) = await plan_digests(a, date(2026, 12, 21), cal)
    assert [c.reference for c in digest.overdue] == ["FOI-2026-0001"]
    assert [c.reference for c in digest.soon] == ["FOI-2026-0002"]     # due 21 Dec: today
    assert digest.later == 1 and digest.paused == 0


async def test_retention_removes_personal_data_keeps_reference_dates_outcome(two):
    a, _, clock, _ = two
    (ref,) = await make_cases(a, owners=1, per_owner=1)
    await close_case(a, ref, "owner0@example.gov.uk")
    assert await remove_old_personal_data(a, london(2027, 11, 30, 2, 0)) == 0
    assert await remove_old_personal_data(a, london(2027, 12, 2, 2, 0)) == 1
    async with a.db.sessions() as s:
        case = await s.scalar(select(FoiCase).where(FoiCase.reference == ref))
        events = list(await s.scalars(select(Event).where(Event.subject_id == ref)))
    assert case.question is None and case.requester_handle is None and case.requester_email is None
    assert case.link is None and case.redacted_at is not None
    assert case.reference == ref and case.received == date(2026, 11, 2) and case.outcome == "answered"
    assert case.due and case.closed_at
    assert events[-1].action == "personal_data_removed"
    assert await remove_old_personal_data(a, london(2027, 12, 3, 2, 0)) == 0     # idempotent


async def test_open_cases_are_never_redacted(two):
    a, _, _, _ = two
    await make_cases(a, owners=1, per_owner=1)
    assert await remove_old_personal_data(a, london(2030, 1, 1, 2, 0)) == 0


async def test_proclaimed_holiday_recomputes_open_cases_and_tells_owners(two):
    a, _, _, sent = two
    refs = await make_cases(a, owners=2, per_owner=1)
    await close_case(a, refs[1], "owner1@example.gov.uk")
    result = await add_holiday(a, date(2026, 11, 20), "State funeral", "comms@example.gov.uk")
    assert [(r, old, new) for _, r, old, new in result.changed] == [(refs[0], date(2026, 12, 1), date(2026, 12, 2))]
    assert result.owners_told == 1
    assert any(s[1] == "UOWN0" and "due dates" in s[2] for s in sent)
    assert not any(s[1] == "UOWN1" for s in sent)            # closed cases are left alone
    from chat.errors import BadInput

    with pytest.raises(BadInput):
        await add_holiday(a, date(2026, 11, 20), "Again", "comms@example.gov.uk")
    with pytest.raises(BadInput):
        await add_holiday(a, date(2026, 11, 21), "A Saturday", "comms@example.gov.uk")


class FlakySender(RecordingSender):
    """Fails the first send to one user: as a 429 with Retry-After, or as a plain failure."""

    def __init__(self, sent, fail_user, status=None):
        super().__init__(sent)
        self.fail_user, self.status, self.failed = fail_user, status, False

    async def dm(self, user_id, message):
        if user_id == self.fail_user and not self.failed:
            self.failed = True
            err = RuntimeError("send failed")
            err.status, err.headers = self.status, {"Retry-After": "3"}
            raise err
        return await super().dm(user_id, message)


def fake_pacer():
    from chat.pacing import Pacer

    clock = [0.0]

    async def sleep(seconds):
        clock[0] += seconds

    return Pacer(monotonic=lambda: clock[0], sleep=sleep)


async def test_a_429_holds_the_platform_and_the_send_is_retried(two):
    a, _, clock, sent = two
    await make_cases(a, owners=3, per_owner=1)
    a.notifier.senders["slack"] = FlakySender(sent, "UOWN1", status=429)
    a.pacer = pacer = fake_pacer()
    now = london(2026, 12, 2, 9, 0)
    tally = await send_digests(a, now, await working_calendar(a))
    assert tally == {"sent": 3} and pacer.holds == 1 and pacer.waited >= 3
    assert sorted(s[1] for s in sent if s[0] == "dm") == ["UOWN0", "UOWN1", "UOWN2"]


async def test_a_failed_digest_is_sent_by_the_next_retry_sweep(two):
    from handlers.foi import foi_retry_sweep

    a, _, clock, sent = two
    await make_cases(a, owners=2, per_owner=1)
    a.notifier.senders["slack"] = FlakySender(sent, "UOWN0")
    a.pacer = fake_pacer()
    tally = await send_digests(a, london(2026, 12, 2, 9, 0), await working_calendar(a))
    assert tally == {"sent": 1, "failed": 1}
    await foi_retry_sweep(a, london(2026, 12, 2, 9, 15))
    await foi_retry_sweep(a, london(2026, 12, 2, 9, 30))
    assert sorted(s[1] for s in sent if s[0] == "dm") == ["UOWN0", "UOWN1"]


async def test_summary_goes_to_information_management_by_dm_when_there_is_no_channel(two):
    from dataclasses import replace

    from dialogs.foi.digest import send_summary

    a, b, _, sent = two
    await make_cases(a, owners=2, per_owner=2)
    await remember_identity(a.db, "slack", "UIM", "im@example.gov.uk", None, a.now())
    for svc in (a, b):
        svc.config = replace(svc.config, channels={k: v for k, v in svc.config.channels.items()
                                                   if k != "information_management"})
    now = london(2026, 12, 2, 9, 0)
    await asyncio.gather(send_summary(a, now, await working_calendar(a)), send_summary(b, now, await working_calendar(b)))
    summaries = [s for s in sent if s[2].startswith("Open FOI cases: 4")]
    assert [(kind, to) for kind, to, _ in summaries] == [("dm", "UIM")]
