"""The Fire and Rescue Service's appendix (8.2) over the real HTTP path on Slack and Teams: station and professional
accounts need the Chief Fire Officer and the head of communications (5.5); the SFRS social media administrator is
given every station account and told of fire-service leavers (2.4); safeguarding training on the onboarding
checklist (3.2); the fire service's own photo checklist, where permission is required (4.2, 4.3); and when a
member of the public's post may be deleted (5.3)."""
from __future__ import annotations

from dialogs.register import store

from .test_accounts_helpers import (ephemeral_to, only_request, slack_click_card, slack_request_account,
                                    teams_click_card, teams_hello, teams_said, teams_submit)

STATION = dict(kind="station", account_name="Ipswich East Fire Station", service_area="Fire and rescue",
               administrators=["UFIRE"])
DELETE_QUESTION = "Can I delete a comment from a member of the public that is full of swearing?"


def _buttons(call) -> list[dict]:
    return [el for block in call.args.get("blocks", []) if block["type"] == "actions" for el in block["elements"]]


async def test_slack_station_account_needs_the_chief_fire_officer_and_gets_the_sfrs_administrator(bot):
    await slack_request_account(bot, user="UFIRE", **STATION)
    req = await only_request(bot)
    assert [s["key"] for s in req.steps] == ["manager", "sfrs", "cfo", "head"]
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    await slack_click_card(bot, req, "approve", "USFRS", "DSFRS")
    assert "(8.2 5.5)" in bot.slack.said_to("UCFO")
    assert not bot.slack.to("CCOMMS")              # not the Communications Team's to decide
    # The head of communications cannot stand in for the Chief Fire Officer.
    await bot.slack_click("approval.approve", value=f"{req.id}:2", user="UHEAD", channel="DCFO")
    assert "Only the Chief Fire Officer" in ephemeral_to(bot, "UHEAD")
    await slack_click_card(bot, req, "approve", "UCFO", "DCFO")
    assert (await only_request(bot)).state == "pending"
    await slack_click_card(bot, req, "approve", "UHEAD", "DHEAD")
    assert (await only_request(bot)).state == "approved"
    # 8.2 2.4: the SFRS social media administrator has administration rights on the station account.
    assert "sfrs.admin@examplefire.gov.uk" in await store.administrators_of(bot.svc, "Ipswich East Fire Station")
    assert "You are now an administrator of Facebook “Ipswich East Fire Station”" in bot.slack.said_to("USFRSADMIN")
    checklist = bot.slack.said_to("UFIRE")
    assert "basic safeguarding training" in checklist and "(8.2 3.2)" in checklist

    # A fire-service leaver: the SFRS social media administrator is told (8.2 2.4).
    await bot.slack_command("/smpolicy", "leaver <@UFIRE|fran.fire>", user="UMANAGER")
    told = bot.slack.said_to("USFRSADMIN")
    assert "Fran Fire has been recorded as a leaver from the Fire and Rescue Service" in told
    assert "Ipswich East Fire Station" in told and "(8.2 2.4)" in told


async def test_slack_council_leavers_are_not_sent_to_the_sfrs_administrator(bot):
    await bot.slack_command("/smpolicy", "leaver <@UOTHER|oz.other>", user="UCOMMS")
    assert "leaver" not in bot.slack.said_to("USFRSADMIN")


async def test_slack_the_fire_services_photo_checklist_makes_permission_a_requirement(bot):
    photo = bot.slack.add_file("crew.jpg", b"not really a jpeg")
    await bot.slack_shortcut("is_this_ok", "Crews at work at Ipswich East today", user="UFIRE", files=[photo])
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.checklist")
    await bot.slack_click("check.checklist", button["value"], user="UFIRE", ephemeral=True)
    fire = bot.slack.responses()[-1].text()
    assert "permission must be obtained before photographing or filming anyone (8.2 4.3)" in fire
    assert "taken only after the officer in charge has given permission (8.2 4.2)" in fire
    assert "good practice" not in fire
    await bot.slack_shortcut("is_this_ok", "Our library at work today", user="USTAFF", files=[photo])
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.checklist")
    await bot.slack_click("check.checklist", button["value"], user="USTAFF", ephemeral=True)
    council = bot.slack.responses()[-1].text()
    assert "(2.9)" in council and "8.2" not in council


async def test_slack_a_fire_moderator_asking_about_deleting_a_public_post_gets_8_2_5_3(bot):
    await bot.slack_command("/smpolicy", f"ask {DELETE_QUESTION}", user="UFIRE")
    answer = bot.slack.responses()[-1].text()
    assert "When a post from the public may be deleted (8.2 5.3)" in answer
    assert "explain the reason for deleting it to the poster on the thread" in answer
    assert "Suffolk Hate Crime Services" in answer
    await bot.slack_command("/smpolicy", f"ask {DELETE_QUESTION}", user="USTAFF")
    assert "When a post from the public may be deleted" not in bot.slack.responses()[-1].text()


async def test_teams_professional_fire_account_needs_the_chief_fire_officer_and_the_head(bot):
    await teams_hello(bot, "29:fire", "29:manager", "29:cfo", "29:head")
    await bot.teams_say("request-account", user="29:fire")
    await teams_submit(bot, "29:fire", {
        "platform": "x", "account_name": "Suffolk Fire Prevention Officer", "service_area": "Prevention",
        "kind": "professional", "run_by": "council", "business_case": "Safety advice reaches people quickly.",
        "strategy": "Supports the prevention strategy.", "audience": "Residents of Suffolk.",
        "administrators": "firefighter@examplefire.gov.uk", "hours": "3",
        "monitored": "Monday to Friday, 9am to 5pm", "manager": "manager@example.gov.uk"})
    req = await only_request(bot)
    assert [s["key"] for s in req.steps] == ["manager", "sfrs", "cfo", "head"]
    await teams_click_card(bot, req, "approve", "29:manager")
    await slack_click_card(bot, req, "approve", "USFRS", "DSFRS")   # business support is on Slack
    assert "(8.2 5.5)" in teams_said(bot, "a:personal-29:cfo")
    await teams_click_card(bot, req, "approve", "29:cfo")
    await teams_click_card(bot, req, "approve", "29:head")
    assert (await only_request(bot)).state == "approved"
    # 8.2 5.5: a profile dedicated to the role gives the SFRS social media administrator rights on it.
    assert "sfrs.admin@examplefire.gov.uk" in await store.administrators_of(bot.svc, "Suffolk Fire Prevention Officer")
    await bot.teams_say(f"ask {DELETE_QUESTION}", user="29:fire")
    assert "When a post from the public may be deleted (8.2 5.3)" in teams_said(bot, "a:personal-29:fire")
