"""Helpers shared by the crisis end-to-end tests (no tests here)."""
from __future__ import annotations

from dialogs.crisis import store
from tests.e2e.test_accounts_helpers import approved_account

LISTENING = ("Thank you for bringing this to our attention, we are investigating and will respond as soon as we are "
             "able – we are listening")


async def crisis(bot, crisis_id: int = 1):
    return await store.get(bot.svc.db, crisis_id)


async def actions(bot, crisis_id: int = 1) -> list[str]:
    return [e.action for e in await store.timeline(bot.svc.db, crisis_id)]


async def events(bot, crisis_id: int = 1):
    return await store.timeline(bot.svc.db, crisis_id)


def slack_dms(bot, user: str) -> list:
    """Messages the bot posted to a person's DM (chat.postMessage to their user id)."""
    return bot.slack.to(user)


def updates_of(bot, channel: str, ts: str) -> list:
    return [c for c in bot.slack.of("chat.update") if c.args.get("channel") == channel and c.args.get("ts") == ts]


def teams_sent(bot, conversation: str, method: str | None = None) -> list:
    return [s for s in bot.teams.in_conversation(conversation) if method is None or s.method == method]


def told_count(bot, user: str, words: str) -> int:
    """How many of the bot's Slack messages to a person contain these words."""
    return sum(1 for c in bot.slack.to(user) if words in c.text())


def told_anywhere(bot, slack_user: str, teams_user: str, words: str) -> int:
    """How often a person was told something on either platform (the bot reaches each person on one)."""
    return told_count(bot, slack_user, words) + bot.teams_to(teams_user).count(words)


async def registered_highways(bot):
    """Test Highways in the register (owner Sam Staff), run by Oz Other and Fran Fire (neither named in the
    organisation file)."""
    return await approved_account(bot, user="USTAFF", account_name="Test Highways",
                                  administrators=["UOTHER", "UFIRE"])
