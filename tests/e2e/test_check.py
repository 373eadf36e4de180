""""Is this OK to post?" over the real HTTP path: Slack shortcut and command, Teams action and chat, sign-off."""
from __future__ import annotations

import io
import json

from PIL import Image
from sqlalchemy import select

from storage.models import Event

PHONE_POST = "Please ring Dave Smith on 07911 123456 about his care package"
CLOSURE_POST = "We are closing Hadleigh library next month because of budget cuts"
FAIR_POST = "Join us at Christchurch Park on Saturday for the summer fair"
PLANNING_POST = "I have already made up my mind to refuse the planning application for the Tesco site"
# A councillor may campaign for their own party on their own account (4.2 does not apply to them); staff may not.
OWN_PARTY_POST = "Proud to be standing again for the Liberal Democrats in Framlingham - vote for me on 4 May!"


def _photo_with_gps() -> bytes:
    img = Image.new("RGB", (8, 8))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 3.0, 36.0), 3: "E", 4: (1.0, 9.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def _buttons(call) -> list[dict]:
    return [el for block in call.args.get("blocks", []) if block["type"] == "actions" for el in block["elements"]]


async def test_shortcut_verdict_is_private_cites_sections_and_offers_next_steps(bot):
    await bot.slack_shortcut("is_this_ok", PHONE_POST, user="USTAFF")
    reply = bot.slack.responses()[-1]
    assert reply.args["response_type"] == "ephemeral"
    text = reply.text()
    assert "Stop – please don't post this as it is" in text
    assert "Personal data" in text and "(3.4)" in text
    labels = [b["text"]["text"] for b in _buttons(reply)]
    assert labels == ["Ask for sign-off", "Show the posting checklist", "This verdict is wrong"]
    # Nothing went to the channel: the verdict is for the person who asked.
    assert bot.slack.to("CGENERAL") == [] and bot.slack.to("CGENERAL", "chat.postEphemeral") == []


async def test_the_checked_text_is_never_stored(bot):
    await bot.slack_shortcut("is_this_ok", PHONE_POST, user="USTAFF")
    async with bot.svc.db.sessions() as session:
        events = list(await session.scalars(select(Event).where(Event.subject_kind == "check")))
    assert len(events) == 1
    stored = json.dumps(events[0].details) + events[0].subject_id
    assert "07911" not in stored and "Dave" not in stored
    assert events[0].to_state == "stop"
    assert events[0].details["categories"] == ["personal_data"]
    assert events[0].actor == "staff@example.gov.uk"


async def test_same_verdict_on_every_surface(bot):
    await bot.slack_shortcut("is_this_ok", CLOSURE_POST, user="USTAFF")
    shortcut_text = bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", f"check {CLOSURE_POST}", user="USTAFF")
    command_text = bot.slack.responses()[-1].text()
    status, body = await bot.teams_message_action("is_this_ok", CLOSURE_POST)
    dialog = json.dumps(body)
    await bot.teams_say(f"check {CLOSURE_POST}")
    chat = bot.teams_to("29:staff")
    for seen in (shortcut_text, command_text, dialog, chat):
        assert "Get sign-off before you post this" in seen
        assert "Controversial subject" in seen and "(4.2)" in seen
    assert status == 200 and body["task"]["type"] == "continue"


async def test_each_finding_shows_the_words_that_raised_it_to_the_person_alone(bot):
    await bot.slack_command("/smpolicy", f"check {PHONE_POST}", user="USTAFF")
    reply = bot.slack.responses()[-1]
    assert reply.args["response_type"] == "ephemeral"
    assert "Words that raised it: “07911 123456”" in reply.text()
    await bot.teams_say(f"check {PHONE_POST}")
    assert "Words that raised it: “07911 123456”" in bot.teams_to("29:staff")
    # A clean post has no findings, so no words.
    await bot.slack_command("/smpolicy", f"check {FAIR_POST}", user="USTAFF")
    assert "Words that raised it" not in bot.slack.responses()[-1].text()


async def test_the_words_quoted_back_cannot_mention_a_channel_or_format_the_message(bot):
    await bot.slack_command("/smpolicy", "check <!channel> what a f*cking sh*tshow, the new bin rota", user="USTAFF")
    text = bot.slack.responses()[-1].text()
    quoted = text.split("Words that raised it:", 1)[1].split("\n", 1)[0]
    assert "f∗cking" in quoted, quoted   # as typed, to the eye; not the start of bold text
    assert not set(quoted) & set("<>*"), quoted


async def test_clean_post_is_ok_with_the_checklist_button(bot):
    await bot.slack_command("/smpolicy", f"check {FAIR_POST}")
    reply = bot.slack.responses()[-1]
    assert "This looks OK to post" in reply.text()
    checklist = next(b for b in _buttons(reply) if b["action_id"] == "check.checklist")
    await bot.slack_click("check.checklist", checklist.get("value", ""), ephemeral=True)
    assert "Before you post (4.2)" in bot.slack.responses()[-1].text()


async def test_profile_can_be_given_and_comes_from_the_organisation_file(bot):
    await bot.slack_command("/smpolicy", f"check {OWN_PARTY_POST}", user="USTAFF")
    reply = bot.slack.responses()[-1].text()
    assert "Party-political content* (4.2)" in reply and "Checked as *staff*" in reply
    await bot.slack_command("/smpolicy", f"check --as member {OWN_PARTY_POST}", user="USTAFF")
    reply = bot.slack.responses()[-1].text()
    assert "This looks OK to post" in reply and "Checked as *member*" in reply
    await bot.slack_command("/smpolicy", f"check --as member {PLANNING_POST}", user="USTAFF")
    assert "Predetermination" in bot.slack.responses()[-1].text()
    # Cllr Chris is a member in org.toml: no flag needed.
    await bot.slack_command("/smpolicy", f"check {PLANNING_POST}", user="UCLLR")
    reply = bot.slack.responses()[-1].text()
    assert "Predetermination" in reply and "MG 5.5" in reply and "Checked as *member*" in reply


async def test_bad_input_gets_a_clear_message(bot):
    for blank in ("check", "check    ", "check --as member", 'check "  "'):
        await bot.slack_command("/smpolicy", blank)
        assert "There's no text to check" in bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", "check --as wizard hello")
    assert "`wizard` is not a profile I know" in bot.slack.responses()[-1].text()
    async with bot.svc.db.sessions() as session:
        assert list(await session.scalars(select(Event))) == []


async def test_photo_location_is_reported(bot):
    photo = bot.slack.add_file("crew.jpg", _photo_with_gps())
    await bot.slack_shortcut("is_this_ok", "Crews at work today", files=[photo])
    text = bot.slack.responses()[-1].text()
    assert "location" in text.lower()
    download = bot.slack.of("file_download")[-1]
    assert download.args["auth"] == "Bearer xoxb-test-token"


async def test_foi_button_appears_when_the_text_reads_as_a_request(bot):
    await bot.slack_shortcut("is_this_ok", "Can you send me all emails about the A14 roadworks under freedom of information?")
    reply = bot.slack.responses()[-1]
    assert "Forward as FOI request" in [b["text"]["text"] for b in _buttons(reply)]
    assert "(8.1)" in reply.text()


async def _request_signoff(bot, text=CLOSURE_POST, user="USTAFF") -> None:
    await bot.slack_shortcut("is_this_ok", text, user=user)
    button = next(b for b in _buttons(bot.slack.responses()[-1]) if b["action_id"] == "check.signoff")
    await bot.slack_click("check.signoff", button["value"], user=user, ephemeral=True)
    view = bot.last_view()
    draft = next(b for b in view["blocks"] if b.get("block_id") == "draft")
    assert draft["element"]["initial_value"] == text   # fetched again from Slack, not from our storage
    ack = await bot.slack_submit({"draft": text}, user=user)
    assert ack == {}


async def test_signoff_goes_to_the_manager_who_approves_once(bot):
    await _request_signoff(bot)
    assert "to Mo Manager for sign-off" in bot.slack.said_to("USTAFF")
    card = bot.slack.to("UMANAGER")[-1]
    assert "Sign-off requested (4.2)" in card.text() and CLOSURE_POST in card.text()
    approve = next(b for b in _buttons(card) if b["action_id"] == "signoff.approve")

    # The requester cannot approve their own post.
    await bot.slack_click("signoff.approve", approve["value"], user="USTAFF", channel="DMANAGER")
    assert "You can't sign off your own post" in bot.slack.responses()[-1].text()

    await bot.slack_click("signoff.approve", approve["value"], user="UMANAGER", channel="DMANAGER",
                          message_ts=card.args.get("ts"))
    # The outcome names the post, by its opening words, and the approver by name.
    assert "Your post “We are closing Hadleigh library" in bot.slack.said_to("USTAFF")
    assert "was approved by Mo Manager" in bot.slack.said_to("USTAFF")
    updated = bot.slack.of("chat.update")[-1]
    assert "Sign-off: approved" in updated.text() and "Mo Manager" in updated.text()
    assert "We are closing Hadleigh library" in updated.text()

    # A double click changes nothing and says who decided.
    before = len(bot.slack.of("chat.update"))
    await bot.slack_click("signoff.approve", approve["value"], user="UMANAGER", channel="DMANAGER")
    assert "already approved by Mo Manager" in bot.slack.responses()[-1].text()
    assert len(bot.slack.of("chat.update")) == before


async def test_decline_needs_a_reason_and_tells_the_requester(bot):
    await _request_signoff(bot)
    card = bot.slack.to("UMANAGER")[-1]
    decline = next(b for b in _buttons(card) if b["action_id"] == "signoff.decline")
    await bot.slack_click("signoff.decline", decline["value"], user="UMANAGER", channel="DMANAGER")
    ack = await bot.slack_submit({"reason": ""}, user="UMANAGER")
    assert ack["response_action"] == "errors" and "reason" in ack["errors"]
    await bot.slack_submit({"reason": "Wait for the cabinet decision on Thursday"}, user="UMANAGER")
    said = bot.slack.said_to("USTAFF")
    assert "declined by Mo Manager" in said and "cabinet decision" in said


async def test_someone_else_cannot_decide(bot):
    await _request_signoff(bot)
    card = bot.slack.to("UMANAGER")[-1]
    approve = next(b for b in _buttons(card) if b["action_id"] == "signoff.approve")
    await bot.slack_click("signoff.approve", approve["value"], user="UOTHER")
    assert "Only the approver this was sent to" in bot.slack.responses()[-1].text()


async def test_teams_action_button_in_the_dialog_opens_the_signoff_form(bot):
    status, body = await bot.teams_message_action("is_this_ok", CLOSURE_POST)
    card = body["task"]["value"]["card"]["content"]
    actions = [a for el in card["body"] if el["type"] == "ActionSet" for a in el["actions"]]
    signoff = next(a for a in actions if a["title"] == "Ask for sign-off")
    status, body = await bot.teams_invoke("composeExtension/submitAction", {"data": signoff["data"]})
    form = body["task"]["value"]["card"]["content"]
    assert form["actions"][0]["data"]["form_id"] == "signoff_request"
    data = {**form["actions"][0]["data"], "draft": CLOSURE_POST, "approver": "manager@example.gov.uk"}
    await bot.teams_say("hello", user="29:manager")   # the manager has talked to the bot once
    status, body = await bot.teams_invoke("composeExtension/submitAction", {"data": data})
    assert "to Mo Manager for sign-off" in json.dumps(body)
    assert "Sign-off requested" in bot.teams_to("29:manager")


async def test_during_a_crisis_posts_for_the_account_need_the_crisis_approver(bot):
    await bot.slack_command("/crisis", "start highways Residents are furious about our post on the A12",
                            user="USTAFF")
    from tests.e2e.test_crisis_support import crisis

    room = (await crisis(bot, 1)).room_id
    await bot.slack_command("/crisis", "approver <@UCOMMS2|cat.comms>", user="UCOMMS", channel=room)
    await bot.slack_command("/smpolicy", f"check --account highways {FAIR_POST}", user="USTAFF")
    reply = bot.slack.responses()[-1].text()
    assert "Get sign-off before you post this" in reply
    assert "comms2@example.gov.uk" in reply and "(4.3)" in reply
    # Naming the account in the draft is enough; another account is not affected.
    await bot.slack_shortcut("is_this_ok", f"Test Highways update: {FAIR_POST}")
    assert "comms2@example.gov.uk" in bot.slack.responses()[-1].text()
    await bot.slack_command("/smpolicy", f"check --account parks {FAIR_POST}", user="USTAFF")
    assert "This looks OK to post" in bot.slack.responses()[-1].text()


async def test_during_a_mourning_pause_every_post_is_stop(bot):
    await bot.slack_command("/smpolicy", "pause start 10 Death of a senior member of the Royal Family",
                            user="UCOMMS")
    await bot.slack_command("/smpolicy", f"check {FAIR_POST}", user="USTAFF")
    reply = bot.slack.responses()[-1].text()
    assert "Stop – please don't post this as it is" in reply
    assert "(4.4)" in reply


async def test_command_line_gives_the_same_result(bot, tmp_path):
    from tests.support.cli import cli_env, run_cli_async

    proc = await run_cli_async("check", "--json", CLOSURE_POST, env=cli_env())
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    cli = json.loads(proc.stdout)
    await bot.slack_command("/smpolicy", f"check {CLOSURE_POST}")
    async with bot.svc.db.sessions() as session:
        event = (await session.scalars(select(Event).where(Event.subject_kind == "check"))).one()
    assert cli["verdict"] == event.to_state == "sign_off"
    assert [f["category"] for f in cli["findings"]] == event.details["categories"]


async def test_a_forged_button_cannot_read_a_private_channel_for_someone_outside_it(bot):
    # A message in a private channel staff are not in (issue 10, item 7: the confused deputy).
    bot.slack.channel_members["GPRIVATE"] = ["UCOMMS", "UMANAGER"]
    bot.slack.messages[("GPRIVATE", "1700000000.000200")] = {"ts": "1700000000.000200", "user": "UCOMMS",
                                                             "text": "Confidential: the restructure list"}
    await bot.slack_click("check.signoff", "slack|GPRIVATE|1700000000.000200", user="USTAFF", ephemeral=True)
    draft = next(b for b in bot.last_view()["blocks"] if b.get("block_id") == "draft")
    assert "restructure" not in str(draft)
    assert bot.slack.of("conversations.history") == []
    # A member of that channel still gets their draft filled in.
    await bot.slack_click("check.signoff", "slack|GPRIVATE|1700000000.000200", user="UCOMMS", ephemeral=True)
    draft = next(b for b in bot.last_view()["blocks"] if b.get("block_id") == "draft")
    assert draft["element"]["initial_value"] == "Confidential: the restructure list"
