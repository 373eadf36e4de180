"""Teams reaches everyone in a team the app is installed in (issue 14, item 3): the roster is read on install,
a person who never messaged the bot gets their approval card and their FOI digest, and someone who still
cannot be reached is never silently dropped."""
from __future__ import annotations


from tests.conftest import london

from .test_accounts_helpers import only_request, teams_said, teams_submit

GENERAL = "19:general@thread.tacv2"
COMMS = "19:comms@thread.tacv2"
ACCOUNT = {
    "platform": "facebook", "account_name": "Suffolk Highways", "service_area": "Highways", "kind": "service",
    "run_by": "council", "business_case": "Roadworks updates reach people faster than the website.",
    "strategy": "Supports the channel strategy.", "audience": "Drivers in Suffolk.",
    "administrators": "staff@example.gov.uk", "hours": "5",
    "monitored": "Monday to Friday, 9am to 5pm", "manager": "manager@example.gov.uk",
}



async def test_install_reads_every_page_of_the_roster_and_welcomes_the_team(teams_bot_with_mail):
    bot = teams_bot_with_mail
    status, _ = await bot.teams_install(GENERAL, by="29:comms")
    assert status in (200, 201, 202)
    pages = [r for r in bot.teams.requests if r.lower().startswith(f"get /v3/conversations/{GENERAL}/pagedmembers")]
    # Every page, a few members a page: the continuation token was followed to the end.
    assert len(pages) == -(-len(bot.teams.members) // bot.teams.page_size) > 1
    assert await bot.svc.directory.user_ids("budget@example.gov.uk") == [("teams", "29:budget")]
    welcome = teams_said(bot, GENERAL)
    assert "What I do" in welcome and "@smpolicy help" in welcome and "`" not in welcome
    # Teams may say it again (a reinstall, a retry): one welcome per team.
    await bot.teams_install(GENERAL, by="29:comms")
    assert teams_said(bot, GENERAL).count("What I do") == 1


async def test_personal_install_gets_a_welcome(teams_bot_with_mail):
    await teams_bot_with_mail.teams_install_personal("29:other")
    said = teams_bot_with_mail.teams_to("29:other")
    assert "Hello. I help you use social media" in said and "example **help**" in said


async def test_a_manager_who_never_messaged_the_bot_gets_the_approval_card(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await bot.teams_install(GENERAL, by="29:comms")
    await bot.teams_say("help", user="29:comms", conversation=COMMS, conversation_type="channel")
    await bot.teams_say("request-account", user="29:staff")
    await teams_submit(bot, "29:staff", ACCOUNT)
    await only_request(bot)
    # The manager never spoke to the bot: it opened a 1:1 chat with them, in the team's tenant.
    created = [c for c in bot.teams.created if not c.get("isGroup") and c["members"][0]["id"] == "29:manager"]
    assert len(created) == 1
    assert created[0]["tenantId"] == "tenant-1"
    assert "Confirm authorisation" in bot.teams_to("29:manager")
    assert "couldn't" not in bot.teams_to("29:staff")


async def test_an_foi_owner_who_never_messaged_the_bot_gets_the_daily_digest(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await bot.teams_install(GENERAL, by="29:comms")
    await bot.teams_say("foi", user="29:staff")
    await teams_submit(bot, "29:staff", {
        "question": "How many potholes were filled in Mill Lane?", "source_platform": "facebook",
        "visibility": "public", "received": "2026-12-01", "kind": "foi", "owner": "other@example.gov.uk"})
    assert "has made you the owner of" in bot.teams_to("29:other")
    bot.teams.clear()
    await bot.run_sweeps(london(2026, 12, 22, 9, 0))
    digest = bot.teams_to("29:other")
    assert "FOI-2026-0001" in digest and "Done" in digest


async def test_unreachable_manager_requester_and_comms_told_and_it_goes_by_email(teams_bot_with_mail, smtp_server):
    bot = teams_bot_with_mail
    bot.teams.unreachable.add("29:manager")     # in the team, but Teams will not open a chat with them
    await bot.teams_install(GENERAL, by="29:comms")
    await bot.teams_say("help", user="29:comms", conversation=COMMS, conversation_type="channel")
    await bot.teams_say("request-account", user="29:staff")
    await teams_submit(bot, "29:staff", ACCOUNT)
    req = await only_request(bot)
    staff = bot.teams_to("29:staff")
    assert "couldn't reach Mo Manager in Slack or Teams" in staff
    assert "emailed it to them instead" in staff
    assert "Mo Manager couldn't be reached in Slack or Teams" in teams_said(bot, COMMS)
    mails = [m for m in smtp_server.messages if "manager@example.gov.uk" in m.message["To"]]
    assert len(mails) == 1
    body = mails[0].message.get_content()
    assert f"AR-{req.id}" in body and "Confirm authorisation" in body and "<" not in body.split("\n")[0]


async def test_foi_owner_nobody_can_reach_forwarder_warned_digest_by_email(teams_bot_with_mail, smtp_server):
    bot = teams_bot_with_mail
    await bot.teams_install(GENERAL, by="29:comms")
    await bot.teams_say("foi", user="29:staff")
    await teams_submit(bot, "29:staff", {
        "question": "How many potholes were filled in Mill Lane?", "source_platform": "facebook",
        "visibility": "public", "received": "2026-12-01", "kind": "foi", "owner": "lead@example.gov.uk"})
    staff = bot.teams_to("29:staff")
    assert "couldn't reach lead@example.gov.uk in Slack or Teams" in staff and "emailed it to them instead" in staff
    assert len(smtp_server.to("lead@example.gov.uk")) == 1       # the news that the case is theirs
    await bot.run_sweeps(london(2026, 12, 22, 9, 0))
    await bot.run_sweeps(london(2026, 12, 22, 9, 30))            # a second run that day sends nothing more
    mails = smtp_server.to("lead@example.gov.uk")
    assert len(mails) == 2
    digest = mails[1].message.get_content()
    assert "FOI-2026-0001" in digest and "could not reach you in Slack or Microsoft Teams" in digest


async def test_foi_owner_teams_will_not_open_a_chat_with_gets_the_digest_by_email(teams_bot_with_mail, smtp_server):
    bot = teams_bot_with_mail
    bot.teams.unreachable.add("29:other")
    await bot.teams_install(GENERAL, by="29:comms")
    await bot.teams_say("foi", user="29:staff")
    await teams_submit(bot, "29:staff", {
        "question": "How many potholes were filled in Mill Lane?", "source_platform": "facebook",
        "visibility": "public", "received": "2026-12-01", "kind": "foi", "owner": "other@example.gov.uk"})
    assert "couldn't reach Oz Other in Slack or Teams" in bot.teams_to("29:staff")
    await bot.run_sweeps(london(2026, 12, 22, 9, 0))
    mails = smtp_server.to("other@example.gov.uk")
    assert len(mails) == 2 and "FOI-2026-0001" in mails[1].message.get_content()


async def test_people_who_join_the_team_later_are_stored_too(teams_bot_with_mail):
    bot = teams_bot_with_mail
    await bot.teams_install(GENERAL, by="29:comms")
    bot.teams.members["29:lead"] = {"email": "lead@example.gov.uk", "name": "Lee Lead", "aad": "aad-lead"}
    assert await bot.svc.directory.user_ids("lead@example.gov.uk") == []
    await bot.teams_install(GENERAL, by="29:comms", added=["29:lead"])
    assert await bot.svc.directory.user_ids("lead@example.gov.uk") == [("teams", "29:lead")]
    assert teams_said(bot, GENERAL).count("What I do") == 1        # no second welcome for a new member
