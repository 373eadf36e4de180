"""3.9 end to end: "Report harassment" on a message (Slack shortcut, Teams message action) and the command tell
the person's manager (a DM), HR (an email) and the Communications Team (its channel: the account only), and
put the account on the blocked-accounts list that only the Communications Team can see."""
from __future__ import annotations

import json

from sqlalchemy import select

from storage.models.harassment import BlockedAccount, HarassmentReport

ABUSE = "Comment from @nasty_troll: you're useless and everyone at the library hates you"
DETAILS = "They have posted about me on three library posts this week"


async def _accounts(bot) -> list[BlockedAccount]:
    async with bot.svc.db.sessions() as s:
        return list(await s.scalars(select(BlockedAccount)))


async def test_slack_report_tells_manager_hr_and_comms_and_blocks_the_account(bot_with_mail, smtp_server):
    bot = bot_with_mail
    await bot.slack_shortcut("report_harassment", ABUSE, user="USTAFF")
    view = bot.last_view()
    assert view["callback_id"] == "harassment_report"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs["handle"]["element"]["initial_value"] == "nasty_troll"     # found in the message
    ack = await bot.slack_submit({"platform": "facebook", "handle": "@nasty_troll", "details": DETAILS},
                                 user="USTAFF")
    assert ack == {}

    told = bot.slack.said_to("USTAFF") + "\n".join(r.text() for r in bot.slack.responses())
    assert "HA-2026-0001" in told and "your manager, Mo Manager" in told
    assert "Human Resources (the email to hr@example.gov.uk is saved and being sent" in told
    assert "the Communications Team" in told

    manager = "\n".join(c.text() for c in bot.slack.to("UMANAGER"))
    assert "Sam Staff, who reports to you" in manager and "*nasty_troll* on Facebook" in manager
    assert DETAILS in manager

    comms = "\n".join(c.text() for c in bot.slack.to("CCOMMS"))
    assert "*nasty_troll* on Facebook" in comms and "block it from all our channels (3.9)" in comms
    assert "`/smpolicy blocked`" in comms
    assert "Sam Staff" not in comms and DETAILS not in comms and "useless" not in comms   # not in a channel

    (mail,) = smtp_server.messages
    assert mail.rcpt_tos == ["hr@example.gov.uk"] and "[HA-2026-0001]" in mail.message["Subject"]
    assert "Sam Staff <staff@example.gov.uk>" in mail.body and "Mo Manager" in mail.body and DETAILS in mail.body

    (account,) = await _accounts(bot)
    assert (account.platform, account.handle, account.reports) == ("facebook", "nasty_troll", 1)
    async with bot.svc.db.sessions() as s:
        assert len(list(await s.scalars(select(HarassmentReport)))) == 1

    # The same account reported again (by command, any case, with an @): one entry, two reports.
    await bot.slack_command("/smpolicy", "harassment", user="UOTHER")
    await bot.slack_submit({"platform": "facebook", "handle": "NASTY_TROLL", "details": None}, user="UOTHER")
    (account,) = await _accounts(bot)
    assert account.reports == 2
    assert "2 reports so far" in bot.slack.to("CCOMMS")[-1].text()

    # Only the Communications Team sees the list.
    await bot.slack_command("/smpolicy", "blocked", user="USTAFF")
    assert "Only the Communications Team" in bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", "blocked", user="UCOMMS")
    listed = bot.slack.responses()[-1].text()
    assert "Blocked accounts (1)" in listed and "*nasty_troll* on Facebook · 2 reports" in listed


async def test_bad_input_changes_nothing(bot_with_mail, smtp_server):
    bot = bot_with_mail
    await bot.slack_command("/smpolicy", "harassment", user="USTAFF")
    ack = await bot.slack_submit({"platform": None, "handle": "  @ ", "details": None}, user="USTAFF")
    assert ack["response_action"] == "errors" and set(ack["errors"]) == {"platform", "handle"}
    assert await _accounts(bot) == [] and smtp_server.messages == [] and bot.slack.to("CCOMMS") == []


async def test_teams_message_action_reports_it(teams_bot_with_mail, smtp_server):
    bot = teams_bot_with_mail
    await bot.teams_say("help", user="29:manager")       # the bot can message people who have met it in Teams
    status, body = await bot.teams_message_action("report_harassment", ABUSE, user="29:staff")
    assert status == 200
    card = body["task"]["value"]["card"]["content"]
    data = dict(card["actions"][0]["data"])
    data.update({el["id"]: el["value"] for el in card["body"] if "id" in el and "value" in el})
    data.update({"platform": "x", "handle": "nasty_troll", "details": DETAILS})
    status, body = await bot.teams_invoke("composeExtension/submitAction", {"data": data}, user="29:staff")
    shown = json.dumps(body)
    assert "HA-2026-0001" in shown and "Mo Manager" in shown
    assert "Sam Staff, who reports to you" in bot.teams_to("29:manager")
    (account,) = await _accounts(bot)
    assert (account.platform, account.handle) == ("x", "nasty_troll")
    assert len(smtp_server.messages) == 1
    await bot.teams_say("blocked", user="29:comms")
    assert "nasty_troll** on X (Twitter) · 1 report" in bot.teams_to("29:comms")


async def test_mail_down_the_reporter_hears_once_and_hr_is_emailed_when_it_comes_back(bot_with_mail, smtp_server):
    bot = bot_with_mail
    smtp_server.go_down()
    await bot.slack_command("/smpolicy", "harassment", user="USTAFF")
    assert await bot.slack_submit({"platform": "facebook", "handle": "@nasty_troll", "details": DETAILS},
                                  user="USTAFF") == {}
    for _ in range(2):                       # the outbox tries again after its back-off; nobody is told twice
        bot.clock.advance(minutes=1)
        await bot.svc.outbox.drain()
    not_yet = [c for c in bot.slack.to("USTAFF") if "email to Human Resources hasn't gone yet" in c.text()]
    assert len(not_yet) == 1 and "contact HR yourself as well (3.9)" in not_yet[0].text()
    assert "Error" not in not_yet[0].text() and smtp_server.messages == []
    smtp_server.come_back()
    bot.clock.advance(minutes=3)
    await bot.svc.outbox.drain()
    await bot.svc.outbox.drain()
    (mail,) = smtp_server.messages
    assert "[HA-2026-0001]" in mail.message["Subject"] and DETAILS in mail.body
    assert sum("HA-2026-0001* has now been emailed to Human Resources" in c.text()
               for c in bot.slack.to("USTAFF")) == 1
