"""The crisis workflow (§4.3) in Slack, over the real HTTP path with the loopback Web API stand-in."""
from __future__ import annotations

from chat.posting import posting_state
from tests.conftest import london
from tests.e2e.test_crisis_support import LISTENING, actions, crisis, events, slack_dms, updates_of

START = "start highways Residents are furious about our post saying the A12 is shut when it is not"


async def start_highways(bot, user="USTAFF"):
    await bot.slack_command("/crisis", START, user=user)
    return await crisis(bot, 1)


async def test_start_convenes_the_group_and_reports_who_could_not_be_invited(bot):
    bot.slack.uninvitable["UMANAGER"] = "user_is_restricted"
    c = await start_highways(bot)

    created = bot.slack.of("conversations.create")
    assert [x.args["name"] for x in created] == ["crisis-20261201-highways"]
    assert created[0].args["is_private"] in (True, "1", "true", "True")
    room = c.room_id
    assert room == "CNEW1" and c.status == "active"
    # The manager's invitation failed; everyone else was invited again without them.
    last_invite = bot.slack.of("conversations.invite")[-1]
    assert set(last_invite.args["users"].split(",")) == {"USTAFF", "ULEAD", "UCLLR", "UCOMMS"}
    # The card is the room's first message, and it is pinned.
    card = bot.slack.to(room)[0]
    assert "Crisis 1: Test Highways" in card.text() and "Not yet appointed" in card.text()
    assert "Sam Staff" in card.text() and "Tue 1 Dec 2026, 10:00" in card.text()
    assert bot.slack.of("pins.add")[0].args == {"channel": room, "timestamp": c.card_id}
    said = bot.slack.said_to(room)
    assert LISTENING in said
    assert "Who is talking?" in said and "Which hashtags are being used?" in said
    assert "Response checklist (§4.3)" in said and "Have we updated websites" in said
    # The service lead administers the account: told to STOP.
    stop = bot.slack.said_to("ULEAD")
    assert "STOP posting on Test Highways" in stop and "§4.3" in stop
    # One summary to the starter, naming who could not be invited and why.
    summary = slack_dms(bot, "USTAFF")
    assert len(summary) == 1
    text = summary[0].text()
    assert "Crisis 1 started: Test Highways" in text
    assert "Mo Manager (manager): they have a guest account" in text and "user_is_restricted" in text
    assert "Cam Comms (Communications Team)" in text and "Told to STOP posting:* Lee Lead" in text
    assert "member_not_invited" in await actions(bot) and "stop_sent" in await actions(bot)


async def test_a_bad_day_is_called_one_and_the_person_can_still_go_on(bot):
    await bot.slack_command("/crisis", "start", user="USTAFF")
    view = bot.last_view()
    assert view["callback_id"] == "crisis_start"
    ack = await bot.slack_submit({"accounts": ["highways"], "what": "Two people grumbling about bin day",
                                  "indicators": [], "administrators": ["UFIRE"]}, user="USTAFF")
    assert ack["response_action"] == "update"
    again = ack["view"]
    body = str(again)
    assert "bad day rather than a crisis" in body and "§4.2" in body
    assert any(b.get("block_id") == "go_on" for b in again["blocks"])
    assert bot.slack.of("conversations.create") == []          # nothing started yet

    await bot.slack_submit({"accounts": ["highways"], "what": "Two people grumbling about bin day",
                            "indicators": [], "go_on": True}, user="USTAFF", view=again)
    c = await crisis(bot)
    assert c is not None and c.indicators == []
    # The person named in the first round is still told to stop, with the service lead.
    assert set(c.administrators) == {"firefighter@examplefire.gov.uk", "lead@example.gov.uk"}
    assert "STOP posting" in bot.slack.said_to("UFIRE")
    report = (await events(bot))[0]
    assert report.action == "started" and report.details["indicators"] == []


async def test_form_needs_an_account_and_what_is_happening(bot):
    await bot.slack_command("/crisis", "start", user="USTAFF")
    ack = await bot.slack_submit({"indicators": ["press"]}, user="USTAFF")
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"accounts", "what"}
    assert await crisis(bot) is None


async def test_shortcut_starts_from_a_message_with_its_text_and_link(bot):
    await bot.slack_shortcut("crisis_from_message", "You lot never fix anything #SuffolkFail", user="USTAFF",
                             channel="CGENERAL", author="UOTHER")
    view = bot.last_view()
    blocks = {b["block_id"]: b for b in view["blocks"] if b.get("type") == "input"}
    assert blocks["what"]["element"]["initial_value"] == "You lot never fix anything #SuffolkFail"
    assert blocks["link"]["element"]["initial_value"].startswith("https://council.slack.com/archives/CGENERAL/")
    await bot.slack_submit({"accounts": ["parks"], "what": "You lot never fix anything #SuffolkFail",
                            "indicators": ["only_topic", "press"],
                            "link": blocks["link"]["element"]["initial_value"]}, user="USTAFF")
    c = await crisis(bot)
    assert c.room_name == "crisis-20261201-parks" and c.link.startswith("https://council.slack.com/")
    assert "The message it started from" in bot.slack.to(c.room_id)[0].text()


async def test_checklist_ticks_update_the_card_in_place(bot):
    c = await start_highways(bot)
    await bot.slack_click("crisis.tick", value="1:format", user="UCOMMS", channel=c.room_id,
                          message_ts=c.checklist_id)
    updated = updates_of(bot, c.room_id, c.checklist_id)
    assert len(updated) == 1
    assert "Ticked by Cam Comms, Tue 1 Dec 2026, 10:00" in updated[0].text()
    assert "1 of 11 done" in updated[0].text()
    # A second click on the same item (someone else, a moment later) changes nothing and says who did it.
    bot.clock.advance(minutes=3)
    await bot.slack_click("crisis.tick", value="1:format", user="USTAFF", channel=c.room_id,
                          message_ts=c.checklist_id)
    assert "Cam Comms already ticked" in bot.slack.responses()[-1].text()
    assert [e.action for e in await events(bot)].count("ticked") == 1
    # Someone outside the group cannot tick.
    await bot.slack_click("crisis.tick", value="1:empathy", user="UOTHER", channel=c.room_id,
                          message_ts=c.checklist_id)
    assert "Only the Crisis Management Group" in bot.slack.responses()[-1].text()
    await bot.slack_click("crisis.untick", value="1:format", user="UCOMMS", channel=c.room_id,
                          message_ts=c.checklist_id)
    last = updates_of(bot, c.room_id, c.checklist_id)[-1]
    assert "0 of 11 done" in last.text()
    assert (await actions(bot))[-1] == "unticked"


async def test_approver_is_shown_on_the_card_and_used_by_the_post_checker(bot):
    c = await start_highways(bot)
    assert (await posting_state(bot.svc, "highways")).crisis_approver.startswith("the Crisis Management Group")
    await bot.slack_command("/crisis", "approver <@UCOMMS2|cat.comms>", user="UCOMMS", channel=c.room_id)
    assert "Cat Comms approves every post" in bot.slack.responses()[-1].text()
    assert "UCOMMS2" in bot.slack.of("conversations.invite")[-1].args["users"]
    card = updates_of(bot, c.room_id, c.card_id)[-1]
    assert "Cat Comms" in card.text()
    state = await posting_state(bot.svc, "Test Highways")
    assert state.crisis_approver == "comms2@example.gov.uk" and state.crisis_account == "Test Highways"
    assert (await posting_state(bot.svc, "parks")).crisis_approver is None
    assert (await posting_state(bot.svc, None)).crisis_approver is None


async def test_only_comms_or_the_approver_can_end_and_a_restart_changes_nothing(bot):
    c = await start_highways(bot)
    await bot.slack_command("/crisis", "approver manager@example.gov.uk", user="USTAFF", channel=c.room_id)
    await bot.restart()
    for outsider in ("UOTHER", "USTAFF"):
        await bot.slack_command("/crisis", "end", user=outsider, channel=c.room_id)
        refusal = bot.slack.responses()[-1].text()
        assert "Only the Communications Team or the approver (Mo Manager) can end crisis 1" in refusal
        assert "Nothing has changed" in refusal
    assert (await crisis(bot)).status == "active"
    assert "ended" not in await actions(bot)

    bot.clock.set(london(2026, 12, 1, 15, 30))
    await bot.slack_command("/crisis", "end", user="UMANAGER", channel=c.room_id)
    ended = await crisis(bot)
    assert ended.status == "ended" and ended.ended_by == "manager@example.gov.uk"
    assert ended.review_due_on == "2026-12-02"
    assert "You may resume posting" in bot.slack.said_to("ULEAD")
    assert "Ended by Mo Manager" in updates_of(bot, c.room_id, c.card_id)[-1].text()
    assert "has been ended by Mo Manager" in bot.slack.said_to(c.room_id)
    await bot.slack_command("/crisis", "end", user="UCOMMS", channel=c.room_id)
    assert "already ended by Mo Manager" in bot.slack.responses()[-1].text()


async def test_review_is_sent_next_working_day_and_chased_until_done(bot):
    c = await start_highways(bot)
    bot.clock.set(london(2026, 12, 4, 16, 0))   # a Friday
    await bot.slack_command("/crisis", "end", user="UCOMMS", channel=c.room_id)
    assert (await crisis(bot)).review_due_on == "2026-12-07"
    bot.slack.clear()
    await bot.run_sweeps(london(2026, 12, 5, 10, 0))     # Saturday: nothing
    assert not [x for x in bot.slack.of("chat.postMessage") if "Post-crisis review" in x.text()]
    await bot.run_sweeps(london(2026, 12, 7, 8, 30))     # Monday before working hours: nothing yet
    assert not bot.slack.to("USTAFF")
    await bot.run_sweeps(london(2026, 12, 7, 9, 0))
    await bot.run_sweeps(london(2026, 12, 7, 11, 0))     # same day again: no second copy
    for user in ("USTAFF", "UCOMMS", "UCOMMS2"):
        sent = [x for x in bot.slack.to(user) if "Post-crisis review" in x.text()]
        assert len(sent) == 1, user
    await bot.run_sweeps(london(2026, 12, 8, 9, 5))      # chased
    assert "Reminder: the post-crisis review" in bot.slack.said_to("USTAFF")

    await bot.slack_click("crisis.review", value="1", user="USTAFF")
    assert bot.last_view()["callback_id"] == "crisis_review"
    ack = await bot.slack_submit({"what_happened": "A wrong closure post", "why": "Old roadworks data",
                                  "prevent": "Check the live feed before posting",
                                  "channel": "Lost 40 followers, recovered in a day", "decision": "continue"},
                                 user="USTAFF")
    assert ack == {}
    assert "review for crisis 1 is saved" in bot.slack.said_to("USTAFF")
    bot.slack.clear()
    await bot.run_sweeps(london(2026, 12, 9, 9, 5))
    assert not [x for x in bot.slack.calls if "Post-crisis review" in x.text()]

    await bot.slack_command("/crisis", "report", user="UCOMMS", channel=c.room_id)
    uploads = bot.slack.of("files.getUploadURLExternal")
    assert uploads and uploads[-1].args["filename"] == "crisis-1-report.md"
    content = bot.slack.of("upload")[-1].args["content"].decode()
    assert "# Crisis 1: Test Highways" in content and "## Timeline" in content
    assert "Old roadworks data" in content and "Carry on with the account" in content
    assert "- [ ] What format will the response take" in content


async def test_timeline_note_and_shortcut_record_author_and_time(bot):
    c = await start_highways(bot)
    await bot.slack_command("/crisis", "note BBC Suffolk have called the press office", user="UCOMMS",
                            channel=c.room_id)
    assert "Added to the timeline of crisis 1" in bot.slack.responses()[-1].text()
    await bot.slack_shortcut("crisis_add_to_timeline", "This council is a joke", user="UCOMMS", channel="CGENERAL",
                             author="UOTHER")
    notes = [e for e in await events(bot) if e.action == "note"]
    assert notes[0].details["text"] == "BBC Suffolk have called the press office"
    assert notes[0].actor == "comms@example.gov.uk"
    assert notes[1].details["text"] == "This council is a joke" and notes[1].details["author"] == "Oz Other"
    assert notes[1].details["posted_at"] and notes[1].details["link"].startswith("https://council.slack.com/")


async def test_add_and_remove_people(bot):
    c = await start_highways(bot)
    await bot.slack_command("/crisis", "add <@UOTHER|oz.other>", user="UCOMMS", channel=c.room_id)
    assert bot.slack.of("conversations.invite")[-1].args["users"] == "UOTHER"
    assert "Oz Other has joined" in bot.slack.said_to(c.room_id)
    await bot.slack_command("/crisis", "remove <@UOTHER>", user="UCOMMS", channel=c.room_id)
    assert bot.slack.of("conversations.kick")[-1].args == {"channel": c.room_id, "user": "UOTHER"}
    assert "Removed Oz Other from crisis 1" in bot.slack.responses()[-1].text()
    await bot.slack_command("/crisis", "add @oz", user="UCOMMS", channel=c.room_id)
    assert "@mention" in bot.slack.responses()[-1].text()
    # An outsider cannot change the group.
    await bot.slack_command("/crisis", "add <@UBUDGET>", user="UOTHER", channel=c.room_id)
    assert "Only the Crisis Management Group" in bot.slack.responses()[-1].text()
    await bot.slack_command("/crisis", "status", user="UCOMMS", channel=c.room_id)
    status = bot.slack.responses()[-1].text()
    assert "Removed:* Oz Other (added)" in status and "0 of 11 ticked" in status


async def test_several_crises_at_once_each_room_its_own(bot):
    first = await start_highways(bot)
    await bot.slack_command("/crisis", "start parks Dog walkers angry at the closure of the park", user="UFIRE")
    second = await crisis(bot, 2)
    assert (first.room_id, second.room_id) == ("CNEW1", "CNEW2")
    assert second.room_name == "crisis-20261201-parks"
    # A second crisis on the same account is not started: the person is pointed at the room.
    await bot.slack_command("/crisis", "start highways Still going", user="UOTHER")
    assert "already an active crisis on Test Highways" in bot.slack.responses()[-1].text()
    assert await crisis(bot, 3) is None

    await bot.slack_command("/crisis", "note parks note", user="UCOMMS", channel=second.room_id)
    await bot.slack_command("/crisis", "note highways note", user="UCOMMS", channel=first.room_id)
    assert [e.details["text"] for e in await events(bot, 2) if e.action == "note"] == ["parks note"]
    assert [e.details["text"] for e in await events(bot, 1) if e.action == "note"] == ["highways note"]
    # Outside the rooms, with two crises, the person is asked which one.
    await bot.slack_command("/crisis", "status", user="UCOMMS", channel="CGENERAL")
    asked = bot.slack.responses()[-1].text()
    assert "There are 2 active crises" in asked and "/crisis status #1" in asked
    await bot.slack_command("/crisis", "status #2", user="UCOMMS", channel="CGENERAL")
    assert "Crisis 2: Test Parks" in bot.slack.responses()[-1].text()
    # The timeline shortcut outside the rooms asks which crisis, keeping the message's author and time.
    await bot.slack_shortcut("crisis_add_to_timeline", "Park gates locked again!", user="UCOMMS", author="UOTHER")
    assert bot.last_view()["callback_id"] == "crisis_timeline"
    await bot.slack_submit({"crisis": "2", "text": "Park gates locked again!"}, user="UCOMMS")
    note = [e for e in await events(bot, 2) if e.action == "note"][-1]
    assert note.details["text"] == "Park gates locked again!" and note.details["author"] == "Oz Other"
    assert note.details["posted_at"]
    await bot.slack_command("/crisis", "list", user="UOTHER")
    listing = bot.slack.responses()[-1].text()
    assert "Test Highways" in listing and "Test Parks" in listing
    await bot.slack_command("/crisis", "end", user="UCOMMS", channel=second.room_id)
    assert ((await crisis(bot, 1)).status, (await crisis(bot, 2)).status) == ("active", "ended")


async def test_two_people_declaring_the_same_crisis_at_once_get_one_room(bot):
    import asyncio

    await asyncio.gather(bot.slack_command("/crisis", START, user="USTAFF", settle=False),
                         bot.slack_command("/crisis", START, user="UFIRE", settle=False))
    await bot.settle()
    assert len(bot.slack.of("conversations.create")) == 1
    assert await crisis(bot, 2) is None
    # Whoever lost the race is told, as the command's answer or (when both were queued) by DM.
    told = [r.text() for r in bot.slack.responses()] + [c.text() for u in ("USTAFF", "UFIRE") for c in bot.slack.to(u)]
    assert any("already an active crisis on Test Highways" in text for text in told)
    # Once it has ended, the account can have a new crisis.
    await bot.slack_command("/crisis", "end", user="UCOMMS", channel="CNEW1")
    await bot.slack_command("/crisis", START, user="UFIRE")
    assert (await crisis(bot, 2)).room_id == "CNEW2"


async def test_room_creation_failure_still_stops_posting(bot):
    bot.slack.fail_methods["conversations.create"] = "restricted_action"
    await start_highways(bot)
    c = await crisis(bot)
    assert c.status == "active"
    assert "STOP posting" in bot.slack.said_to("ULEAD")
    summary = bot.slack.said_to("USTAFF")
    assert "I could not create the crisis room" in summary and "restricted_action" in summary
    # The starter's own chat with the bot stands in for the room, so the steps of §4.3 still reach them.
    assert c.room_id == "DSTAFF" and LISTENING in bot.slack.said_to(c.room_id)


async def test_is_this_ok_to_post_needs_the_approver_while_the_crisis_is_active(bot):
    c = await start_highways(bot)
    await bot.slack_command("/crisis", "approver <@UCOMMS2>", user="UCOMMS", channel=c.room_id)
    await bot.slack_command("/smpolicy", "check --account highways Roadworks on the B1078 finish on Friday.",
                            user="USTAFF")
    verdict = bot.slack.responses()[-1].text()
    assert "comms2@example.gov.uk" in verdict and "4.3" in verdict
    await bot.slack_command("/crisis", "end", user="UCOMMS2", channel=c.room_id)
    await bot.slack_command("/smpolicy", "check --account highways Roadworks on the B1078 finish on Friday.",
                            user="USTAFF")
    assert "comms2@example.gov.uk" not in bot.slack.responses()[-1].text()
