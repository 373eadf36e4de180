"""The accounts register in Slack: listing, leavers and their password tasks (5.5), yearly reviews (2.2)."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from dialogs.register import flow, store
from storage.models.accounts import AccountAdmin, AccountTask, SocialAccount
from tests.conftest import london

from .test_accounts_helpers import approved_account, ephemeral_to, events, second_services


def last_reply(bot) -> str:
    return bot.slack.responses()[-1].text()


async def test_accounts_mine_all_and_by_platform(bot):
    await approved_account(bot)
    await approved_account(bot, user="UOTHER", platform="tiktok", account_name="Suffolk Libraries",
                           administrators=["UOTHER"])
    await bot.slack_command("/smpolicy", "accounts", user="USTAFF")
    mine = last_reply(bot)
    assert "Facebook – Suffolk Highways" in mine and "Suffolk Libraries" not in mine
    assert "Sam Staff, Oz Other" in mine and "0 of 5 done" in mine and "not yet" in mine
    await bot.slack_command("/smpolicy", "accounts all", user="USTAFF")
    assert "Suffolk Highways" in last_reply(bot) and "TikTok – Suffolk Libraries" in last_reply(bot)
    await bot.slack_command("/smpolicy", "accounts tiktok", user="USTAFF")
    assert "Suffolk Libraries" in last_reply(bot) and "Suffolk Highways" not in last_reply(bot)
    await bot.slack_command("/smpolicy", "accounts x", user="USTAFF")
    assert "None yet" in last_reply(bot)
    await bot.slack_command("/smpolicy", "accounts myspace", user="USTAFF")
    assert "I don't know “myspace”" in last_reply(bot)


async def test_administrators_of_by_name_key_or_session(bot):
    acct = await approved_account(bot, account_name="Test Highways")
    assert await store.administrators_of(bot.svc, "Test Highways") == ["other@example.gov.uk",
                                                                          "staff@example.gov.uk"]
    assert await store.administrators_of(bot.svc, "highways") == ["other@example.gov.uk", "staff@example.gov.uk"]
    async with bot.svc.db.sessions() as s:
        assert await store.administrators_of(s, "test highways") == ["other@example.gov.uk",
                                                                         "staff@example.gov.uk"]
    assert await store.administrators_of(bot.svc, "Nobody's Account") == []
    assert acct.name == "Test Highways"


async def test_leaver_is_removed_and_each_remaining_administrator_changes_the_password(bot):
    acct = await approved_account(bot)
    await bot.slack_command("/smpolicy", "leaver <@UOTHER|oz.other>", user="USTAFF")
    assert "Only the leaver's manager or the Communications Team" in last_reply(bot)
    await bot.slack_command("/smpolicy", "leaver <@UOTHER|oz.other>", user="UCOMMS")
    reply = last_reply(bot)
    assert "taken Oz Other off" in reply and "Facebook “Suffolk Highways”" in reply and "(5.5)" in reply
    assert await store.administrators_of(bot.svc, "Suffolk Highways") == ["staff@example.gov.uk"]
    task_dm = [c for c in bot.slack.to("USTAFF") if "Change the password" in c.text()]
    assert len(task_dm) == 1
    assert "change the password and update the login registered with the Communications Team (5.5)" in \
        task_dm[0].text()
    assert [e.action for e in await events(bot, "social_account")][-1] == "admin_removed"
    # Recording the same leaver again changes nothing.
    await bot.slack_command("/smpolicy", "leaver <@UOTHER>", user="UCOMMS")
    assert "isn't an administrator of any account" in last_reply(bot)
    async with bot.svc.db.sessions() as s:
        tasks = list(await s.scalars(select(AccountTask)))
        removed = await s.scalar(select(AccountAdmin).where(AccountAdmin.email == "other@example.gov.uk"))
    assert [(t.assignee, t.because_of) for t in tasks] == [("staff@example.gov.uk", "other@example.gov.uk")]
    assert removed.removed_at is not None and removed.removed_by == "comms@example.gov.uk"
    assert acct.id == removed.account_id


async def test_password_task_is_chased_daily_until_confirmed(bot):
    await approved_account(bot)
    await bot.slack_command("/smpolicy", "leaver <@UOTHER|oz.other>", user="UCOMMS")
    other = second_services(bot)

    def reminders() -> int:
        return sum(1 for c in bot.slack.to("USTAFF") if "Reminder: this is still to do" in c.text())

    try:
        for at in (london(2026, 12, 1, 11, 0), london(2026, 12, 2, 9, 0), london(2026, 12, 2, 9, 0),
                   london(2026, 12, 3, 9, 0)):
            bot.clock.set(at)
            await asyncio.gather(flow.chase_tasks(bot.svc, at), flow.chase_tasks(other, at))
        assert reminders() == 2   # Wed and Thu; Tuesday's was the task itself
    finally:
        await other.db.close()
    async with bot.svc.db.sessions() as s:
        task = await s.scalar(select(AccountTask))
    await bot.slack_click("register.task_done", value=str(task.id), user="ULEAD", channel="DLEAD")
    assert "Only the administrator it was given to" in ephemeral_to(bot, "ULEAD")
    await bot.slack_click("register.task_done", value=str(task.id), user="USTAFF", channel="DSTAFF",
                          message_ts="1700000099.000100")
    done = [c for c in bot.slack.of("chat.update") if c.args.get("ts") == "1700000099.000100"]
    assert "Done: Sam Staff confirmed the password was changed" in done[-1].text()
    await bot.slack_click("register.task_done", value=str(task.id), user="USTAFF", channel="DSTAFF")
    assert "Sam Staff already confirmed this at 09:00 on Thursday 3 December 2026" in ephemeral_to(bot, "USTAFF")
    await bot.run_sweeps(london(2026, 12, 4, 9, 0))
    assert reminders() == 2
    assert [e.action for e in await events(bot, "account_task")] == ["task_created", "task_done"]


async def test_the_last_administrator_leaving_is_flagged_to_the_communications_team(bot):
    await approved_account(bot, user="UOTHER", account_name="Suffolk Libraries", administrators=["UOTHER"])
    await bot.slack_command("/smpolicy", "leaver <@UOTHER>", user="UCOMMS")
    assert "nobody: I've told the Communications Team" in last_reply(bot)
    assert "also owns “Suffolk Libraries”" in last_reply(bot)
    assert "nobody else administers Facebook “Suffolk Libraries”" in bot.slack.said_to("CCOMMS")


async def test_a_manager_records_their_own_leaver(bot):
    await approved_account(bot, administrators=["USTAFF", "UOTHER"])
    await bot.slack_command("/smpolicy", "leaver <@USTAFF|sam.staff>", user="UMANAGER")
    assert "taken Sam Staff off" in last_reply(bot)
    assert "Change the password" in bot.slack.said_to("UOTHER")


async def test_yearly_review_reminder_goes_to_the_owners_manager(bot):
    acct = await approved_account(bot)
    other = second_services(bot)

    def reviews() -> int:
        return sum(1 for c in bot.slack.to("UMANAGER") if "Yearly review" in c.text())

    try:
        for at in (london(2027, 11, 30, 9, 0), london(2027, 12, 1, 9, 0), london(2027, 12, 2, 9, 0),
                   london(2027, 12, 6, 9, 0)):
            bot.clock.set(at)
            await asyncio.gather(flow.review_reminders(bot.svc, at), flow.review_reminders(other, at))
        assert reviews() == 2    # the week it fell due, then the next week
    finally:
        await other.db.close()
    assert "(2.2" in bot.slack.to("UMANAGER")[-1].text()
    await bot.slack_click("register.reviewed", value=str(acct.id), user="UOTHER", channel="DOTHER")
    assert "Only the owner's manager or the Communications Team" in ephemeral_to(bot, "UOTHER")
    await bot.slack_click("register.reviewed", value=str(acct.id), user="UMANAGER", channel="DMANAGER")
    async with bot.svc.db.sessions() as s:
        acct = await s.get(SocialAccount, acct.id)
    assert acct.reviewed_by == "manager@example.gov.uk"
    await bot.run_sweeps(london(2027, 12, 13, 9, 0))
    assert reviews() == 2
    await bot.slack_command("/smpolicy", "accounts", user="UMANAGER")
    assert "6 December 2027" in last_reply(bot)
