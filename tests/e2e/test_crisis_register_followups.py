"""A crisis follows the accounts register by the entry's id (§4.3, 5.5), over the real HTTP path on Slack and
Teams: someone given access to the account during the crisis is told to STOP at once and told with everyone else
when posting may resume, exactly once each; an account with a similar name is not taken for the one in crisis."""
from __future__ import annotations

from sqlalchemy import update

from storage.models.accounts import SocialAccount
from tests.conftest import london
from tests.e2e.test_accounts_helpers import approved_account, ephemeral_to, teams_hello, teams_submit
from tests.e2e.test_crisis_support import actions, crisis, registered_highways, told_anywhere, told_count

START = "start highways Residents are furious about our post saying the A12 is shut when it is not"
STOP = "STOP posting on Test Highways"
RESUME = "You may resume posting"





async def test_slack_someone_given_access_during_the_crisis_is_stopped_at_once_and_told_to_resume_once(bot):
    acct = await registered_highways(bot)
    await bot.slack_command("/crisis", START, user="UCOMMS")
    c = await crisis(bot)
    assert told_count(bot, "UBUDGET", STOP) == 0

    # The owner gives Bea Budget access while the crisis is on: she is told to STOP straight away.
    await bot.slack_command("/smpolicy", "accounts admins", user="USTAFF")
    view = bot.last_view()
    assert await bot.slack_submit({"account": str(acct.id), "add": ["UBUDGET"]}, user="USTAFF", view=view) == {}
    assert told_count(bot, "UBUDGET", STOP) == 1
    assert "budget@example.gov.uk" in (await crisis(bot)).administrators
    # Taken away and given back during the same crisis: no second STOP.
    await bot.slack_command("/smpolicy", "accounts admins", user="USTAFF")
    await bot.slack_submit({"account": str(acct.id), "remove": ["UBUDGET"], "reason": "no_longer"}, user="USTAFF")
    await bot.slack_command("/smpolicy", "accounts admins", user="USTAFF")
    await bot.slack_submit({"account": str(acct.id), "add": ["UBUDGET"]}, user="USTAFF")
    assert told_count(bot, "UBUDGET", STOP) == 1

    await bot.slack_command("/crisis", "end", user="UCOMMS", channel=c.room_id)
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 1, 11, 0))
    for user in ("UOTHER", "UFIRE", "ULEAD", "UBUDGET"):
        assert told_count(bot, user, STOP) == 1, user
        assert told_count(bot, user, RESUME) == 1, user
    assert (await actions(bot)).count("stop_sent") == 4 and (await actions(bot)).count("resume_sent") == 4
    assert "Bea Budget" in ephemeral_to(bot, "UCOMMS")      # named among those told they may resume


async def test_teams_someone_given_access_during_the_crisis_is_stopped_at_once_and_told_to_resume_once(bot):
    acct = await registered_highways(bot)
    await teams_hello(bot, "29:comms", "29:staff", "29:budget", "29:other", "29:fire")
    await bot.teams_say(f"crisis {START}", user="29:comms")
    c = await crisis(bot)
    assert c.platform == "teams"

    await bot.teams_say("accounts admins", user="29:staff")
    await teams_submit(bot, "29:staff", {"account": str(acct.id), "add": ["budget@example.gov.uk"]})
    assert told_anywhere(bot, "UBUDGET", "29:budget", STOP) == 1
    await bot.teams_say("accounts admins", user="29:staff")
    await teams_submit(bot, "29:staff", {"account": str(acct.id), "add": ["budget@example.gov.uk"]})
    assert told_anywhere(bot, "UBUDGET", "29:budget", STOP) == 1

    await bot.teams_say("crisis end", user="29:comms", conversation=c.room_id, conversation_type="channel")
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 1, 11, 0))
    for slack_user, teams_user in (("UOTHER", "29:other"), ("UFIRE", "29:fire"), ("ULEAD", "29:lead"),
                                   ("UBUDGET", "29:budget")):
        assert told_anywhere(bot, slack_user, teams_user, STOP) == 1, slack_user
        assert told_anywhere(bot, slack_user, teams_user, RESUME) == 1, slack_user
    assert (await actions(bot)).count("resume_sent") == 4


async def test_slack_the_crisis_follows_the_register_entry_not_its_name(bot):
    acct = await registered_highways(bot)
    # Another register entry that is named like it, on another platform, with its own administrator.
    await approved_account(bot, user="USTAFF", account_name="Test Highways Roadworks", platform="x",
                           administrators=["UBUDGET"])
    await bot.slack_command("/crisis", START, user="UCOMMS")
    c = await crisis(bot)
    assert told_count(bot, "UBUDGET", STOP) == 0
    # The Communications Team corrects the entry's name during the crisis: the crisis still follows it.
    async with bot.svc.db.transaction() as s:
        await s.execute(update(SocialAccount).where(SocialAccount.id == acct.id)
                        .values(name="Test Highways (Facebook)"))
    await bot.slack_command("/smpolicy", "accounts admins", user="USTAFF")
    assert await bot.slack_submit({"account": str(acct.id), "add": ["UOWNER"]}, user="USTAFF") == {}
    assert told_count(bot, "UOWNER", STOP) == 1
    await bot.slack_command("/crisis", "end", user="UCOMMS", channel=c.room_id)
    await bot.run_sweeps(london(2026, 12, 1, 11, 0))
    assert told_count(bot, "UOWNER", RESUME) == 1 and told_count(bot, "UBUDGET", RESUME) == 0
