"""FOI end to end in Teams: the message-extension action, the `foi` commands, the daily DM and its buttons."""
from __future__ import annotations

import json

from sqlalchemy import select

from storage.models.foi import FoiCase
from tests.conftest import london

QUESTION = "Can I have a copy of all the information you hold about me, please?"


def card_of(body: dict) -> dict:
    return body["task"]["value"]["card"]["content"]


def submit_data(card: dict, **values) -> dict:
    """What the Teams client sends on Submit: the action's data plus each input's current value."""
    data = dict(card["actions"][0]["data"])
    data.update({el["id"]: el["value"] for el in card["body"] if "id" in el and "value" in el})
    data.update(values)
    return data


def by_id(card: dict) -> dict:
    return {el["id"]: el for el in card["body"] if "id" in el}


async def test_message_action_forwards_a_subject_access_request(teams_bot_with_mail, smtp_server):
    bot = teams_bot_with_mail
    status, body = await bot.teams_message_action("forward_foi", QUESTION, user="29:staff")
    assert status == 200
    card = card_of(body)
    inputs = by_id(card)
    assert inputs["question"]["value"] == QUESTION
    assert inputs["kind"]["value"] == "sar"                       # the person's own records
    assert inputs["owner"]["value"] == "staff@example.gov.uk"
    assert inputs["received"]["value"] == "2026-12-01"

    data = submit_data(card, question=QUESTION, source_platform="x", visibility="private",
                       requester_handle="@jo", received="2026-12-01", kind="sar", owner="staff@example.gov.uk")
    status, body = await bot.teams_invoke("composeExtension/submitAction", {"data": data}, user="29:staff")
    shown = json.dumps(body)
    assert "FOI-2026-0001: saved and being emailed" in shown     # answered before the email is tried
    assert "Please reply with your email and we will pass that on to the FOI team" in shown   # a private message
    assert "Friday 1 January 2027" not in shown and "Monday 4 January 2027" not in shown
    assert "Tuesday 5 January 2027" in shown      # 1 Jan holiday, 4 Jan Scotland's 2 January: next working day

    await bot.settle()
    assert len(smtp_server.messages) == 1
    assert "Subject access" in smtp_server.messages[0].message["Subject"]
    assert bot.teams_to("29:staff").count("FOI-2026-0001 has now been emailed to foi@example.gov.uk") == 1
    async with bot.svc.db.sessions() as s:
        case = await s.scalar(select(FoiCase))
    assert case.kind == "sar" and case.created_by == "staff@example.gov.uk"


async def test_errors_redraw_the_form_with_the_message_beside_the_field(teams_bot_with_mail):
    status, body = await teams_bot_with_mail.teams_message_action("forward_foi", "", user="29:staff")
    data = submit_data(card_of(body), source_platform="facebook", visibility="public", received="2026-12-01",
                       kind="foi", requester_email="nope")
    status, body = await teams_bot_with_mail.teams_invoke("composeExtension/submitAction", {"data": data},
                                                          user="29:staff")
    shown = json.dumps(card_of(body))
    assert "Paste or type the customer's question" in shown
    assert "doesn't look like an email address" in shown
    assert by_id(card_of(body))["requester_email"]["value"] == "nope"      # what they typed is kept


async def test_chat_commands_digest_and_done(teams_bot_with_mail, smtp_server):
    bot = teams_bot_with_mail
    await bot.teams_say("foi", user="29:staff")
    form_card = bot.teams.in_conversation("a:personal-29:staff")[-1].activity["attachments"][0]["content"]
    data = submit_data(form_card, question="When will the flooding on Mill Lane be fixed?",
                       source_platform="facebook", visibility="public", received="2026-12-01", kind="eir",
                       owner="staff@example.gov.uk")
    await bot.teams_click(data, user="29:staff")
    assert "FOI-2026-0001: saved and being emailed" in bot.teams_to("29:staff")
    assert bot.teams_to("29:staff").count("FOI-2026-0001 has now been emailed to foi@example.gov.uk") == 1
    assert len(smtp_server.messages) == 1

    await bot.teams_say("foi list", user="29:staff")
    assert "Your open FOI cases (1)" in bot.teams_to("29:staff")

    # Nearly due: the 09:00 DM arrives in Teams, with Done, Extend (EIR) and Reassign.
    bot.teams.clear()
    await bot.run_sweeps(london(2026, 12, 29, 9, 0))
    sent = bot.teams.in_conversation("a:personal-29:staff")
    assert len(sent) == 1 and "FOI-2026-0001" in sent[0].text()
    actions = [a["data"]["action_id"] for el in sent[0].activity["attachments"][0]["content"]["body"]
               if el["type"] == "ActionSet" for a in el["actions"]]
    assert actions == ["foi.done", "foi.extend", "foi.reassign"]

    # Extend: 40 working days (EIR reg 7).
    await bot.teams_click({"action_id": "foi.extend", "value": "FOI-2026-0001"}, user="29:staff")
    assert "is extended: now due on *Monday 1 February 2027*" in bot.teams_to("29:staff").replace("**", "*")

    # Someone else can't close it; the owner can, once.
    await bot.teams_click({"action_id": "foi.done", "value": "FOI-2026-0001"}, user="29:other")
    assert "Only the case owner (Sam Staff) or Information Management can close FOI-2026-0001" in bot.teams_to("29:other")
    await bot.teams_click({"action_id": "foi.done", "value": "FOI-2026-0001"}, user="29:staff")
    await bot.teams_click({"action_id": "foi.done", "value": "FOI-2026-0001"}, user="29:staff")
    said = bot.teams_to("29:staff")
    assert said.count("is marked done") == 1 and "already marked done by Sam Staff" in said

    bot.teams.clear()
    await bot.run_sweeps(london(2026, 12, 30, 9, 0))
    assert bot.teams.in_conversation("a:personal-29:staff") == []


async def test_reassign_by_email_in_teams(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await bot.teams_say("help", user="29:other")          # so the bot can reach them in Teams
    status, body = await bot.teams_message_action("forward_foi", "How many potholes were filled?", user="29:staff")
    data = submit_data(card_of(body), source_platform="facebook", visibility="public", received="2026-12-01",
                       kind="foi")
    await bot.teams_invoke("composeExtension/submitAction", {"data": data}, user="29:staff")
    await bot.teams_say("foi reassign FOI-2026-0001 other@example.gov.uk", user="29:staff")
    assert "now belongs to Oz Other, who has been told" in bot.teams_to("29:staff")      # by name, not address
    assert "has made you the owner of" in bot.teams_to("29:other")
