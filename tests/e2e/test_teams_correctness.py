"""Teams correctness (issue 14, item 5): text arrives as plain text once, at the edge; sign-off starts from the
message; a redrawn form keeps every field; no literal backticks in cards."""
from __future__ import annotations

import json

from .test_accounts_helpers import teams_form_data, teams_hello

CLOSURE_POST = "We are closing Hadleigh library next month because of budget cuts"
HTML_QUESTION = "Can you tell me what&#39;s planned for Mill Lane?<br>Thanks &amp; regards,<br/>Jo &quot;JB&quot;"
CLEAN_QUESTION = "Can you tell me what's planned for Mill Lane?\nThanks & regards,\nJo \"JB\""


def dialog_card(body: dict) -> dict:
    return body["task"]["value"]["card"]["content"]


def inputs(card: dict) -> dict:
    return {el["id"]: el for el in card["body"] if "id" in el}


def message_payload(html: str) -> dict:
    return {"id": "msg-1", "body": {"contentType": "html", "content": f"<p>{html}</p>"},
            "from": {"user": {"id": "29:staff", "displayName": "Sam Staff"}},
            "linkToMessage": "https://teams.microsoft.com/l/message/19:x/1", "createdDateTime": "2026-11-20T10:00:00Z"}


async def test_an_html_foi_question_arrives_clean_in_the_email(teams_bot_with_mail, smtp_server):
    bot = teams_bot_with_mail
    status, body = await bot.teams_message_action("forward_foi", HTML_QUESTION, user="29:staff")
    card = dialog_card(body)
    assert inputs(card)["question"]["value"] == CLEAN_QUESTION
    data = {**card["actions"][0]["data"], **{k: el["value"] for k, el in inputs(card).items() if "value" in el},
            "source_platform": "facebook", "visibility": "public", "kind": "foi"}
    await bot.teams_invoke("composeExtension/submitAction", {"data": data}, user="29:staff")
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0].message.get_content()
    assert "what's planned for Mill Lane?" in mail and "Thanks & regards," in mail and 'Jo "JB"' in mail
    assert "&#39;" not in mail and "&amp;" not in mail and "<br" not in mail and "<p>" not in mail


async def test_the_text_being_checked_arrives_clean(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await bot.teams_say("<at>smpolicy</at> check We&#39;re closing Hadleigh library<br>because of budget cuts",
                        user="29:staff")
    verdict = bot.teams.in_conversation("a:personal-29:staff")[-1]
    assert "Stop" in verdict.text() or "Get sign-off" in verdict.text()
    signoff = next(a for a in _actions(verdict.activity) if a["title"] == "Ask for sign-off")
    await bot.teams_click(signoff["data"], user="29:staff")
    draft = inputs(_form_of(bot, "a:personal-29:staff"))["draft"]["value"]
    assert draft == "We're closing Hadleigh library\nbecause of budget cuts"


async def test_sign_off_from_the_dialog_starts_with_the_message(teams_bot_with_mail):
    bot = teams_bot_with_mail
    status, body = await bot.teams_message_action("is_this_ok", CLOSURE_POST)
    actions = [a for el in dialog_card(body)["body"] if el["type"] == "ActionSet" for a in el["actions"]]
    signoff = next(a for a in actions if a["title"] == "Ask for sign-off")
    # The click in the dialog: Teams sends the button's data with the message the dialog was opened on.
    status, body = await bot.teams_invoke("composeExtension/submitAction", {
        "commandId": "is_this_ok", "commandContext": "message", "data": signoff["data"],
        "messagePayload": message_payload(CLOSURE_POST)})
    form = dialog_card(body)
    assert form["actions"][0]["data"]["form_id"] == "signoff_request"
    assert inputs(form)["draft"]["value"] == CLOSURE_POST


async def test_a_redrawn_form_keeps_every_field_including_people(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await teams_hello(bot, "29:staff")
    await bot.teams_say("request-account", user="29:staff")
    data = teams_form_data(bot, "a:personal-29:staff")
    await bot.teams_click({**data, "platform": "facebook", "account_name": "Jo Smith", "service_area": "Highways",
                           "kind": "service", "run_by": "council", "business_case": "",
                           "administrators": "staff@example.gov.uk, other@example.gov.uk",
                           "manager": "head@example.gov.uk", "hours": "5", "monitored": "Weekdays"},
                          user="29:staff")
    redrawn = inputs(_form_of(bot, "a:personal-29:staff"))
    assert redrawn["administrators"]["value"] == "staff@example.gov.uk,other@example.gov.uk"
    assert redrawn["manager"]["value"] == "head@example.gov.uk"
    assert redrawn["account_name"]["value"] == "Jo Smith" and redrawn["hours"]["value"] == "5"


async def test_cards_have_no_literal_backticks(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await bot.teams_say("help", user="29:staff")
    await bot.teams_say("frobnicate", user="29:staff")          # "I don't know `frobnicate`..."
    said = json.dumps([s.activity for s in bot.teams.in_conversation("a:personal-29:staff")])
    assert "`" not in said
    assert "**help**" in said and "know **frobnicate**" in said      # inline code shown in bold instead


def _actions(activity: dict) -> list:
    card = activity["attachments"][0]["content"]
    return [a for el in card["body"] if el["type"] == "ActionSet" for a in el["actions"]]


def _form_of(bot, conversation: str) -> dict:
    for sent in reversed(bot.teams.in_conversation(conversation)):
        for att in sent.activity.get("attachments") or []:
            content = att.get("content") or {}
            if any("form_id" in (a.get("data") or {}) for a in content.get("actions") or []):
                return content
    raise AssertionError("no form")


async def test_people_are_picked_from_the_directory_and_mapped_to_email(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await bot.teams_install("19:general@thread.tacv2", by="29:comms")     # the roster: AAD ids and emails
    await bot.teams_say("foi", user="29:staff")
    form = _form_of(bot, "a:personal-29:staff")
    owner = inputs(form)["owner"]
    assert owner["type"] == "Input.ChoiceSet" and owner["isMultiSelect"] is False
    assert owner["choices.data"] == {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}
    assert owner["value"] == "staff@example.gov.uk"            # the forwarder, offered as the first choice
    # The picker answers with the chosen person's Azure AD object id.
    data = {**form["actions"][0]["data"], "question": "How many potholes were filled in Mill Lane?",
            "source_platform": "facebook", "visibility": "public", "received": "2026-12-01", "kind": "foi",
            "owner": "aad-other"}
    await bot.teams_click(data, user="29:staff")
    assert "has made you the owner of" in bot.teams_to("29:other")
    from sqlalchemy import select

    from storage.models.foi import FoiCase
    async with bot.svc.db.sessions() as s:
        assert (await s.scalar(select(FoiCase))).owner_email == "other@example.gov.uk"


async def test_someone_picked_whom_the_bot_has_not_met_is_found_through_teams(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await bot.teams_say("foi", user="29:staff")          # no roster read: the bot has met only Sam
    data = {**_form_of(bot, "a:personal-29:staff")["actions"][0]["data"],
            "question": "How many potholes were filled in Mill Lane?", "source_platform": "facebook",
            "visibility": "public", "received": "2026-12-01", "kind": "foi", "owner": "aad-budget"}
    await bot.teams_click(data, user="29:staff")
    assert "has made you the owner of" in bot.teams_to("29:budget")
    # Picked but unknown to Teams too: told beside the field, nothing filed.
    await bot.teams_say("foi", user="29:staff")
    data["owner"] = "aad-nobody"
    await bot.teams_click(data, user="29:staff")
    assert "I can't find an email address for that person" in bot.teams_to("29:staff")


async def test_approval_cards_use_universal_actions_and_a_retried_click_applies_once(teams_bot_with_mail):
    from .test_accounts_helpers import cards, events, only_request, teams_submit, teams_updates
    from .test_teams_reach import ACCOUNT, GENERAL

    bot = teams_bot_with_mail
    await bot.teams_install(GENERAL, by="29:comms")
    await bot.teams_say("request-account", user="29:staff")
    await teams_submit(bot, "29:staff", ACCOUNT)
    req = await only_request(bot)
    card_ref = (await cards(bot, req.id, platform="teams", channel="a:personal-29:manager"))[-1]
    sent = next(s for s in bot.teams.in_conversation("a:personal-29:manager") if "Confirm authorisation" in s.text())
    approve = next(a for a in _actions(sent.activity) if a["title"] == "Confirm authorisation")
    assert approve["type"] == "Action.Execute" and approve["verb"] == "approval.approve"
    assert approve["fallback"]["type"] == "Action.Submit"           # for clients without Universal Actions
    click = bot.teams_activity("29:manager", type="invoke", name="adaptiveCard/action", replyToId=card_ref.message_id,
                               value={"action": {"type": "Action.Execute", "verb": approve["verb"],
                                                 "data": approve["data"]}, "trigger": "manual"})
    status, body = await bot.teams_post(click)
    # The clicker's card is answered with its new state at once; everyone's copy is updated in place too.
    assert status == 200 and body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "authorised by Mo Manager" in json.dumps(body["value"])
    status, body = await bot.teams_post(click)                       # Teams retries the same invoke
    assert status == 200 and body["statusCode"] == 200
    assert len(await events(bot, "account_request", "step_approved")) == 1
    assert "authorised by Mo Manager" in teams_updates(bot, "a:personal-29:manager", card_ref.message_id)[-1].text()
