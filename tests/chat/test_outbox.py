"""The outbox on its own (chat/outbox.py, storage/outbox.py): queued with the change or not at all, sent once,
retried with back-off or the platform's Retry-After, reported to whoever caused it when it never goes, and a
send whose process died is looked up before it is made again. Runs on PostgreSQL too (TEST_DATABASE_URL)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.settings import Settings
from bot.wiring import build_services
from chat.clock import FixedClock
from chat.outbox import collecting
from chat.messages import MessageRef, Text, message
from chat.orgconfig import load_config
from chat.platforms import RateLimited, SendError
from chat.registry import Job, Receipt, Registry, Workflow
from storage import migrate
from storage import outbox as store
from storage.identity import remember_identity
from storage.models.core import OutboxMessage
from tests.conftest import london
from tests.support.server import ORG_FILE


class Platform:
    """A platform sender that records sends, can fail on demand, and (when `marked`) finds sent messages by key."""
    platform = "slack"

    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []
        self.failures: list[Exception] = []
        self.by_key: dict[str, MessageRef] = {}

    async def _record(self, kind, target, msg, key=None):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((kind, target, msg.text))
        ref = MessageRef("slack", "D" + target[1:] if kind == "dm" else target, str(len(self.sent)))
        if key:
            self.by_key[key] = ref
        return ref

    async def dm(self, user_id, msg):
        return await self._record("dm", user_id, msg)

    async def post(self, channel, msg):
        return await self._record("post", channel, msg)

    async def update(self, ref, msg):
        await self._record("update", f"{ref.channel}/{ref.message_id}", msg)

    async def send_marked(self, kind, target, msg, key):
        return await self._record(kind, target, msg, key)

    async def find_marked(self, kind, target, key, since):
        return self.by_key.get(key)

    async def user_email(self, user_id):
        return None, None

    async def user_by_email(self, email):
        return None


RECEIVED: list = []


async def remember_card(svc, session, args, ref):
    RECEIVED.append((args, ref))


JOBS_RUN: list = []
JOB_FAILURES: list[Exception] = []


async def probe_job(svc, args):
    if JOB_FAILURES:
        raise JOB_FAILURES.pop(0)
    JOBS_RUN.append((args, list(svc.platform.sent)))   # what had been sent when the job ran


RECEIPTS = Registry([Workflow("probe", receipts=(Receipt("probe.card", remember_card),),
                              jobs=(Job("probe.job", probe_job),))])


@pytest.fixture
async def svc(database_url):
    clock = FixedClock(london(2026, 12, 1, 10, 0))
    settings = Settings(database_url=database_url, config_path=str(ORG_FILE))
    platform = Platform()
    services = build_services(settings, load_config(ORG_FILE), RECEIPTS, clock, {"slack": platform})
    await migrate.upgrade(services.db)
    await remember_identity(services.db, "slack", "USTAFF", "staff@example.gov.uk", "Sam Staff", clock.now())
    await remember_identity(services.db, "slack", "UMANAGER", "manager@example.gov.uk", "Mo Manager", clock.now())
    services.platform = platform
    RECEIVED.clear()
    JOBS_RUN.clear()
    JOB_FAILURES.clear()
    yield services
    await services.db.close()


async def _queue(svc, key="k1", to="staff@example.gov.uk", text="Approved.", **kw):
    with collecting():   # the test drains by hand (else the commit starts a drain of its own)
        async with svc.db.transaction() as session:
            await svc.outbox.dm(session, to, message(Text(text)), key=key, **kw)


async def _rows(svc):
    async with svc.db.sessions() as session:
        return {r.key: r for r in await session.scalars(select(OutboxMessage))}


async def test_queued_with_the_change_or_not_at_all_and_sent_once(svc):
    with pytest.raises(RuntimeError), collecting():
        async with svc.db.transaction() as session:
            await svc.outbox.dm(session, "staff@example.gov.uk", message(Text("never")), key="lost")
            raise RuntimeError("the change failed")
    await _queue(svc)
    await _queue(svc)                      # a re-run queues the same key again: nothing more
    assert await svc.outbox.drain() == 1
    assert await svc.outbox.drain() == 0
    assert svc.platform.sent == [("dm", "USTAFF", "Approved.")]
    assert (await _rows(svc))["k1"].state == "sent"


async def test_a_failure_is_retried_later_and_a_rate_limit_waits_as_long_as_it_says(svc):
    svc.platform.failures = [SendError("Slack is down"), RateLimited("slow down", 5)]
    await _queue(svc)
    assert await svc.outbox.drain() == 0
    row = (await _rows(svc))["k1"]
    assert (row.state, row.not_before) == ("pending", svc.now() + timedelta(seconds=30))
    svc.clock.advance(seconds=30)
    assert await svc.outbox.drain() == 0
    assert (await _rows(svc))["k1"].not_before == svc.now() + timedelta(seconds=5)   # Retry-After: 5
    svc.clock.advance(seconds=4)
    assert await svc.outbox.drain() == 0 and svc.platform.sent == []
    svc.clock.advance(seconds=1)
    assert await svc.outbox.drain() == 1
    assert svc.platform.sent == [("dm", "USTAFF", "Approved.")]


async def test_a_message_that_never_goes_is_reported_to_the_person_who_caused_it(svc):
    svc.platform.failures = [SendError("channel_not_found")] * 20
    await _queue(svc, to="manager@example.gov.uk", text="Please sign this off", notify="staff@example.gov.uk",
                 about="your sign-off request")
    for _ in range(10):
        await svc.outbox.drain()
        svc.clock.advance(hours=3)
    svc.platform.failures = []
    await svc.outbox.drain()
    rows = await _rows(svc)
    assert rows["k1"].state == "failed" and rows["k1"].attempts == 6
    assert svc.platform.sent == [("dm", "USTAFF", "I couldn't deliver your sign-off request to manager@example.gov.uk: "
                                                  "channel_not_found. Please let them know yourself.")]


async def test_nobody_to_send_to_is_given_up_at_once(svc):
    await _queue(svc, to="nobody@example.gov.uk", notify="staff@example.gov.uk", about="the card")
    await svc.outbox.drain()
    assert (await _rows(svc))["k1"].state == "failed"
    assert "I couldn't reach nobody@example.gov.uk in Slack or Teams, so the card didn't reach them" in \
        svc.platform.sent[0][2]
    assert "there is no email set up" in svc.platform.sent[0][2]


async def test_a_send_whose_process_died_after_sending_is_found_not_repeated(svc):
    await _queue(svc)
    row = (await _rows(svc))["k1"]
    assert await store.claim(svc.db, row.id, svc.now()) == "pending"
    await svc.platform.send_marked("dm", "USTAFF", message(Text("Approved.")), "k1")   # ...and then it died
    assert await svc.outbox.drain() == 0                   # its lease has not run out: nobody else sends
    svc.clock.advance(minutes=4)
    assert await svc.outbox.drain() == 1
    assert svc.platform.sent == [("dm", "USTAFF", "Approved.")]
    assert (await _rows(svc))["k1"].sent_ref == {"platform": "slack", "channel": "DSTAFF", "message_id": "1"}


async def test_a_send_whose_process_died_before_sending_goes_once(svc):
    await _queue(svc)
    row = (await _rows(svc))["k1"]
    assert await store.claim(svc.db, row.id, svc.now()) == "pending"   # ...and died before sending
    svc.clock.advance(minutes=4)
    assert await svc.outbox.drain() == 1
    assert svc.platform.sent == [("dm", "USTAFF", "Approved.")]


async def test_an_update_waits_for_the_message_it_changes_and_receipts_run_when_sent(svc):
    with collecting():
        async with svc.db.transaction() as session:
            await svc.outbox.post(session, "CCOMMS", message(Text("card")), key="card", platform="slack",
                                  receipt="probe.card", receipt_args={"request": 7})
            await svc.outbox.update(session, None, message(Text("card, decided")), key="card:decided",
                                    after="card")
    assert await svc.outbox.drain() == 2
    assert svc.platform.sent == [("post", "CCOMMS", "card"), ("update", "CCOMMS/1", "card, decided")]
    assert RECEIVED == [({"request": 7}, MessageRef("slack", "CCOMMS", "1"))]


async def test_a_job_runs_once_after_the_messages_queued_with_it(svc):
    for _ in range(2):   # a re-run of the same change queues nothing more
        with collecting():
            async with svc.db.transaction() as session:
                await svc.outbox.job(session, "probe.job", {"case": 7}, key="job1", notify="staff@example.gov.uk",
                                     about="the probe")
                await svc.outbox.dm(session, "manager@example.gov.uk", message(Text("A new case.")), key="dm1")
    assert await svc.outbox.drain() == 2
    assert await svc.outbox.drain() == 0
    assert JOBS_RUN == [({"case": 7}, [("dm", "UMANAGER", "A new case.")])]   # the message went first
    assert (await _rows(svc))["job1"].state == "sent"


async def test_a_job_that_keeps_failing_is_retried_then_its_person_is_told(svc):
    JOB_FAILURES.extend([SendError("the mail server did not answer")] * 20)
    with collecting():
        async with svc.db.transaction() as session:
            await svc.outbox.job(session, "probe.job", {"case": 7}, key="job1", notify="staff@example.gov.uk",
                                 about="the email of FOI-2026-0007")
    assert await svc.outbox.drain() == 0
    assert (await _rows(svc))["job1"].not_before == svc.now() + timedelta(seconds=30)
    for _ in range(10):
        svc.clock.advance(hours=3)
        await svc.outbox.drain()
    rows = await _rows(svc)
    assert rows["job1"].state == "failed" and rows["job1"].attempts == 6 and JOBS_RUN == []
    assert svc.platform.sent == [("dm", "USTAFF", "I couldn't finish the email of FOI-2026-0007: the mail server "
                                                  "did not answer. Please tell the Communications Team.")]
