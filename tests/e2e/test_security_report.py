"""2.10: a draft carrying a password, code or confidential material offers "Report to Information Management";
the email carries the reference and the kind of material, never the post or the secret, and goes once however
often the button is clicked. Slack and Teams over real HTTP, with a real SMTP server on loopback."""
from __future__ import annotations

from sqlalchemy import select

from storage.models.security import SecurityReport
from tests.conftest import london
from tests.e2e.test_durable_work import until

SECRET = "Tr0ub4dor&3xyz"
DRAFT = f"Hi team, the login for the Highways Facebook page is highways.admin and the password is {SECRET}"
REPORT = "Report to Information Management"


def _dms(bot, user: str, needle: str) -> int:
    """How many of the bot's Slack DMs to `user` say `needle`."""
    return sum(needle in c.text() for c in bot.slack.to(user))


def _slack_report_button(call) -> dict:
    buttons = [el for b in call.args.get("blocks", []) if b["type"] == "actions" for el in b["elements"]]
    return next(b for b in buttons if b["text"]["text"] == REPORT)


async def test_slack_report_goes_once_without_the_secret(bot_with_mail, smtp_server):
    bot = bot_with_mail
    await bot.slack_command("/smpolicy", f"check {DRAFT}", user="USTAFF")
    verdict = bot.slack.responses()[-1]
    button = _slack_report_button(verdict)
    assert SECRET not in button["value"]

    await bot.slack_click("security.report", value=button["value"], user="USTAFF")
    told = bot.slack.responses()[-1].text()
    assert "IS-2026-0001" in told and "foi@example.gov.uk" in told and "not the post or the secret" in told

    (mail,) = smtp_server.messages
    assert mail.rcpt_tos == ["foi@example.gov.uk"]
    assert "[IS-2026-0001]" in mail.message["Subject"]
    assert "Sam Staff <staff@example.gov.uk>" in mail.body
    assert "a password, login or security code" in mail.body
    assert SECRET not in mail.body and "highways.admin" not in mail.body

    # A second click (a double click, or coming back to the verdict) sends nothing more and says so.
    await bot.slack_click("security.report", value=button["value"], user="USTAFF")
    again = bot.slack.responses()[-1].text()
    assert "already reported as *IS-2026-0001* by Sam Staff" in again and "Nothing more was sent" in again
    assert len(smtp_server.messages) == 1
    async with bot.svc.db.sessions() as s:
        rows = list(await s.scalars(select(SecurityReport)))
    assert len(rows) == 1 and rows[0].email_state == "sent"


async def test_a_forged_button_changes_nothing(bot_with_mail, smtp_server):
    await bot_with_mail.slack_click("security.report", value="personal_data|zzz", user="USTAFF")
    assert "out of date" in bot_with_mail.slack.responses()[-1].text()
    assert smtp_server.messages == []


async def test_no_button_without_security_material(bot_with_mail):
    await bot_with_mail.slack_command("/smpolicy", "check Join us at Christchurch Park on Saturday", user="USTAFF")
    assert REPORT not in str(bot_with_mail.slack.responses()[-1].args)


async def test_mail_down_saved_retried_and_reporter_told(bot_with_mail, smtp_server):
    bot = bot_with_mail
    smtp_server.go_down()
    await bot.slack_command("/smpolicy", f"check {DRAFT}", user="USTAFF")
    await bot.slack_click("security.report", value=_slack_report_button(bot.slack.responses()[-1])["value"],
                          user="USTAFF")
    assert "IS-2026-0001* is saved, and I'm emailing" in bot.slack.responses()[-1].text()
    told = bot.slack.said_to("USTAFF")      # then, once the email has been tried, by DM, once
    assert _dms(bot, "USTAFF", "hasn't gone yet (the mail server could not be reached)") == 1
    assert "Error" not in told              # no exception names for staff
    smtp_server.come_back()
    await bot.run_sweeps(london(2026, 12, 1, 11, 0))
    assert len(smtp_server.messages) == 1 and SECRET not in smtp_server.messages[0].body
    await until(lambda: _dms(bot, "USTAFF", "IS-2026-0001* has now been emailed") == 1)   # sent after the sweep
    await bot.run_sweeps(london(2026, 12, 1, 11, 30))
    await bot.settle()
    assert len(smtp_server.messages) == 1 and _dms(bot, "USTAFF", "has now been emailed") == 1


async def test_teams_report_from_a_verdict(bot_with_mail, smtp_server):
    bot = bot_with_mail
    await bot.teams_say(f"check {DRAFT}")
    action = None
    for sent in reversed(bot.teams.in_conversation("a:personal-29:staff")):
        for att in sent.activity.get("attachments") or []:
            for el in (att.get("content") or {}).get("body", []):
                for a in el.get("actions", []) if el.get("type") == "ActionSet" else []:
                    if a.get("title") == REPORT:
                        action = a
    assert action is not None, "no Report button on the Teams verdict"
    await bot.teams_click(action["data"])
    await bot.teams_click(action["data"])
    assert len(smtp_server.messages) == 1 and SECRET not in smtp_server.messages[0].body
    said = bot.teams_to("29:staff")
    assert "IS-2026-0001" in said and "already reported" in said
