"""Slack DMs and the Home tab over the real HTTP path: signed Events API deliveries to the running server,
replies read from the Slack stand-in (which checks views.publish as Slack does)."""
from __future__ import annotations

from sqlalchemy import select

from storage.models.foi import FoiCase
from tests.e2e.test_accounts_helpers import only_request, slack_request_account
from tests.e2e.test_foi_slack import form_values

DRAFT = ("Come along to the Grace Road Library fun day this Saturday from 10am: face painting, stories "
         "and a bake sale for the children's ward.")


def posted_in(bot, channel: str) -> list[str]:
    return [c.text() for c in bot.slack.to(channel)]


async def test_help_typed_in_a_dm_is_answered_in_the_dm(bot):
    await bot.slack_dm("help", user="USTAFF")
    answers = posted_in(bot, "DSTAFF")
    assert len(answers) == 1
    assert "What I can do" in answers[0] and "/smpolicy foi" in answers[0]


async def test_a_dm_command_runs_as_the_slash_command_does(bot):
    await bot.slack_dm("check The password for the Facebook page is Tr0ub4dor&3", user="USTAFF")
    answer = posted_in(bot, "DSTAFF")[-1]
    assert "Stop" in answer
    await bot.slack_dm("stauts", user="USTAFF")
    assert "I don't know `/smpolicy stauts`" in posted_in(bot, "DSTAFF")[-1]
    assert "Did you mean `/smpolicy status`" in posted_in(bot, "DSTAFF")[-1]


async def test_a_pasted_draft_is_offered_a_check_and_the_button_gives_the_verdict(bot):
    event = await bot.slack_dm(DRAFT, user="USTAFF")
    offer = bot.slack.to("DSTAFF")[-1]
    assert "check this against the Social Media Policy" in offer.text() and "(4.2)" in offer.text()
    button = next(el for b in offer.args["blocks"] if b["type"] == "actions" for el in b["elements"]
                  if el["action_id"] == "check.pasted")
    assert DRAFT not in button["value"]          # the button names the message; it does not carry it
    await bot.slack_click("check.pasted", value=button["value"], user="USTAFF", channel="DSTAFF")
    verdict = bot.slack.responses()[-1].text()
    assert "looks OK to post" in verdict
    assert any(c.args.get("latest") == event["ts"] for c in bot.slack.of("conversations.history"))


async def test_a_dm_that_opens_a_form_offers_a_button_that_opens_it(bot):
    await bot.slack_dm("foi", user="USTAFF")
    offer = bot.slack.to("DSTAFF")[-1]
    assert "press the button to open the form" in offer.text()
    assert not bot.slack.of("views.open")
    button = next(el for b in offer.args["blocks"] if b["type"] == "actions" for el in b["elements"])
    await bot.slack_click(button["action_id"], value=button["value"], user="USTAFF", channel="DSTAFF")
    assert bot.last_view()["callback_id"] == "foi_form"


async def test_own_and_bot_messages_edits_and_retries_are_not_answered_twice(bot):
    event = bot.dm_event("help", user="USTAFF")
    await bot.slack_event(event)
    await bot.slack_event(event, retry=1)                       # Slack's retry of the same delivery
    await bot.slack_event({**event, "ts": "1.1", "user": "UBOT", "bot_id": "BBOT"})
    await bot.slack_event({**event, "ts": "1.2", "bot_id": "BOTHER", "user": "UOTHERBOT"})
    await bot.slack_event({**event, "ts": "1.3", "subtype": "message_changed"})
    await bot.slack_event({"type": "message", "channel": "CGENERAL", "user": "USTAFF", "text": "help",
                           "ts": "1.4", "channel_type": "channel"})   # channels are heard only when mentioned
    assert len(posted_in(bot, "DSTAFF")) == 1
    assert not bot.slack.of("chat.postEphemeral")


async def test_a_mention_in_a_channel_is_answered_to_the_person_only(bot):
    await bot.slack_event({"type": "app_mention", "channel": "CGENERAL", "user": "USTAFF",
                           "text": "<@UBOT> help", "ts": "1700000000.000200", "event_ts": "1700000000.000200"})
    said = bot.slack.of("chat.postEphemeral")
    assert len(said) == 1 and said[0].args["user"] == "USTAFF" and "What I can do" in said[0].text()
    assert not bot.slack.to("CGENERAL")


async def test_home_lists_a_pending_approval_and_an_foi_case_with_its_due_date(bot):
    assert await slack_request_account(bot) == {}               # Sam asks; Mo (the manager) must decide
    req = await only_request(bot)
    await bot.slack_shortcut("forward_foi", "How much did the council spend on consultants?", user="UMANAGER")
    assert await bot.slack_submit(form_values(owner="UMANAGER"), user="UMANAGER") == {}
    await bot.slack_home_opened("UMANAGER")
    home = bot.home_text("UMANAGER")
    assert f"AR-{req.id}" in home and "from Sam Staff" in home
    assert "FOI-2026-0001" in home and "due Thu 31 Dec 2026" in home
    assert "Posting isn't paused" in home
    actions = [el["action_id"] for b in bot.slack.home_views["UMANAGER"]["blocks"] if b["type"] == "actions"
               for el in b["elements"]]
    assert {"approval.approve", "foi.done", "check.open", "help.run"} <= set(actions)
    await bot.slack_home_opened("USTAFF")                      # the requester sees where theirs stands
    staff_home = bot.home_text("USTAFF")
    assert f"AR-{req.id}" in staff_home and "waiting for" in staff_home and "FOI-2026-0001" not in staff_home


async def test_done_on_home_closes_the_case_once_and_the_tab_is_redrawn(bot):
    await bot.slack_shortcut("forward_foi", "How much did the council spend on consultants?", user="USTAFF")
    assert await bot.slack_submit(form_values(owner="USTAFF"), user="USTAFF") == {}
    await bot.slack_home_opened("USTAFF")
    assert "FOI-2026-0001" in bot.home_text("USTAFF")
    await bot.slack_home_click("foi.done", "FOI-2026-0001", user="USTAFF")
    await bot.slack_home_click("foi.done", "FOI-2026-0001", user="USTAFF")   # a double click
    async with bot.svc.db.sessions() as s:
        case = await s.scalar(select(FoiCase).where(FoiCase.reference == "FOI-2026-0001"))
    assert case.state == "closed"
    told = posted_in(bot, "USTAFF")
    assert sum("is marked done" in t for t in told) == 1 and sum("was already marked done" in t for t in told) == 1
    assert "FOI-2026-0001" not in bot.home_text("USTAFF")
    assert "No open cases are yours" in bot.home_text("USTAFF")


async def test_home_follows_a_new_request_for_the_approver(bot):
    await bot.slack_home_opened("UMANAGER")
    assert "Nothing is waiting for your decision" in bot.home_text("UMANAGER")
    publishes = len(bot.slack.of("views.publish"))
    assert await slack_request_account(bot) == {}
    req = await only_request(bot)
    assert f"AR-{req.id}" in bot.home_text("UMANAGER")         # the card's DM redrew Mo's tab
    assert len(bot.slack.of("views.publish")) - publishes <= 3  # redrawn, not stormed
    assert "UOTHER" not in bot.slack.home_views                 # nobody who never opened Home is published


async def test_malformed_events_are_refused_and_odd_ones_ignored(bot):
    import json as _json
    import time as _time

    from slack_sdk.signature import SignatureVerifier

    from tests.support.server import SIGNING_SECRET

    async def signed(body: dict) -> int:
        raw, ts = _json.dumps(body), str(int(_time.time()))
        sig = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=raw)
        resp = await bot.http.post(bot.url + "/slack/events", data=raw.encode(), headers={
            "Content-Type": "application/json", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
        await bot.settle()
        return resp.status

    bot.slack.clear()   # what start-up sent
    assert await signed({"type": "event_callback"}) == 400
    assert await signed({"type": "event_callback", "event": "help"}) == 400
    assert await signed({"type": "event_callback", "event": {"text": "help"}}) == 400
    assert await signed({"type": "event_callback", "event": {"type": "app_home_opened", "user": 5}}) == 400
    assert await signed({"type": "event_callback", "event": {"type": "message", "channel": 1.5}}) == 400
    for odd in ({"type": "message", "channel_type": "im", "text": "help"},                 # nobody sent it
                {"type": "message", "channel_type": "im", "user": ["U"], "channel": "D1", "ts": "1.0"},
                {"type": "app_home_opened", "user": {"id": "USTAFF"}}, {"type": "reaction_added", "user": "USTAFF"}):
        await bot.slack_event(odd)
    assert not bot.slack.of("chat.postMessage") and not bot.slack.of("views.publish")


async def test_home_waits_for_slack_when_it_is_rate_limited(bot):
    bot.slack.throttle("views.publish", times=1, retry_after=1)
    await bot.slack_home_opened("USTAFF")
    assert len(bot.slack.of("views.publish:429")) == 1
    assert "Social media policy" in bot.home_text("USTAFF")


async def test_a_sign_off_request_waits_on_the_approvers_home_and_is_decided_there_once(bot):
    from tests.e2e.test_check import _request_signoff

    await bot.slack_home_opened("UMANAGER")
    await bot.slack_home_opened("USTAFF")
    await _request_signoff(bot)
    home = bot.home_text("UMANAGER")
    assert "*Sign-off* of" in home and "from Sam Staff" in home and "(4.2)" in home
    assert "waiting for Mo Manager" in bot.home_text("USTAFF")
    value = next(el["value"] for b in bot.slack.home_views["UMANAGER"]["blocks"] if b["type"] == "actions"
                 for el in b["elements"] if el["action_id"] == "signoff.approve")
    await bot.slack_home_click("signoff.approve", value, user="UMANAGER")
    await bot.slack_home_click("signoff.approve", value, user="UMANAGER")
    assert "*Sign-off* of" not in bot.home_text("UMANAGER")
    assert "waiting for Mo Manager" not in bot.home_text("USTAFF")   # the decision's DM redrew Sam's tab
    from sqlalchemy import select as _select

    from storage.models.core import Event
    async with bot.svc.db.sessions() as s:
        decided = [e for e in await s.scalars(_select(Event)) if e.subject_kind.startswith("signoff")
                   and e.to_state == "approved"]
    assert len(decided) == 1


async def test_the_home_buttons_open_their_forms(bot):
    await bot.slack_home_opened("USTAFF")
    buttons = {el["text"]["text"]: el for b in bot.slack.home_views["USTAFF"]["blocks"] if b["type"] == "actions"
               for el in b["elements"]}
    for label, callback_id in (("Check a post", "check_draft"), ("Request an account", "account_request"),
                               ("Forward an FOI request", "foi_form")):
        button = buttons[label]
        await bot.slack_home_click(button["action_id"], button.get("value", ""), user="USTAFF")
        assert bot.last_view()["callback_id"] == callback_id, label
    ack = await bot.slack_submit({"draft": ""}, user="USTAFF", view=bot.slack.of("views.open")[0].args["view"])
    assert ack["response_action"] == "errors" and "Paste the post" in ack["errors"]["draft"]
    ack = await bot.slack_submit({"draft": DRAFT}, user="USTAFF", view=bot.slack.of("views.open")[0].args["view"])
    assert ack == {} and "looks OK to post" in posted_in(bot, "USTAFF")[-1]
