"""Where a sign-off goes around a crisis (4.2, 4.3), over the real HTTP path on Slack and Teams: the crisis
approver's own post goes to a crisis deputy approver (and with none configured the approver is told so and who can
put it right); a sign-off still waiting for the approver when the crisis ends goes the usual way, with the
requester told; a crisis on an account with a similar name does not capture the draft."""
from __future__ import annotations

import json
from dataclasses import replace

from tests.e2e.test_accounts_helpers import ephemeral_to, teams_hello, teams_submit
from tests.e2e.test_crisis_support import crisis

POST = "We are closing Hadleigh library next month because of budget cuts"
START = "start highways Residents are furious about our post saying the A12 is shut when it is not"


def _buttons(call) -> list[dict]:
    return [el for block in call.args.get("blocks", []) if block["type"] == "actions" for el in block["elements"]]


def _slack_cards(bot, user: str) -> list:
    return [m for m in bot.slack.to(user) if "Sign-off requested" in m.text()]


async def _slack_crisis_with_cat_approving(bot):
    await bot.slack_command("/crisis", START, user="UCOMMS")
    c = await crisis(bot)
    await bot.slack_command("/crisis", "approver <@UCOMMS2|cat.comms>", user="UCOMMS", channel=c.room_id)
    return c


async def _slack_ask(bot, user: str, values: dict) -> dict:
    """`/smpolicy check --account highways`, "Ask for sign-off", then the form as `values`."""
    await bot.slack_command("/smpolicy", f"check --account highways {POST}", user=user)
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", button["value"], user=user, ephemeral=True)
    return await bot.slack_submit({"draft": POST, **values}, user=user, view=bot.last_view())


async def _teams_crisis_with_cat_approving(bot):
    await teams_hello(bot, "29:comms", "29:comms2", "29:head", "29:manager", "29:staff")
    await bot.teams_say(f"crisis {START}", user="29:comms")
    c = await crisis(bot)
    await bot.teams_say("crisis approver comms2@example.gov.uk", user="29:comms", conversation=c.room_id,
                        conversation_type="channel")
    return c


async def _teams_ask(bot, user: str, values: dict) -> None:
    await bot.teams_say(f"check --account highways {POST}", user=user)
    verdict = bot.teams.in_conversation(f"a:personal-{user}")[-1]
    signoff = next(a for att in verdict.activity.get("attachments") or [] for el in att["content"]["body"]
                   if el.get("type") == "ActionSet" for a in el["actions"] if a["title"] == "Ask for sign-off")
    await bot.teams_click(signoff["data"], user=user)
    await teams_submit(bot, user, {"draft": POST, "account": "highways", "approver": "", **values})


def _teams_card(bot, user: str, header: str = "Sign-off requested"):
    return [s for s in bot.teams.in_conversation(f"a:personal-{user}") if header in s.text()]


def _teams_button(card, title: str) -> dict:
    return next(a["data"] for att in card.activity["attachments"] for el in att["content"]["body"]
                if el.get("type") == "ActionSet" for a in el["actions"] if a["title"] == title)


# --- the approver's own post: a crisis deputy ---------------------------------------------------------------------

async def test_slack_the_crisis_approvers_own_post_goes_to_a_crisis_deputy(bot):
    await _slack_crisis_with_cat_approving(bot)
    assert await _slack_ask(bot, "UCOMMS2", {"account": "highways"}) == {}
    assert "to Hal Head, a crisis deputy approver" in bot.slack.said_to("UCOMMS2")
    card = _slack_cards(bot, "UHEAD")[-1]
    assert "this post is by its one approver, Cat Comms" in card.text() and POST in card.text()
    assert not _slack_cards(bot, "UCOMMS2") and not _slack_cards(bot, "UMANAGER")
    approve = next(b for b in _buttons(card) if b["action_id"] == "signoff.approve")
    await bot.slack_click("signoff.approve", approve["value"], user="UCOMMS2", channel="DCOMMS2")
    assert "You can't sign off your own post (4.2)" in ephemeral_to(bot, "UCOMMS2")
    await bot.slack_click("signoff.approve", approve["value"], user="UHEAD", channel="DHEAD",
                          message_ts=card.args.get("ts"))
    assert "was approved by Hal Head" in bot.slack.said_to("UCOMMS2")


async def test_slack_with_no_crisis_deputy_the_approver_is_told_who_can_put_it_right(bot):
    bot.svc.config = replace(bot.svc.config, roles={**bot.svc.config.roles, "crisis_deputy_approvers": ()})
    await _slack_crisis_with_cat_approving(bot)
    ack = await _slack_ask(bot, "UCOMMS2", {"account": "highways"})
    error = ack["errors"]["approver"]
    assert "names no crisis deputy approver" in error and "`/crisis approver @person`" in error
    assert "ask Hal Head to name a deputy (4.3)" in error
    assert not _slack_cards(bot, "UHEAD") and not _slack_cards(bot, "UCOMMS2")


async def test_teams_the_crisis_approvers_own_post_goes_to_a_crisis_deputy(bot):
    await _teams_crisis_with_cat_approving(bot)
    await _teams_ask(bot, "29:comms2", {})
    assert "to Hal Head, a crisis deputy approver" in bot.teams_to("29:comms2")
    card = _teams_card(bot, "29:head")[-1]
    assert "this post is by its one approver, Cat Comms" in card.text()
    await bot.teams_click(_teams_button(card, "Approve"), user="29:comms2")
    assert "You can't sign off your own post (4.2)" in bot.teams_to("29:comms2")
    await bot.teams_click(_teams_button(card, "Approve"), user="29:head", reply_to=card.activity.get("id"))
    assert "was approved by Hal Head" in bot.teams_to("29:comms2") + bot.slack.said_to("UCOMMS2")


async def test_teams_with_no_crisis_deputy_the_approver_is_told_who_can_put_it_right(bot):
    bot.svc.config = replace(bot.svc.config, roles={**bot.svc.config.roles, "crisis_deputy_approvers": ()})
    await _teams_crisis_with_cat_approving(bot)
    await _teams_ask(bot, "29:comms2", {})
    said = json.dumps([s.activity for s in bot.teams.in_conversation("a:personal-29:comms2")])
    assert "names no crisis deputy approver" in said and "crisis approver @person" in said
    assert "/crisis approver" not in said
    assert not _teams_card(bot, "29:head")


# --- the crisis ends while a sign-off waits -------------------------------------------------------------------------

async def test_slack_a_signoff_waiting_when_the_crisis_ends_goes_the_usual_way_and_the_requester_is_told(bot):
    c = await _slack_crisis_with_cat_approving(bot)
    assert await _slack_ask(bot, "USTAFF", {"account": "highways"}) == {}
    assert _slack_cards(bot, "UCOMMS2") and not _slack_cards(bot, "UMANAGER")
    await bot.slack_command("/crisis", "end", user="UCOMMS", channel=c.room_id)

    # The requester is told where it has gone and why; the manager has it; Cat's card says it is no longer hers.
    told = bot.slack.said_to("USTAFF")
    assert "The crisis on Test Highways has ended while your post “We are closing" in told
    assert "I've sent it to Mo Manager instead, the usual way (4.2)" in told
    card = _slack_cards(bot, "UMANAGER")[-1]
    assert "written during the crisis on Test Highways, which has now ended" in card.text()
    updated = [u for u in bot.slack.of("chat.update") if "as an ordinary sign-off (4.2)" in u.text()]
    assert len(updated) == 1 and "has gone to Mo Manager" in updated[0].text() and not _buttons(updated[0])
    approve = next(b for b in _buttons(card) if b["action_id"] == "signoff.approve")
    await bot.slack_click("signoff.approve", approve["value"], user="UMANAGER", channel="DMANAGER",
                          message_ts=card.args.get("ts"))
    assert "was approved by Mo Manager" in bot.slack.said_to("USTAFF")
    await bot.restart()
    assert len(_slack_cards(bot, "UMANAGER")) == 1
    assert sum(1 for m in bot.slack.to("USTAFF") if "I've sent it to Mo Manager instead" in m.text()) == 1


async def test_teams_a_signoff_waiting_when_the_crisis_ends_goes_the_usual_way_and_the_requester_is_told(bot):
    c = await _teams_crisis_with_cat_approving(bot)
    await _teams_ask(bot, "29:staff", {})
    assert _teams_card(bot, "29:comms2") and not _teams_card(bot, "29:manager")
    await bot.teams_say("crisis end", user="29:comms", conversation=c.room_id, conversation_type="channel")
    assert "I've sent it to Mo Manager instead, the usual way (4.2)" in bot.teams_to("29:staff")
    card = _teams_card(bot, "29:manager")[-1]
    assert "which has now ended" in card.text()
    await bot.teams_click(_teams_button(card, "Approve"), user="29:manager", reply_to=card.activity.get("id"))
    assert "was approved by Mo Manager" in bot.teams_to("29:staff")


# --- similar names --------------------------------------------------------------------------------------------------

async def test_slack_a_crisis_on_an_account_with_a_similar_name_does_not_capture_the_draft(bot):
    # "Highways", an account the organisation file does not list, is in crisis; Test Highways (key highways) is not.
    await bot.slack_command("/crisis", "start", user="UCOMMS")
    await bot.slack_submit({"other_account": "Highways", "what": "A wrong closure post", "indicators": ["press"]},
                           user="UCOMMS")
    c = await crisis(bot)
    await bot.slack_command("/crisis", "approver <@UCOMMS2|cat.comms>", user="UCOMMS", channel=c.room_id)
    assert await _slack_ask(bot, "USTAFF", {"account": "highways"}) == {}
    assert _slack_cards(bot, "UMANAGER") and not _slack_cards(bot, "UCOMMS2")
    assert "during its crisis" not in bot.slack.said_to("USTAFF")


async def test_teams_a_crisis_on_an_account_with_a_similar_name_does_not_capture_the_draft(bot):
    await teams_hello(bot, "29:comms", "29:comms2", "29:manager", "29:staff")
    await bot.teams_say("crisis start", user="29:comms")
    await teams_submit(bot, "29:comms", {"other_account": "Highways", "what": "A wrong closure post",
                                         "indicators": "press"})
    c = await crisis(bot)
    await bot.teams_say("crisis approver comms2@example.gov.uk", user="29:comms", conversation=c.room_id,
                        conversation_type="channel")
    await _teams_ask(bot, "29:staff", {})
    assert _teams_card(bot, "29:manager") and not _teams_card(bot, "29:comms2")
