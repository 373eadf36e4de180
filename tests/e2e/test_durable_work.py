"""Durable work after the acknowledgement (issue 10 items 3 and 6, issue 12 item 5), over real HTTP.

A process is "killed" the way tests/dialogs/test_digest_crash.py does it: its tasks are cancelled and its server
closed without draining anything (BotHarness.kill); a new process then starts on the same database and the same
Slack stand-in (BotHarness.start_again). Whatever was acknowledged is done once, and every message it causes is
sent once, whether the kill came before the work, before a message was sent, or after it was sent and before
that was recorded. Runs on PostgreSQL too (TEST_DATABASE_URL).
"""
from __future__ import annotations

import asyncio
import json
import time
from datetime import date
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import delete, select

from chat.inbox import Inbox
from chat.outbox import Outbox
from storage.models import Event, Identity
from storage.models.foi import FoiCase
from storage.models.signoff import SignOffRequest
from tests.e2e.test_accounts_helpers import ACCOUNT, BOOST, cards, events, only_request, requests, slack_request_account
from tests.e2e.test_crisis_support import crisis
from tests.support.server import SIGNING_SECRET, BotHarness

CLOSURE_POST = "We are closing Hadleigh library next month because of budget cuts"
TOLD_REQUESTER = "authorised your account request AR-1"
TOLD_APPROVER = "AR-1 is authorised and now with the Communications Team"
COMMS_CARD = "Account request AR-1: Facebook"


@pytest.fixture
async def mailing_bot(database_url, clock, smtp_server):
    """Slack and Teams, with the organisation's SMTP (the FOI email)."""
    harness = await BotHarness.start(database_url, clock, env=smtp_server.env())
    try:
        yield harness
    finally:
        await harness.stop()


def told(bot, needle: str, channel: str | None = None) -> int:
    """How many messages (DMs, posts, ephemeral answers) carrying `needle` reached Slack (in `channel`)."""
    kinds = ("chat.postMessage", "chat.postEphemeral", "response_url")
    return sum(needle in c.text() for c in bot.slack.calls
               if c.method in kinds and (channel is None or c.args.get("channel") == channel))


def told_person(bot, needle: str, user: str) -> int:
    """How many messages carrying `needle` reached the person: by DM, or privately in a channel."""
    return sum(needle in c.text() for c in bot.slack.calls
               if c.method in ("chat.postMessage", "chat.postEphemeral")
               and (c.args.get("channel") == user or c.method == "chat.postEphemeral" and c.args.get("user") == user))


async def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the bot never got there"
        await asyncio.sleep(0.01)


async def waiting_for_the_manager(bot):
    assert await slack_request_account(bot) == {}
    return await only_request(bot)


async def click_approve(bot, req):
    card = (await cards(bot, req.id, channel="DMANAGER"))[-1]
    resp = await bot.slack_click("approval.approve", value=f"{req.id}:{card.step}", user="UMANAGER",
                                 channel="DMANAGER", message_ts=card.message_id, settle=False)
    assert resp.status == 200


async def come_back(bot) -> None:
    """The process returns a few minutes later (past every lease the dead one held)."""
    bot.clock.advance(minutes=4)
    await bot.start_again()


async def assert_applied_once_and_everyone_told_once(bot, req) -> None:
    now = await only_request(bot)
    assert (now.state, now.step, [h["by"] for h in now.history]) == ("pending", 1, ["manager@example.gov.uk"])
    assert [e.action for e in await events(bot, "account_request")] == ["submitted", "step_approved"]
    assert told(bot, TOLD_REQUESTER) == 1          # the requester, by DM
    assert told(bot, TOLD_APPROVER) == 1           # the approver, privately
    assert told(bot, COMMS_CARD, "CCOMMS") == 1    # the next step's card, in the Communications Team's channel
    assert "authorised by Mo Manager" in bot.slack.of("chat.update")[-1].text()


async def test_an_approval_killed_during_a_slow_lookup_is_applied_once_after_restart(bot):
    req = await waiting_for_the_manager(bot)
    async with bot.svc.db.transaction() as s:   # the approver is new to this process: Slack is asked who they are
        await s.execute(delete(Identity).where(Identity.platform == "slack", Identity.user_id == "UMANAGER"))
    bot.svc.directory._emails.clear()
    slow = bot.slack.hold("users.info")
    await click_approve(bot, req)
    await until(lambda: bot.slack.of("users.info:held"))
    await asyncio.sleep(1)                          # killed 1 s after the 200, the look-up still waiting
    await bot.kill()
    slow.set()
    del bot.slack.held["users.info"]
    assert told(bot, TOLD_REQUESTER) == told(bot, TOLD_APPROVER) == 0
    await come_back(bot)
    await assert_applied_once_and_everyone_told_once(bot, req)


async def test_killed_before_the_messages_went_each_goes_once_after_restart(bot, monkeypatch):
    req = await waiting_for_the_manager(bot)
    reached = asyncio.Event()

    async def never_sends(self, row):
        reached.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(Outbox, "_deliver", never_sends)
    await click_approve(bot, req)
    await asyncio.wait_for(reached.wait(), 10)
    await bot.kill()
    monkeypatch.undo()
    assert (await only_request(bot)).step == 1     # the change is in, with its messages queued beside it
    assert told(bot, TOLD_REQUESTER) == told(bot, COMMS_CARD, "CCOMMS") == 0
    await come_back(bot)
    await assert_applied_once_and_everyone_told_once(bot, req)


async def test_killed_after_a_message_went_but_before_it_was_recorded_it_is_not_sent_again(bot, monkeypatch):
    req = await waiting_for_the_manager(bot)
    reached = asyncio.Event()
    record = Outbox._sent

    async def dies_after_sending(self, row, ref):
        if row.kind in ("dm", "post"):
            reached.set()
            await asyncio.Event().wait()
        await record(self, row, ref)

    monkeypatch.setattr(Outbox, "_sent", dies_after_sending)
    await click_approve(bot, req)
    await asyncio.wait_for(reached.wait(), 10)
    await bot.kill()
    monkeypatch.undo()
    assert told(bot, TOLD_REQUESTER) + told(bot, COMMS_CARD, "CCOMMS") == 1   # the first one went; nobody knew
    await come_back(bot)
    await assert_applied_once_and_everyone_told_once(bot, req)


def hangs_at(monkeypatch, owner: type, method: str) -> asyncio.Event:
    """`owner.method` never returns, as in a process killed there; the event is set when it is reached."""
    reached = asyncio.Event()

    async def hangs(self, *args, **kwargs):
        reached.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(owner, method, hangs)
    return reached


async def checked_events(bot) -> list:
    async with bot.svc.db.sessions() as session:
        rows = await session.scalars(select(Event).where(Event.subject_kind == "check"))
        return [(e.action, e.to_state) for e in rows]


async def test_a_check_killed_after_its_verdict_was_queued_is_answered_once_after_restart(bot, monkeypatch):
    """The verdict is queued already claimed by the worker that checked (no look-up or claim of its own on the
    way to the person): a worker that dies before sending it leaves a lease that runs out, and the verdict
    goes then, once, with its one audit event."""
    reached = hangs_at(monkeypatch, Outbox, "_deliver")
    await bot.slack_command("/smpolicy", f"check {CLOSURE_POST}", settle=False)
    await asyncio.wait_for(reached.wait(), 10)
    await bot.kill()
    monkeypatch.undo()
    assert told(bot, "Get sign-off before you post this") == 0
    assert await checked_events(bot) == [("checked", "sign_off")]   # written with the queued verdict
    await come_back(bot)
    await bot.settle()
    assert told(bot, "Get sign-off before you post this") == 1
    assert await checked_events(bot) == [("checked", "sign_off")]


async def test_a_check_killed_before_its_verdict_was_queued_is_checked_and_audited_once_after_restart(
        bot, monkeypatch):
    """Killed after the check ran but before its verdict was queued: nothing of it was kept (its audit event is
    written in the transaction that queues the verdict), so the re-run makes the one event and the one verdict."""
    reached = hangs_at(monkeypatch, Inbox, "finish")
    await bot.slack_command("/smpolicy", f"check {CLOSURE_POST}", settle=False)
    await asyncio.wait_for(reached.wait(), 10)
    await bot.kill()
    monkeypatch.undo()
    assert await checked_events(bot) == []
    await come_back(bot)
    await bot.settle()
    assert told(bot, "Get sign-off before you post this") == 1
    assert await checked_events(bot) == [("checked", "sign_off")]


def _view_submission(bot, view: dict, values: dict, user: str, trigger: str) -> str:
    state = {b["block_id"]: {b["element"]["action_id"]: {"type": b["element"]["type"], "value": values.get(
        b["element"]["action_id"])}} for b in view["blocks"] if b.get("type") == "input"}
    payload = {"type": "view_submission", "team": {"id": "T1", "domain": "council"},
               "user": {"id": user, "username": "sam.staff", "name": "Sam Staff", "team_id": "T1"},
               "api_app_id": "A1", "token": "legacy", "trigger_id": trigger,
               "view": {"id": "V1", "team_id": "T1", "type": "modal", "blocks": view["blocks"],
                        "private_metadata": view.get("private_metadata", ""), "callback_id": view["callback_id"],
                        "state": {"values": state}, "hash": "h", "app_id": "A1", "bot_id": "BBOT"},
               "response_urls": [], "is_enterprise_install": False, "enterprise": None}
    return urlencode({"payload": json.dumps(payload)})


async def test_a_retried_signoff_submission_files_one_request_and_dms_the_manager_once(bot):
    from bot.slack.render import modal
    from bot.slack.replies import wrap_private
    from dialogs.signoff.messages import signoff_form

    view = modal(signoff_form(None))
    view["private_metadata"] = wrap_private("", "CGENERAL")
    body = _view_submission(bot, view, {"draft": CLOSURE_POST}, "USTAFF", "trigger-signoff-1").encode()
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)}
    first = await bot.http.post(bot.url + "/slack/events", data=body, headers=headers)
    again = await bot.http.post(bot.url + "/slack/events", data=body,
                                headers={**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    await bot.settle()
    assert (first.status, again.status) == (200, 200)
    async with bot.svc.db.sessions() as s:
        filed = list(await s.scalars(select(SignOffRequest)))
    assert [r.approver for r in filed] == ["manager@example.gov.uk"]
    assert sum("Sign-off requested (4.2)" in c.text() for c in bot.slack.to("UMANAGER")) == 1


async def test_every_form_is_answered_within_3s_while_slack_rate_limits_and_its_work_is_done_once_after(
        mailing_bot, smtp_server):
    from bot.slack.render import modal
    from bot.slack.replies import wrap_private
    from dialogs.signoff.messages import signoff_form

    bot = mailing_bot
    await bot.slack_command("/smpolicy", "request-account", user="USTAFF")
    account = bot.last_view()
    await bot.slack_command("/smpolicy", "boost", user="USTAFF")
    boost = bot.last_view()
    await bot.slack_shortcut("forward_foi", "How much did the council spend on consultants in 2025?", user="UOTHER")
    foi = bot.last_view()
    await bot.slack_command("/crisis", "start", user="UCOMMS")
    crisis_form = bot.last_view()
    signoff = modal(signoff_form(None))
    signoff["private_metadata"] = wrap_private("", "CGENERAL")
    forms = [(account, ACCOUNT, "USTAFF"), (boost, BOOST, "USTAFF"),
             (foi, {"question": "How much did the council spend on consultants in 2025?",
                    "source_platform": "facebook", "visibility": "public", "requester_handle": "@jo.public",
                    "received": date(2026, 12, 1), "kind": "foi", "owner": "UOTHER"}, "UOTHER"),
             (crisis_form, {"accounts": ["highways"], "what": "Residents are furious about the A12 post",
                            "indicators": ["press"]}, "UCOMMS"),
             (signoff, {"draft": CLOSURE_POST}, "USTAFF")]
    bot.slack.throttle("*", times=len(forms), retry_after=5)     # Slack: "slow down, try again in 5 s"
    smtp_server.slow_down(4)                                      # and the mail server takes 4 s a message
    rooms_before = len(bot.slack.of("conversations.create"))
    for view, values, user in forms:
        started = time.monotonic()
        ack = await bot.slack_submit(values, user=user, view=view, settle=False)
        answered = time.monotonic() - started
        assert answered < 3, f"{view['callback_id']} answered after {answered:.1f}s"
        assert ack in ({}, None) or "errors" not in json.dumps(ack), (view["callback_id"], ack)
    await bot.settle(timeout=60)
    assert len(bot.slack.of("chat.postMessage:429")) + len(bot.slack.of("users.info:429")) > 0
    # Each piece of work was done after the answers, and once.
    assert sorted(r.kind for r in await requests(bot)) == ["account", "boost"]
    assert told(bot, "Account request AR-1", "UMANAGER") == 1
    assert told(bot, "Boost request BR-", "UBUDGET") == 1
    assert told(bot, "Sign-off requested (4.2)", "UMANAGER") == 1
    async with bot.svc.db.sessions() as s:
        assert list(await s.scalars(select(FoiCase.reference))) == ["FOI-2026-0001"]
        assert [r.approver for r in await s.scalars(select(SignOffRequest))] == ["manager@example.gov.uk"]
    assert len(smtp_server.messages) == 1 and "[FOI-2026-0001]" in smtp_server.messages[0].message["Subject"]
    assert told_person(bot, "FOI-2026-0001: saved and being emailed", "UOTHER") == 1
    assert told_person(bot, "FOI-2026-0001 has now been emailed", "UOTHER") == 1
    assert (await crisis(bot, 1)).status == "active"
    assert len(bot.slack.of("conversations.create")) - rooms_before == 1     # one crisis room


async def test_the_foi_confirmation_does_not_wait_for_a_slow_mail_server(mailing_bot, smtp_server):
    bot = mailing_bot
    await bot.slack_shortcut("forward_foi", "How much did the council spend on consultants in 2025?", user="UOTHER")
    held = smtp_server.hold()                # the mail server takes the email only when let go below
    started = time.monotonic()
    ack = await bot.slack_submit({"question": "How much did the council spend on consultants in 2025?",
                                  "source_platform": "facebook", "visibility": "public", "received": date(2026, 12, 1),
                                  "kind": "foi", "owner": "UOTHER"}, user="UOTHER", settle=False)
    assert ack in ({}, None) and time.monotonic() - started < 3
    await until(lambda: told_person(bot, "FOI-2026-0001: saved and being emailed", "UOTHER") == 1)
    assert time.monotonic() - started < 3          # the person has their reference and replies...
    assert smtp_server.messages == []              # ...while the mail server is still taking the email
    held.set()
    await bot.settle(timeout=30)
    assert len(smtp_server.messages) == 1
    assert told_person(bot, "FOI-2026-0001 has now been emailed to foi@example.gov.uk", "UOTHER") == 1


async def test_the_teams_foi_dialog_is_answered_before_a_slow_mail_server_takes_the_email(mailing_bot,
                                                                                          smtp_server):  # noqa: F811
    from tests.e2e.test_foi_teams import QUESTION, card_of, submit_data

    bot = mailing_bot
    _, body = await bot.teams_message_action("forward_foi", QUESTION, user="29:staff")
    data = submit_data(card_of(body), question=QUESTION, source_platform="x", visibility="private",
                       requester_handle="@jo", received="2026-12-01", kind="sar", owner="staff@example.gov.uk")
    held = smtp_server.hold()                # the mail server takes the email only when let go below
    started = time.monotonic()
    submitted = bot.teams_activity("29:staff", type="invoke", name="composeExtension/submitAction",
                                   value={"data": data})
    status, body = await bot.teams_post(submitted, settle=False)
    answered = time.monotonic() - started
    assert status == 200 and answered < 3, f"answered after {answered:.1f}s"
    assert "FOI-2026-0001: saved and being emailed" in json.dumps(body)   # the dialog shows the case at once
    assert smtp_server.messages == []
    held.set()
    await bot.settle(timeout=30)
    assert len(smtp_server.messages) == 1
    assert bot.teams_to("29:staff").count("FOI-2026-0001 has now been emailed to foi@example.gov.uk") == 1


BREACH_DRAFT = "The login for the Highways Facebook page is highways.admin and the password is Tr0ub4dor&3xyz"


async def report_harassment(bot) -> float:
    """Sam reports harassment with the form; how long Slack waited for its answer."""
    await bot.slack_command("/smpolicy", "harassment", user="USTAFF")
    started = time.monotonic()
    ack = await bot.slack_submit({"platform": "facebook", "handle": "@nasty_troll", "details": "Three posts"},
                                 user="USTAFF", settle=False)
    assert ack in ({}, None), ack
    return time.monotonic() - started


async def report_breach(bot) -> float:
    """Sam clicks "Report to Information Management" on a verdict; how long Slack waited for its answer."""
    await bot.slack_command("/smpolicy", f"check {BREACH_DRAFT}", user="USTAFF")
    button = next(el for b in bot.slack.responses()[-1].args.get("blocks", []) if b["type"] == "actions"
                  for el in b["elements"] if el["text"]["text"] == "Report to Information Management")
    started = time.monotonic()
    resp = await bot.slack_click("security.report", value=button["value"], user="USTAFF", settle=False)
    assert resp.status == 200
    return time.monotonic() - started


def jobs_never_run(monkeypatch) -> asyncio.Event:
    """The outbox sends messages but hangs on every job (an email, convening a crisis), as a process killed just
    before it ran one; the event is set when one is reached."""
    reached = asyncio.Event()
    deliver = Outbox._deliver

    async def never_runs_jobs(self, row):
        if row.kind != "job":
            return await deliver(self, row)
        reached.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(Outbox, "_deliver", never_runs_jobs)
    return reached


REPORTS = {"harassment": (report_harassment, "[HA-2026-0001]", "HA-2026-0001: harassment reported"),
           "breach": (report_breach, "[IS-2026-0001]", "IS-2026-0001* is saved, and I'm emailing")}


@pytest.mark.parametrize("report", sorted(REPORTS))
async def test_a_report_is_answered_before_a_slow_mail_server_takes_its_email(mailing_bot, smtp_server, report):
    bot = mailing_bot
    act, subject, confirmation = REPORTS[report]
    held = smtp_server.hold()                # the mail server takes the email only when let go below
    answered = await act(bot)
    assert answered < 3, f"answered after {answered:.1f}s"
    await until(lambda: told(bot, confirmation) == 1, timeout=3)   # the person has their reference at once...
    assert smtp_server.messages == []                             # ...while the mail server is still taking it
    held.set()
    await bot.settle(timeout=30)
    assert [subject in m.message["Subject"] for m in smtp_server.messages] == [True]
    assert told(bot, "hasn't gone yet") == 0


@pytest.mark.parametrize("report", sorted(REPORTS))
async def test_killed_between_a_reports_answer_and_its_email_it_is_emailed_once_after_restart(
        mailing_bot, smtp_server, monkeypatch, report):
    bot = mailing_bot
    act, subject, confirmation = REPORTS[report]
    reached = jobs_never_run(monkeypatch)
    await act(bot)
    await asyncio.wait_for(reached.wait(), 10)
    await bot.kill()
    monkeypatch.undo()
    assert told(bot, confirmation) == 1 and smtp_server.messages == []
    await come_back(bot)
    await bot.settle(timeout=30)
    assert [subject in m.message["Subject"] for m in smtp_server.messages] == [True]
    assert told(bot, confirmation) == 1 and told(bot, "hasn't gone yet") == 0


async def assert_convened_once_after_restart(bot, monkeypatch, rooms_before: int) -> None:
    """Kill the bot after the answer and before convening; the next process convenes crisis 1 exactly once."""
    await bot.kill()
    monkeypatch.undo()
    assert len(bot.slack.of("conversations.create")) == rooms_before    # answered; nothing convened yet
    await come_back(bot)
    await bot.settle(timeout=30)
    assert (await crisis(bot, 1)).status == "active"
    assert len(bot.slack.of("conversations.create")) - rooms_before == 1
    assert told_person(bot, "Crisis 1 started", "UCOMMS") == 1


async def test_killed_between_the_crisis_forms_answer_and_convening_the_group_is_convened_once_after_restart(
        bot, monkeypatch):
    await bot.slack_command("/crisis", "start", user="UCOMMS")
    view = bot.last_view()
    rooms_before = len(bot.slack.of("conversations.create"))
    reached = jobs_never_run(monkeypatch)
    ack = await bot.slack_submit({"accounts": ["highways"], "what": "Residents are furious about the A12 post",
                                  "indicators": ["press"]}, user="UCOMMS", view=view, settle=False)
    assert ack in ({}, None)
    await asyncio.wait_for(reached.wait(), 10)
    await assert_convened_once_after_restart(bot, monkeypatch, rooms_before)


async def test_a_typed_crisis_start_is_answered_at_once_and_convened_once_even_if_killed_before_convening(
        bot, monkeypatch):
    """`/crisis start highways <what>` answers straight away and convenes as an outbox job, as the form does: a
    process killed between the answer and convening leaves it to the next one, which convenes once."""
    rooms_before = len(bot.slack.of("conversations.create"))
    reached = jobs_never_run(monkeypatch)
    await bot.slack_command("/crisis", "start highways Residents are furious about the A12 post", user="UCOMMS",
                            settle=False)
    await asyncio.wait_for(reached.wait(), 10)
    await until(lambda: told(bot, "Convening the Crisis Management Group for *Test Highways*") == 1)
    await assert_convened_once_after_restart(bot, monkeypatch, rooms_before)
    # A second typed start on the same account is told at once where the crisis is, and nothing is queued.
    await bot.slack_command("/crisis", "start highways Still going", user="UOTHER")
    assert "already an active crisis on Test Highways" in bot.slack.responses()[-1].text()
    assert await crisis(bot, 2) is None
