"""Commands written as the person's platform types them (issue 13), over the real HTTP path: `/smpolicy status` in
Slack, `status` in Teams, in the refusals and hints that used to name a bare command."""
from __future__ import annotations

from tests.e2e.test_accounts_helpers import ephemeral_to, requests, slack_request_account, teams_hello


def _teams(bot, user: str) -> str:
    return bot.teams_to(user)


async def test_slack_a_stale_approval_button_points_to_slash_smpolicy_status(bot):
    assert await slack_request_account(bot) == {}
    req = (await requests(bot, "account"))[-1]
    await bot.slack_click("approval.approve", value=f"{req.id}:9", user="UMANAGER", channel="DMANAGER")
    assert "Please use `/smpolicy status` to see where things stand." in ephemeral_to(bot, "UMANAGER")
    await bot.slack_click("approval.approve", value="x:y", user="UMANAGER", channel="DMANAGER")
    assert "Please use `/smpolicy status`" in bot.slack.responses()[-1].text()


async def test_teams_a_stale_approval_button_points_to_status_as_teams_types_it(bot):
    assert await slack_request_account(bot) == {}
    req = (await requests(bot, "account"))[-1]
    await teams_hello(bot, "29:manager")
    await bot.teams_click({"action_id": "approval.approve", "value": f"{req.id}:9"}, user="29:manager")
    said = _teams(bot, "29:manager")
    assert "Please use **status** to see where things stand." in said and "/smpolicy" not in said


async def test_slack_refusals_write_commands_with_their_slash(bot):
    await bot.slack_command("/smpolicy", "pause end", user="UCOMMS")
    assert "`/smpolicy pause` shows the current state" in ephemeral_to(bot, "UCOMMS")
    await bot.slack_command("/smpolicy", "check --sideways Join us on Saturday", user="USTAFF")
    assert "Try `/smpolicy check --as member <your draft>`" in ephemeral_to(bot, "USTAFF")
    await bot.slack_command("/smpolicy", "accounts nonsense", user="USTAFF")
    assert "Try `/smpolicy accounts mine`, `/smpolicy accounts all` or a platform" in ephemeral_to(bot, "USTAFF")


async def test_teams_refusals_write_commands_as_teams_types_them(bot):
    await teams_hello(bot, "29:comms", "29:staff")
    await bot.teams_say("pause end", user="29:comms")
    said = _teams(bot, "29:comms")
    assert "**pause** shows the current state" in said and "/smpolicy" not in said
    await bot.teams_say("check --sideways Join us on Saturday", user="29:staff")
    await bot.teams_say("accounts nonsense", user="29:staff")
    said = _teams(bot, "29:staff")
    assert "Try **check --as member <your draft>**" in said
    assert "Try **accounts mine**, **accounts all** or a platform" in said
    assert "/smpolicy" not in said
