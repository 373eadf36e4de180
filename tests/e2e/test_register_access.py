"""The accounts register as the list of who has access (5.5, 5.6), over the real HTTP path on Slack and Teams:
administrators added and removed on an existing account (only by its owner or the Communications Team), an account
that predates the bot registered with its platform and whether it is on the single access platform, the owner
asked at once to change the password when someone loses access, and regularly; two-factor confirmed yearly. The
mourning pause and the crisis STOP messages read the same list."""
from __future__ import annotations

from sqlalchemy import select

from dialogs.register import store
from storage.models.accounts import SocialAccount
from tests.conftest import london
from tests.e2e.test_crisis_support import told_count

from .test_accounts_helpers import (approved_account, ephemeral_to, teams_hello, teams_join_comms_channel,
                                    teams_said, teams_submit)

LIBRARIES = {"platform": "tiktok", "account_name": "Suffolk Libraries TikTok", "service_area": "Libraries",
             "kind": "service", "access_platform": "no", "administrators": ["USTAFF", "UOTHER"],
             "monitored": "Monday to Friday, 9am to 5pm", "login_given": True, "twofa": False}


def _buttons(call) -> list[dict]:
    return [el for block in call.args.get("blocks", []) if block["type"] == "actions" for el in block["elements"]]


def told(bot, user: str) -> str:
    """What a person was told after a form: privately, or in their DM."""
    return ephemeral_to(bot, user) + "\n" + bot.slack.said_to(user)



async def _account(bot, name: str) -> SocialAccount:
    async with bot.svc.db.sessions() as s:
        return await s.scalar(select(SocialAccount).where(SocialAccount.name == name))


async def test_slack_owner_changes_who_has_access_and_the_pause_and_crisis_follow_the_list(bot):
    acct = await approved_account(bot)       # Suffolk Highways: owner Sam Staff, administrators Sam and Oz
    await bot.slack_command("/smpolicy", "accounts admins", user="UOTHER")
    assert "Only an account's owner or the Communications Team can change who administers it (5.5)" in \
        ephemeral_to(bot, "UOTHER")

    await bot.slack_command("/smpolicy", "accounts admins", user="USTAFF")
    view = bot.last_view()
    ack = await bot.slack_submit({"account": str(acct.id), "add": ["UFIRE"], "remove": ["UOTHER"]}, user="USTAFF")
    assert ack["response_action"] == "errors" and "reason" in ack["errors"]
    assert await store.administrators_of(bot.svc, "Suffolk Highways") == ["other@example.gov.uk",
                                                                          "staff@example.gov.uk"]
    ack = await bot.slack_submit({"account": str(acct.id), "add": ["UFIRE"], "remove": ["UOTHER"],
                                  "reason": "changed_job"}, user="USTAFF", view=view)
    assert ack == {}
    reply = told(bot, "USTAFF")
    assert "Given access: Fran Fire" in reply and "Access taken away: Oz Other" in reply
    assert "asked Sam Staff, the owner, to change the password now" in reply
    assert await store.administrators_of(bot.svc, "Suffolk Highways") == ["firefighter@examplefire.gov.uk",
                                                                          "staff@example.gov.uk"]
    assert "has given you access to Facebook “Suffolk Highways”" in bot.slack.said_to("UFIRE")
    # The owner is asked at once to change the password, because someone with access changed job (5.5).
    task = [c for c in bot.slack.to("USTAFF") if "Change the password" in c.text()]
    assert len(task) == 1 and "Oz Other no longer administers" in task[0].text()
    # The same change again changes nothing.
    await bot.slack_submit({"account": str(acct.id), "add": ["UFIRE"], "remove": ["UOTHER"],
                            "reason": "changed_job"}, user="USTAFF", view=view)
    assert "No change for Fran Fire, Oz Other" in told(bot, "USTAFF")
    assert told_count(bot, "UFIRE", "has given you access") == 1

    # The mourning pause asks whoever the register lists now: Fran, not Oz.
    await bot.slack_command("/smpolicy", "pause start 10 Death of a senior member of the Royal Family",
                            user="UCOMMS")
    assert "Suffolk Highways" in bot.slack.said_to("UFIRE")
    assert "pause" not in bot.slack.said_to("UOTHER").lower()
    await bot.slack_command("/smpolicy", "pause end", user="UCOMMS")
    # A crisis on the account tells the register's administrators to STOP.
    await bot.slack_command("/crisis", "start Suffolk Highways is being attacked for a wrong closure post",
                            user="UCOMMS")
    await bot.slack_submit({"other_account": "Suffolk Highways", "what": "A wrong closure post",
                            "indicators": ["press"]}, user="UCOMMS")
    assert told_count(bot, "UFIRE", "STOP posting on Suffolk Highways") == 1
    assert told_count(bot, "UOTHER", "STOP posting") == 0


async def test_slack_register_an_existing_account_then_two_factor_and_password_reminders(bot):
    await bot.slack_command("/smpolicy", "accounts register", user="USTAFF")
    view = bot.last_view()
    ack = await bot.slack_submit({**LIBRARIES, "access_platform": "yes"}, user="USTAFF", view=view)
    assert "supports Facebook, X, Instagram and LinkedIn only (5.5)" in ack["errors"]["access_platform"]
    ack = await bot.slack_submit({**LIBRARIES, "login_given": False}, user="USTAFF", view=view)
    assert "Registration includes the login" in ack["errors"]["login_given"]
    assert await _account(bot, "Suffolk Libraries TikTok") is None
    assert await bot.slack_submit(LIBRARIES, user="USTAFF", view=view) == {}
    assert "TikTok “Suffolk Libraries TikTok” is in the accounts register" in told(bot, "USTAFF")
    assert "Registered: TikTok “Suffolk Libraries TikTok”" in bot.slack.said_to("CCOMMS")
    assert "with you as one of the people who have access (5.5)" in bot.slack.said_to("UOTHER")
    await bot.slack_command("/smpolicy", "accounts all", user="UCOMMS")
    listing = bot.slack.responses()[-1].text()
    assert "TikTok – Suffolk Libraries TikTok" in listing and "Single access platform*\nno" in listing

    # Two-factor was not confirmed at registration: the owner is asked, once a week however many instances run.
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    await bot.run_sweeps(london(2026, 12, 3, 9, 0))
    assert told_count(bot, "USTAFF", "Is two-factor authentication still on?") == 1
    card = next(c for c in bot.slack.to("USTAFF") if "Is two-factor authentication still on?" in c.text())
    assert "(5.6)" in card.text()
    button = next(b for b in _buttons(card) if b["action_id"] == "register.twofa_on")
    await bot.slack_click("register.twofa_on", button["value"], user="UMANAGER", channel="DMANAGER")
    assert "Only the account's owner, its administrators or the Communications Team" in ephemeral_to(bot, "UMANAGER")
    await bot.slack_click("register.twofa_on", button["value"], user="USTAFF", channel="DSTAFF",
                          message_ts=card.args.get("ts"))
    await bot.slack_click("register.twofa_on", button["value"], user="USTAFF", channel="DSTAFF")
    assert "already confirmed" in ephemeral_to(bot, "USTAFF")
    await bot.run_sweeps(london(2026, 12, 9, 9, 0))
    assert told_count(bot, "USTAFF", "Is two-factor authentication still on?") == 1

    # The password, every password_change_days (90 by default): not before, then weekly until done.
    await bot.run_sweeps(london(2027, 2, 26, 9, 0))
    assert told_count(bot, "USTAFF", "Time to change the password") == 0
    await bot.run_sweeps(london(2027, 3, 2, 9, 0))
    await bot.run_sweeps(london(2027, 3, 3, 9, 0))
    assert told_count(bot, "USTAFF", "Time to change the password") == 1
    reminder = next(c for c in bot.slack.to("USTAFF") if "Time to change the password" in c.text())
    assert "(5.5" in reminder.text()
    button = next(b for b in _buttons(reminder) if b["action_id"] == "register.password_changed")
    await bot.slack_click("register.password_changed", button["value"], user="UOTHER", channel="DOTHER")
    await bot.run_sweeps(london(2027, 3, 9, 9, 0))
    assert told_count(bot, "USTAFF", "Time to change the password") == 1
    # Oz leaves: the owner is asked at once as well as the remaining administrator.
    await bot.slack_command("/smpolicy", "leaver <@UOTHER|oz.other>", user="UCOMMS")
    assert told_count(bot, "USTAFF", "Oz Other no longer administers TikTok") == 1


async def test_teams_register_an_existing_account_and_change_who_has_access(bot):
    await teams_hello(bot, "29:staff", "29:other", "29:fire", "29:comms")
    await teams_join_comms_channel(bot)
    await bot.teams_say("accounts register", user="29:staff")
    await teams_submit(bot, "29:staff", {**LIBRARIES, "administrators": ["staff@example.gov.uk",
                                                                          "other@example.gov.uk"],
                                         "login_given": "true", "twofa": "true"})
    assert "is in the accounts register, with access for Sam Staff, Oz Other" in teams_said(bot, "a:personal-29:staff")
    acct = await _account(bot, "Suffolk Libraries TikTok")
    assert acct.on_access_platform is False and acct.twofa_confirmed_at is not None

    await bot.teams_say("accounts admins", user="29:staff")
    await teams_submit(bot, "29:staff", {"account": str(acct.id), "add": ["firefighter@examplefire.gov.uk"],
                                         "remove": ["other@example.gov.uk"], "reason": "left"})
    assert "Access taken away: Oz Other" in teams_said(bot, "a:personal-29:staff")
    assert await store.administrators_of(bot.svc, "Suffolk Libraries TikTok") == [
        "firefighter@examplefire.gov.uk", "staff@example.gov.uk"]
    told = teams_said(bot, "a:personal-29:fire") + bot.slack.said_to("UFIRE")
    assert told.count("has given you access to TikTok") == 1
