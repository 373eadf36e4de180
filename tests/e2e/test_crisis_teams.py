"""The crisis workflow (§4.3) in Teams, over the real HTTP path with the loopback Bot Connector stand-in.

In Teams a crisis room is a new thread in the configured crisis team channel; people are @mentioned there.
"""
from __future__ import annotations

from tests.e2e.test_crisis_support import LISTENING, actions, crisis, events, teams_sent

CRISIS_CHANNEL = "19:crisis@thread.tacv2"


async def meet(bot, *users):
    """People the bot knows in Teams have talked to it once (that is how it learns their ids)."""
    for user in users:
        await bot.teams_say("help", user=user)


async def start(bot, text="crisis start highways Residents angry about a wrong closure post", user="29:staff"):
    await meet(bot, "29:comms", "29:manager")
    await bot.teams_say(text, user=user)
    return await crisis(bot)


async def in_thread(bot, c, text, user):
    await bot.teams_say(text, user=user, conversation=c.room_id, conversation_type="channel")
    return "\n".join(s.text() for s in teams_sent(bot, c.room_id)[-2:])


def form_card(bot, conversation: str, form_id: str) -> dict:
    for sent in reversed(bot.teams.in_conversation(conversation)):
        for att in sent.activity.get("attachments") or []:
            for act in att.get("content", {}).get("actions", []):
                if act.get("data", {}).get("form_id") == form_id:
                    return att["content"]
    raise AssertionError(f"no {form_id} form was sent to {conversation}")


def submission(card: dict, values: dict) -> dict:
    """What Teams sends for Action.Submit: the action's data plus every input's value (pre-filled ones too)."""
    data = dict(card["actions"][0]["data"])
    data.update({el["id"]: el["value"] for el in card["body"] if el.get("id") and "value" in el})
    data.update(values)
    return data


async def test_start_opens_a_thread_mentions_the_group_and_says_who_could_not_be_reached(bot):
    c = await start(bot)
    created = bot.teams.created[-1]
    assert created["channelData"]["channel"]["id"] == CRISIS_CHANNEL and created["isGroup"] is True
    assert c.room_id and c.platform == "teams" and c.card_id
    thread = teams_sent(bot, c.room_id)
    assert "Crisis 1: Test Highways" in thread[0].text()           # the thread opens with the card
    mention = next(s for s in thread if s.activity.get("entities"))
    assert {e["mentioned"]["id"] for e in mention.activity["entities"]} == {"29:staff", "29:manager", "29:comms"}
    assert "<at>Mo Manager</at>" in mention.activity["text"]
    said = "\n".join(s.text() for s in thread)
    assert LISTENING in said and "Response checklist (§4.3)" in said and "How wide is their following?" in said
    summary = bot.teams_to("29:staff")
    assert "Crisis 1 started: Test Highways" in summary
    assert "Lee Lead (service lead): the bot doesn't know them in Teams yet" in summary
    assert "Cllr Chris (cabinet member)" in summary
    # The service lead is reached where the bot can reach them (Slack here) and told to stop.
    assert "STOP posting on Test Highways" in bot.slack.said_to("ULEAD")


async def test_checklist_approver_end_and_report_in_the_thread_across_a_restart(bot):
    c = await start(bot)
    await bot.teams_click({"action_id": "crisis.tick", "value": "1:empathy"}, user="29:comms", reply_to=c.checklist_id,
                          conversation=c.room_id, conversation_type="channel")
    update = [s for s in teams_sent(bot, c.room_id, "update") if s.activity["id"] == c.checklist_id]
    assert len(update) == 1 and "Ticked by Cam Comms, Tue 1 Dec 2026, 10:00" in update[0].text()

    await in_thread(bot, c, "crisis approver manager@example.gov.uk", "29:comms")
    assert "Mo Manager approves every post" in bot.teams_to("29:comms")      # the asker's own answer: privately
    card_updates = [s for s in teams_sent(bot, c.room_id, "update") if s.activity["id"] == c.card_id]
    assert "Mo Manager" in card_updates[-1].text()

    await bot.restart()
    await in_thread(bot, c, "crisis end", "29:other")
    assert "Only the Communications Team or the approver (Mo Manager) can end crisis 1" in bot.teams_to("29:other")
    assert (await crisis(bot)).status == "active"

    await in_thread(bot, c, "crisis note The local paper has asked for a statement", "29:manager")
    await in_thread(bot, c, "crisis end", "29:manager")
    assert (await crisis(bot)).status == "ended"
    card_updates = [s for s in teams_sent(bot, c.room_id, "update") if s.activity["id"] == c.card_id]
    assert "Ended by Mo Manager" in card_updates[-1].text()
    assert "You may resume posting" in bot.slack.said_to("ULEAD")

    await in_thread(bot, c, "crisis report", "29:comms")
    report = teams_sent(bot, c.room_id)[-2].text()
    assert "crisis-1-report.md" in report and "The local paper has asked for a statement" in report
    assert "- [x] Does it show empathy towards the situation? – Cam Comms" in report


async def test_bad_day_answer_then_going_on_through_the_card_form(bot):
    await meet(bot, "29:comms", "29:manager")
    await bot.teams_say("crisis start", user="29:staff")
    personal = "a:personal-29:staff"
    card = form_card(bot, personal, "crisis_start")
    await bot.teams_click(submission(card, {"accounts": "parks", "what": "One grumpy comment about parking",
                                            "indicators": "", "administrators": "firefighter@examplefire.gov.uk"}))
    again = form_card(bot, personal, "crisis_start")
    assert "bad day rather than a crisis" in str(again) and "'go_on'" in str(again)
    assert await crisis(bot) is None
    await bot.teams_click(submission(again, {"accounts": "parks", "what": "One grumpy comment about parking",
                                             "indicators": "", "go_on": "true"}))
    c = await crisis(bot)
    assert c.room_name == "crisis-20261201-parks" and c.indicators == []
    assert "firefighter@examplefire.gov.uk" in c.administrators


async def test_message_actions_start_a_crisis_and_add_to_the_timeline(bot):
    await meet(bot, "29:comms", "29:manager")
    status, body = await bot.teams_message_action("crisis_from_message", "Shocking response from the council")
    task_card = body["task"]["value"]["card"]["content"]
    assert "Shocking response from the council" in str(task_card)
    data = submission(task_card, {"accounts": "highways", "what": "Shocking response from the council",
                                  "indicators": "emotive,press"})
    await bot.teams_invoke("composeExtension/submitAction", {"data": data})
    c = await crisis(bot)
    assert c.indicators == ["emotive", "press"] and c.link == "https://teams.microsoft.com/l/message/19:x/1"

    status, body = await bot.teams_message_action("crisis_add_to_timeline", "Now the BBC is asking",
                                                  user="29:comms", conversation=c.room_id,
                                                  conversation_type="channel")
    assert "Added that message to the timeline of crisis 1" in str(body)
    note = [e for e in await events(bot) if e.action == "note"][-1]
    assert note.details["text"] == "Now the BBC is asking" and note.details["author"] == "Sam Staff"
    assert note.details["posted_at"].startswith("2026-11-20T10:00")
    assert "note" in await actions(bot)
