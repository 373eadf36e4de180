"""The inbox on its own (chat/inbox.py, storage/inbox.py): a delivery is written down once, worked once, its
replies queued with the item marked done; work whose process died is run again once its lease runs out, by
whichever instance gets there first, and given up (with a word to the person) after repeated failures.
Runs on PostgreSQL too (TEST_DATABASE_URL)."""
from __future__ import annotations

import asyncio

import pytest

from bot.settings import Settings
from bot.wiring import build_services
from chat.clock import FixedClock
from chat.inbox import GAVE_UP, durable_work_sweep
from chat.messages import Form, Input, PersonRef, Text, message
from chat.orgconfig import load_config
from chat.registry import Command, OnSubmit, Registry, Workflow
from chat.replies import Ephemeral, FormErrors, Invocation
from storage import inbox as store
from storage import migrate
from storage.identity import remember_identity
from tests.conftest import london
from tests.support.server import ORG_FILE

RUNS: list[str] = []
STUCK: dict[str, asyncio.Event] = {}


async def probe(svc, inv):
    RUNS.append(inv.args)
    if inv.args in STUCK:
        await STUCK[inv.args].wait()   # a slow step: the process is killed while it waits
    return Ephemeral(message(Text(f"done {inv.args}")))


async def picky_form(svc, inv):
    return FormErrors({"name": "Give a name."}, form=Form("picky", "Picky", (Input("name", "Name"),)))


REGISTRY = Registry([Workflow("probe", commands=(Command("smpolicy", "probe", "probe", "probe", probe),),
                              forms=(OnSubmit("picky", picky_form),))])


class Replies:
    forms_after_ack = False

    def __init__(self):
        self.sent: list = []

    async def reply(self, ctx, reply):
        self.sent.append((ctx["user"], reply))


def _services(database_url, clock):
    settings = Settings(database_url=database_url, config_path=str(ORG_FILE))
    svc = build_services(settings, load_config(ORG_FILE), REGISTRY, clock, {})
    svc.outbox.replies["slack"] = Replies()
    return svc


@pytest.fixture
async def svc(database_url):
    clock = FixedClock(london(2026, 12, 1, 10, 0))
    services = _services(database_url, clock)
    await migrate.upgrade(services.db)
    await remember_identity(services.db, "slack", "USTAFF", "staff@example.gov.uk", "Sam Staff", clock.now())
    RUNS.clear()
    STUCK.clear()
    yield services
    await services.db.close()


def _inv(args="a", kind="command", command="probe"):
    return Invocation("slack", kind, PersonRef("slack", "USTAFF"), command=command, args=args)


def _said(svc) -> list[str]:
    return [reply.message.text for _, reply in svc.outbox.replies["slack"].sent]


async def test_a_delivery_is_handled_once_and_its_reply_queued_with_it(svc):
    inv = _inv()
    assert await svc.inbox.receive("slack:t1", inv, {"user": "USTAFF"})
    assert not await svc.inbox.receive("slack:t1", inv, {"user": "USTAFF"})     # Slack's retry
    await svc.inbox.process("slack:t1", inv, {"user": "USTAFF"})
    assert RUNS == ["a"] and _said(svc) == ["done a"]
    assert (await store.get(svc.db, "slack:t1")).state == "done"
    await durable_work_sweep(svc, svc.now())                                     # nothing left to do
    assert RUNS == ["a"] and _said(svc) == ["done a"]


async def test_work_whose_process_died_is_run_again_once_by_one_instance(svc, database_url):
    STUCK["b"] = asyncio.Event()
    inv = _inv("b")
    assert await svc.inbox.receive("slack:t2", inv, {"user": "USTAFF"})
    dying = asyncio.ensure_future(svc.inbox.process("slack:t2", inv, {"user": "USTAFF"}))
    while not RUNS:
        await asyncio.sleep(0.01)
    dying.cancel()                                        # killed mid-way
    await asyncio.gather(dying, return_exceptions=True)
    del STUCK["b"]
    assert _said(svc) == []
    await durable_work_sweep(svc, svc.now())              # its lease has not run out yet
    assert RUNS == ["b"]
    svc.clock.advance(minutes=4)
    other = _services(database_url, svc.clock)            # a second instance on the same database
    try:
        await asyncio.gather(durable_work_sweep(svc, svc.now()), durable_work_sweep(other, svc.now()))
        assert RUNS == ["b", "b"]                         # run again once, by one of them
        assert _said(svc) + _said(other) == ["done b"]
        assert (await store.get(svc.db, "slack:t2")).state == "done"
    finally:
        await other.db.close()


async def test_work_that_keeps_failing_is_given_up_and_the_person_told(svc):
    inv = _inv("c")
    assert await svc.inbox.receive("slack:t3", inv, {"user": "USTAFF"})
    for _ in range(store.MAX_ATTEMPTS - 1):                # the first run and every re-run die
        svc.clock.advance(minutes=4)
        item = (await store.expired(svc.db, svc.now()))[0]
        assert await store.take_over(svc.db, item.id, svc.now())
    svc.clock.advance(minutes=4)
    await durable_work_sweep(svc, svc.now())
    assert RUNS == []
    assert _said(svc) == [GAVE_UP.format(when="10:00 on 01 Dec")]
    assert (await store.get(svc.db, "slack:t3")).state == "failed"


async def test_a_form_answered_before_its_errors_were_known_gets_them_as_a_message(svc):
    inv = _inv(kind="form", command="picky")
    assert await svc.inbox.receive("slack:t4", inv, {"user": "USTAFF"})
    await svc.inbox.process("slack:t4", inv, {"user": "USTAFF"}, late=True)
    assert _said(svc) == ["I couldn't accept your form, and nothing was changed:"]
    text = [b.text for b in svc.outbox.replies["slack"].sent[0][1].message.blocks]
    assert "• Give a name." in text


async def test_a_command_line_run_leaves_work_and_answers_to_the_server(svc, database_url):
    inv = _inv("d")
    assert await svc.inbox.receive("slack:t5", inv, {"user": "USTAFF"})
    svc.clock.advance(minutes=4)                          # its worker died
    settings = Settings(database_url=database_url, config_path=str(ORG_FILE))
    cli = build_services(settings, load_config(ORG_FILE), REGISTRY, svc.clock, {})   # no platform at all
    try:
        await durable_work_sweep(cli, svc.now())          # `python -m bot remind` runs every sweep
        assert RUNS == [] and (await store.get(svc.db, "slack:t5")).state == "working"
    finally:
        await cli.db.close()
    await durable_work_sweep(svc, svc.now())              # the server can answer: it runs it
    assert RUNS == ["d"] and _said(svc) == ["done d"]
