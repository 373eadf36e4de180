"""A crisis per §4.3, reading the accounts register: every registered administrator of the account is told to post
the listening response and STOP, and told when they may resume, exactly once each; every sign-off on the account
goes to the one appointed approver, and only they (or a deputy the organisation file names) may decide it.
Slack and Teams, over the real HTTP path."""
from __future__ import annotations

import json

from tests.conftest import london
from tests.e2e.test_accounts_helpers import ephemeral_to, teams_hello, teams_submit
from tests.e2e.test_crisis_support import LISTENING, actions, crisis, registered_highways, told_anywhere, told_count

CLOSURE_POST = "We are closing Hadleigh library next month because of budget cuts"
START = "start highways Residents are furious about our post saying the A12 is shut when it is not"


def _buttons(call) -> list[dict]:
    return [el for block in call.args.get("blocks", []) if block["type"] == "actions" for el in block["elements"]]





async def test_slack_crisis_stop_resume_once_each_and_signoff_only_by_the_approver(bot):
    await registered_highways(bot)
    await bot.slack_command("/crisis", START, user="UCOMMS")
    c = await crisis(bot)
    # Everyone the register lists for the account, and the service lead, was told to STOP, with the listening
    # response to post first.
    assert set(c.administrators) == {"other@example.gov.uk", "firefighter@examplefire.gov.uk", "lead@example.gov.uk"}
    for user in ("UOTHER", "UFIRE", "ULEAD"):
        assert told_count(bot, user, "STOP posting on Test Highways") == 1, user
        assert LISTENING in bot.slack.said_to(user)
    await bot.slack_command("/crisis", "approver <@UCOMMS2|cat.comms>", user="UCOMMS", channel=c.room_id)

    # A typed check carries its draft to the sign-off form; the draft does not say which account, so the form asks.
    await bot.slack_command("/smpolicy", f"check {CLOSURE_POST}", user="USTAFF")
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", button["value"], user="USTAFF", ephemeral=True)
    view = bot.last_view()
    inputs = {b["block_id"]: b for b in view["blocks"] if b.get("type") == "input"}
    assert inputs["draft"]["element"]["initial_value"] == CLOSURE_POST
    assert ("highways", "Test Highways") in [(o["value"], o["text"]["text"])
                                             for o in inputs["account"]["element"]["options"]]
    # The requester cannot send it to their manager instead of the approver.
    ack = await bot.slack_submit({"draft": CLOSURE_POST, "account": "highways", "approver": "UMANAGER"},
                                 user="USTAFF", view=view)
    assert ack["response_action"] == "errors"
    assert "one approver, Cat Comms (4.3)" in ack["errors"]["approver"]
    ack = await bot.slack_submit({"draft": CLOSURE_POST, "account": "highways"}, user="USTAFF", view=view)
    assert ack == {}
    assert "to Cat Comms, the one approver for Test Highways during its crisis (4.3)" in bot.slack.said_to("USTAFF")
    card = next(m for m in bot.slack.to("UCOMMS2") if "Sign-off requested" in m.text())
    assert "you are its one approver (4.3)" in card.text() and CLOSURE_POST in card.text()
    assert not any("Sign-off requested" in m.text() for m in bot.slack.to("UMANAGER"))
    assert not any("Sign-off requested" in m.text() for m in bot.slack.to("CCOMMS"))

    approve = next(b for b in _buttons(card) if b["action_id"] == "signoff.approve")
    for outsider in ("UMANAGER", "UCOMMS"):     # not the line manager, not any Communications Team member
        await bot.slack_click("signoff.approve", approve["value"], user=outsider, channel=f"D{outsider[1:]}")
        assert "only its one approver, Cat Comms, can decide this (4.3)" in ephemeral_to(bot, outsider)
    assert "Your post “We are closing" not in bot.slack.said_to("USTAFF")
    await bot.slack_click("signoff.approve", approve["value"], user="UCOMMS2", channel="DCOMMS2",
                          message_ts=card.args.get("ts"))
    assert "Your post “We are closing Hadleigh library" in bot.slack.said_to("USTAFF")
    assert "was approved by Cat Comms" in bot.slack.said_to("USTAFF")

    # The end: each of them told once that posting may resume, through the outbox, and it is on the timeline.
    await bot.slack_command("/crisis", "end", user="UCOMMS", channel=c.room_id)
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 1, 11, 0))
    for user in ("UOTHER", "UFIRE", "ULEAD"):
        assert told_count(bot, user, "You may resume posting") == 1, user
        assert told_count(bot, user, "STOP posting on Test Highways") == 1, user
    assert (await actions(bot)).count("resume_sent") == 3 and (await actions(bot)).count("stop_sent") == 3


async def test_slack_a_deputy_named_in_the_organisation_file_may_decide_in_the_approvers_absence(bot):
    await bot.slack_command("/crisis", START, user="UCOMMS")
    c = await crisis(bot)
    await bot.slack_command("/crisis", "approver <@UCOMMS2|cat.comms>", user="UCOMMS", channel=c.room_id)
    await bot.slack_shortcut("is_this_ok", f"Test Highways: {CLOSURE_POST}", user="USTAFF")
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", button["value"], user="USTAFF", ephemeral=True)
    view = bot.last_view()
    # The draft names the account, so the form does not ask.
    assert "account" not in {b["block_id"] for b in view["blocks"] if b.get("type") == "input"}
    await bot.slack_submit({"draft": f"Test Highways: {CLOSURE_POST}"}, user="USTAFF", view=view)
    card = next(m for m in bot.slack.to("UCOMMS2") if "Sign-off requested" in m.text())
    approve = next(b for b in _buttons(card) if b["action_id"] == "signoff.approve")
    await bot.slack_click("signoff.approve", approve["value"], user="UHEAD", channel="DHEAD")
    assert "was approved by Hal Head" in bot.slack.said_to("USTAFF")


async def test_slack_a_newly_appointed_approver_decides_what_the_last_one_left(bot):
    await bot.slack_command("/crisis", START, user="UCOMMS")
    c = await crisis(bot)
    await bot.slack_command("/crisis", "approver <@UCOMMS2|cat.comms>", user="UCOMMS", channel=c.room_id)
    await bot.slack_command("/smpolicy", f"check --account highways {CLOSURE_POST}", user="USTAFF")
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", button["value"], user="USTAFF", ephemeral=True)
    await bot.slack_submit({"draft": CLOSURE_POST, "account": "highways"}, user="USTAFF")
    card = next(m for m in bot.slack.to("UCOMMS2") if "Sign-off requested" in m.text())
    approve = next(b for b in _buttons(card) if b["action_id"] == "signoff.approve")
    # The group reviews its membership and appoints the service lead instead: they decide; Cat no longer can.
    await bot.slack_command("/crisis", "approver <@ULEAD|lee.lead>", user="UCOMMS", channel=c.room_id)
    await bot.slack_click("signoff.approve", approve["value"], user="UCOMMS2", channel="DCOMMS2")
    assert "only its one approver, Lee Lead, can decide this (4.3)" in ephemeral_to(bot, "UCOMMS2")
    await bot.slack_click("signoff.approve", approve["value"], user="ULEAD", channel="DLEAD")
    assert "was approved by Lee Lead" in bot.slack.said_to("USTAFF")


async def test_slack_no_signoff_before_an_approver_is_appointed(bot):
    await bot.slack_command("/crisis", START, user="UCOMMS")
    await bot.slack_command("/smpolicy", f"check --account highways {CLOSURE_POST}", user="USTAFF")
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", button["value"], user="USTAFF", ephemeral=True)
    view = bot.last_view()
    account = next(b for b in view["blocks"] if b.get("block_id") == "account")
    assert account["element"]["initial_option"]["value"] == "highways"     # from `--account highways`
    ack = await bot.slack_submit({"draft": CLOSURE_POST, "account": "highways"}, user="USTAFF", view=view)
    assert "has not appointed its one approver yet (4.3)" in ack["errors"]["approver"]
    assert not any("Sign-off requested" in m.text() for m in bot.slack.to("UMANAGER"))


async def test_teams_crisis_stop_resume_once_each_and_signoff_only_by_the_approver(bot):
    await registered_highways(bot)
    await teams_hello(bot, "29:comms", "29:comms2", "29:manager", "29:other", "29:fire", "29:staff")
    await bot.teams_say(f"crisis {START}", user="29:comms")
    c = await crisis(bot)
    assert c.platform == "teams"
    for slack_user, teams_user in (("UOTHER", "29:other"), ("UFIRE", "29:fire"), ("ULEAD", "29:lead")):
        assert told_anywhere(bot, slack_user, teams_user, "STOP posting on Test Highways") == 1, slack_user
    await bot.teams_say("crisis approver comms2@example.gov.uk", user="29:comms", conversation=c.room_id,
                        conversation_type="channel")

    await bot.teams_say(f"check {CLOSURE_POST}", user="29:staff")
    verdict = bot.teams.in_conversation("a:personal-29:staff")[-1]
    actions_ = [a for att in verdict.activity.get("attachments") or []
                for el in att["content"]["body"] if el.get("type") == "ActionSet" for a in el["actions"]]
    signoff = next(a for a in actions_ if a["title"] == "Ask for sign-off")
    await bot.teams_click(signoff["data"], user="29:staff")
    form = bot.teams.in_conversation("a:personal-29:staff")[-1]
    body = json.dumps(form.activity)
    assert CLOSURE_POST in body and "Which account is it for?" in body
    await teams_submit(bot, "29:staff", {"draft": CLOSURE_POST, "account": "highways",
                                         "approver": "manager@example.gov.uk"})
    assert "one approver, Cat Comms (4.3)" in bot.teams_to("29:staff")
    await teams_submit(bot, "29:staff", {"draft": CLOSURE_POST, "account": "highways", "approver": ""})
    assert "to Cat Comms, the one approver for Test Highways" in bot.teams_to("29:staff")
    assert "Sign-off requested" in bot.teams_to("29:comms2")
    assert "Sign-off requested" not in bot.teams_to("29:manager")

    card = next(s for s in bot.teams.in_conversation("a:personal-29:comms2") if "Sign-off requested" in s.text())
    data = next(a["data"] for att in card.activity["attachments"] for el in att["content"]["body"]
                if el.get("type") == "ActionSet" for a in el["actions"] if a["title"] == "Approve")
    await bot.teams_click(data, user="29:manager")
    assert "only its one approver, Cat Comms, can decide this (4.3)" in bot.teams_to("29:manager")
    await bot.teams_click(data, user="29:comms2", reply_to=card.activity.get("id"))
    assert told_anywhere(bot, "USTAFF", "29:staff", "was approved by Cat Comms") == 1

    await bot.teams_say("crisis end", user="29:comms", conversation=c.room_id, conversation_type="channel")
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 1, 11, 0))
    for slack_user, teams_user in (("UOTHER", "29:other"), ("UFIRE", "29:fire"), ("ULEAD", "29:lead")):
        assert told_anywhere(bot, slack_user, teams_user, "You may resume posting") == 1, slack_user
    assert (await actions(bot)).count("resume_sent") == 3


async def test_slack_a_long_draft_opens_a_form_slack_accepts_and_the_approver_gets_all_of_it(bot):
    long_post = CLOSURE_POST + ". " + " ".join(f"Paragraph {i} explains what happens to the service." for i in
                                               range(80)) + " THE-END"
    assert len(long_post) > 3000
    await bot.slack_shortcut("is_this_ok", long_post, user="USTAFF")
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", button["value"], user="USTAFF", ephemeral=True)
    opened = bot.slack.of("views.open")[-1]
    view = opened.args["view"]
    draft = next(b for b in view["blocks"] if b.get("block_id") == "draft")["element"]["initial_value"]
    assert len(draft) <= 3000 and long_post.startswith(draft)
    assert f"Your draft is {len(long_post):,} characters" in json.dumps(view)
    ack = await bot.slack_submit({"draft": draft, "account": "none"}, user="USTAFF", view=view)
    assert ack == {}
    card = next(m for m in bot.slack.to("UMANAGER") if "Sign-off requested" in m.text())
    assert "THE-END" in card.text()


async def test_slack_no_signoff_is_offered_during_a_mourning_pause(bot):
    await bot.slack_command("/smpolicy", "pause start 10 Death of a senior member of the Royal Family",
                            user="UCOMMS")
    await bot.slack_command("/smpolicy", f"check {CLOSURE_POST}", user="USTAFF")
    labels = [b["text"]["text"] for b in _buttons(bot.slack.responses()[-1])]
    assert "Ask for sign-off" not in labels and "Show the posting checklist" in labels
