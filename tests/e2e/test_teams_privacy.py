"""Teams keeps personal replies private (issue 14, item 4): what Slack shows only to the asker is never posted to a
channel. It goes to the person's personal chat, and the channel gets a short note with nothing personal in it."""
from __future__ import annotations



from .test_accounts_helpers import teams_submit

GENERAL = "19:general@thread.tacv2"
QUESTION = "Please send me the minutes of every meeting about the Mill Lane flooding"
REQUESTER = "Jo Bloggs"
REQUESTER_EMAIL = "jo.bloggs@example.com"
DRAFT = "Ring Jo on 07700 900123 about her council tax arrears"
MENTION = {"type": "mention", "mentioned": {"id": "28:smpolicy-bot", "name": "smpolicy"}, "text": "<at>smpolicy</at>"}



async def in_channel(bot, text: str, user: str = "29:staff"):
    """`@smpolicy <text>` in a team's channel, as Teams sends it."""
    return await bot.teams_say(f"<at>smpolicy</at> {text}", user=user, conversation=GENERAL,
                               conversation_type="channel", entities=[MENTION])


def channel_text(bot) -> str:
    return "\n".join(s.text() for s in bot.teams.sent if not s.conversation.startswith("a:"))


async def test_nothing_personal_reaches_a_channel(teams_bot):
    bot = teams_bot
    await bot.teams_say("foi", user="29:staff")
    await teams_submit(bot, "29:staff", {
        "question": QUESTION, "source_platform": "facebook", "visibility": "private", "received": "2026-12-01",
        "kind": "foi", "requester_handle": REQUESTER, "requester_email": REQUESTER_EMAIL})
    bot.teams.clear()

    await in_channel(bot, "foi show FOI-2026-0001")
    await in_channel(bot, "foi list")
    await in_channel(bot, "status")
    await in_channel(bot, f"check {DRAFT}")
    await in_channel(bot, "request-account")
    await in_channel(bot, "foi done FOI-2026-0099")           # an error about their own item

    # Each answer reached the asker, in their personal chat.
    mine = bot.teams_to("29:staff")
    assert REQUESTER in mine and REQUESTER_EMAIL in mine and QUESTION in mine
    assert "Your open FOI cases (1)" in mine
    assert "Stop" in mine or "sign-off" in mine
    assert "Request a new account" in mine
    # The channel only heard that the answer went privately.
    said = channel_text(bot)
    assert said.count("I've answered you in our personal chat") >= 5
    for private in (REQUESTER, REQUESTER_EMAIL, QUESTION, "Mill Lane", DRAFT, "07700", "staff@example.gov.uk",
                    "Sam Staff", "FOI-2026-0001", "Request a new account"):
        assert private not in said, private
    assert not any("attachments" in s.activity and "form_id" in str(s.activity)
                   for s in bot.teams.sent if not s.conversation.startswith("a:"))


async def test_a_form_opened_in_a_channel_is_filled_in_privately(teams_bot):
    bot = teams_bot
    await in_channel(bot, "foi")
    await teams_submit(bot, "29:staff", {
        "question": QUESTION, "source_platform": "facebook", "visibility": "public", "received": "2026-12-01",
        "kind": "foi", "requester_handle": REQUESTER})
    assert "FOI-2026-0001: saved" in bot.teams_to("29:staff")
    assert REQUESTER not in channel_text(bot) and QUESTION not in channel_text(bot)
