"""What people type (a decline or rejection reason, a note to an approver, a mourning-pause reason, a crisis
summary and link) reaches other people's Slack and Teams messages as words: never a mention that pings a
channel, never a link dressed up as something else. Over the real HTTP path with the loopback stand-ins."""
from __future__ import annotations

import html

from .test_accounts_helpers import (cards, only_request, slack_click_card, slack_request_account, teams_click_card,
                                    teams_said, teams_submit, teams_updates, updates_to)
from .test_accounts_teams import TEAMS_COMMS_CHANNEL, everyone_says_hello, past_the_manager
from .test_crisis_support import crisis, teams_sent
from .test_crisis_teams import meet
from .test_pause_support import dms, last_reply, register_account

# Slack's mentions and a disguised link, and a Markdown link as Teams would show it.
HOSTILE = "<!channel> <@UCOMMS> look <https://evil.example|Approve here> or [Approve](https://evil.example)"
# A post that goes for sign-off (controversial, 4.2) even with the hostile markup after it: with only the closure,
# the tenth session's models read closure + markup as fine or as confidential (noted in the session's note).
DRAFT = "Council tax is going up 4.99% and we are closing Hadleigh library because of budget cuts"


def assert_inert_on_slack(text: str) -> None:
    for mark in ("<!channel>", "<!here>", "<@UCOMMS>", "<https://evil.example"):
        assert mark not in text, (mark, text)
    assert "‹!channel› ‹@UCOMMS›" in text, text   # still there to read, as typed


def assert_no_link_on_teams(text: str) -> None:
    assert "](https://evil.example" not in text and "<https://evil.example" not in text, text
    assert "［Approve］(https://evil.example)" in text, text   # still there to read, as typed


def _buttons(call) -> list[dict]:
    return [el for block in call.args.get("blocks", []) if block["type"] == "actions" for el in block["elements"]]


async def test_a_note_and_a_decline_reason_cannot_ping_or_link_on_slack(bot):
    await bot.slack_shortcut("is_this_ok", DRAFT, user="USTAFF")
    ask = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", ask["value"], user="USTAFF", ephemeral=True)
    assert await bot.slack_submit({"draft": DRAFT, "note": HOSTILE}, user="USTAFF") == {}
    card = bot.slack.to("UMANAGER")[-1]
    assert "Note from the requester" in card.text()
    assert_inert_on_slack(card.text())

    decline = next(b for b in _buttons(card) if b["action_id"] == "signoff.decline")
    await bot.slack_click("signoff.decline", decline["value"], user="UMANAGER", channel="DMANAGER",
                          message_ts=card.args.get("ts"))
    await bot.slack_submit({"reason": HOSTILE}, user="UMANAGER")
    told = bot.slack.to("USTAFF")[-1].text()   # the requester's DM, its fallback text included
    assert "declined by Mo Manager" in told
    assert_inert_on_slack(told)
    decided = bot.slack.of("chat.update")[-1].text()
    assert "Sign-off: declined" in decided
    assert_inert_on_slack(decided)


async def test_a_rejection_reason_cannot_ping_the_approvers_channel_on_slack(bot):
    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    card = await slack_click_card(bot, req, "reject", "UCOMMS", "CCOMMS")
    assert await bot.slack_submit({"reason": HOSTILE}, user="UCOMMS") == {}
    channel_card = updates_to(bot, "CCOMMS", card.message_id)[-1].text()
    assert "Rejected* by Cam Comms" in channel_card
    assert_inert_on_slack(channel_card)
    told = bot.slack.said_to("USTAFF")
    assert "was not approved" in told
    assert_inert_on_slack(told)


async def test_a_rejection_reason_is_no_link_on_teams(bot):
    await everyone_says_hello(bot)
    req = await past_the_manager(bot)
    card = await teams_click_card(bot, req, "reject", "29:comms", TEAMS_COMMS_CHANNEL)
    await teams_submit(bot, "29:comms", {"reason": HOSTILE})
    assert (await only_request(bot)).state == "rejected"
    channel_card = teams_updates(bot, TEAMS_COMMS_CHANNEL, card.message_id)[-1].text()
    assert "Rejected** by Cam Comms" in channel_card
    assert_no_link_on_teams(channel_card)
    told = teams_said(bot, "a:personal-29:staff")
    assert "was not approved" in told
    assert_no_link_on_teams(told)
    # The Slack copy of the card, in the Communications Team's channel, pings nobody either.
    slack_card = (await cards(bot, req.id, platform="slack", channel="CCOMMS"))[-1]
    assert_inert_on_slack(updates_to(bot, "CCOMMS", slack_card.message_id)[-1].text())


async def test_a_mourning_pause_reason_cannot_ping_the_communications_team_or_administrators(bot):
    await register_account(bot, "Suffolk Highways", ["staff@example.gov.uk"])
    await bot.slack_command("/smpolicy", f"pause start 3 {HOSTILE}", user="UCOMMS")
    assert "Mourning pause started" in last_reply(bot)
    [notice] = bot.slack.to("CCOMMS")
    assert "started a mourning pause" in notice.text()
    assert_inert_on_slack(notice.text())
    [dm] = dms(bot, "USTAFF", "Posting is paused")
    assert_inert_on_slack(dm.text())
    # The checker quotes the reason in every verdict while the pause lasts.
    await bot.slack_command("/smpolicy", f"check {DRAFT}", user="UOTHER")
    assert_inert_on_slack(last_reply(bot))


async def test_a_typed_crisis_link_is_never_a_disguised_link_on_slack(bot):
    await bot.slack_command("/crisis", "start", user="USTAFF")
    await bot.slack_submit({"accounts": ["highways"], "what": HOSTILE, "indicators": ["press"],
                            "link": "https://evil.example|Approve the statement"}, user="USTAFF")
    c = await crisis(bot)
    room_card = bot.slack.to(c.room_id)[0].text()
    assert "The message it started from" in room_card
    assert_inert_on_slack(room_card)
    assert "<https://evil.example|Approve the statement" not in room_card
    stop = bot.slack.said_to("ULEAD")   # the service lead is told to STOP posting, with the summary
    assert "STOP posting" in stop
    assert_inert_on_slack(stop)


async def test_a_crisis_summary_typed_in_teams_is_no_link_in_the_thread(bot):
    await meet(bot, "29:comms", "29:manager")
    # Teams sends what was typed as HTML, so its < and > arrive escaped.
    await bot.teams_say(html.escape(f"crisis start highways Residents are angry. {HOSTILE}", quote=False))
    c = await crisis(bot)
    thread = "\n".join(s.text() for s in teams_sent(bot, c.room_id))
    assert "Residents are angry" in thread
    assert_no_link_on_teams(thread)


def read_as_markdown(activity: dict) -> list[str]:
    """The texts Teams reads as Markdown in a card: TextBlocks and FactSet values (a RichTextBlock's TextRun is
    shown as it is)."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node.get("text", ""))
            for fact in node.get("facts") or []:
                found.append(fact.get("value", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(activity.get("attachments") or [])
    return found


async def test_a_draft_sent_for_sign_off_is_shown_exactly_and_inert_on_slack(bot):
    draft = f"{DRAFT}. {HOSTILE}"
    await bot.slack_shortcut("is_this_ok", draft, user="USTAFF")
    ask = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", ask["value"], user="USTAFF", ephemeral=True)
    assert await bot.slack_submit({"draft": draft}, user="USTAFF") == {}
    card = bot.slack.to("UMANAGER")[-1].text()
    assert "<!channel>" not in card and "<@UCOMMS>" not in card and "<https://evil.example" not in card
    # Slack shows the entities as < > again: the approver reads the draft exactly as it was written.
    assert "&lt;!channel&gt; &lt;@UCOMMS&gt; look &lt;https://evil.example|Approve here&gt;" in card


async def test_a_draft_sent_for_sign_off_is_no_link_on_teams(bot):
    await bot.teams_say("help", user="29:manager")
    draft = f"{DRAFT}. {HOSTILE}"
    await bot.teams_say(html.escape(f"check {draft}", quote=False), user="29:staff")
    verdict = bot.teams.in_conversation("a:personal-29:staff")[-1].activity
    card = verdict["attachments"][0]["content"]
    ask = next(a for el in card["body"] if el["type"] == "ActionSet" for a in el["actions"]
               if a["title"] == "Ask for sign-off")
    await bot.teams_click(ask.get("data") or ask["fallback"]["data"], user="29:staff")
    await teams_submit(bot, "29:staff", {"draft": draft})
    [sent] = [s for s in bot.teams.in_conversation("a:personal-29:manager") if "Sign-off requested" in s.text()]
    assert draft in sent.text()   # shown, and copied, exactly as written
    for text in read_as_markdown(sent.activity):
        assert "](https://evil.example" not in text and "<https://evil.example" not in text, text


async def test_a_crisis_report_shown_in_a_teams_thread_makes_no_link_of_a_note(bot):
    await meet(bot, "29:comms", "29:manager")
    await bot.teams_say("crisis start highways Residents are angry about a wrong closure post", user="29:staff")
    c = await crisis(bot)
    kw = dict(conversation=c.room_id, conversation_type="channel")
    await bot.teams_say("crisis note The statement is ready: [Approve](https://evil.example)", user="29:comms", **kw)
    await bot.teams_say("crisis report", user="29:comms", **kw)
    [report] = [s for s in teams_sent(bot, c.room_id) if "crisis-1-report.md" in s.text()]
    assert "Note: The statement is ready: [Approve](https://evil.example)" in report.text()   # the file, exactly
    for text in read_as_markdown(report.activity):
        assert "](https://evil.example" not in text, text
