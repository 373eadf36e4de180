""""This verdict is wrong" over the real HTTP path on Slack and Teams: the button on every verdict, consent, the
Communications Team's queue, card and review, nobody else reading a draft, the purge, the export, and a grep of
the database and the logs showing an ordinary check keeps its text nowhere."""
from __future__ import annotations

import json
import logging
import subprocess
from datetime import timedelta

from sqlalchemy import MetaData, select

from storage.models import Event
from storage.models.feedback import FeedbackCase
from tests.conftest import ROOT
from tests.support.cli import cli_env, run_cli_async

WRONG = "This verdict is wrong"
# A reply with a resident's details: what the queue may hold with consent, and nothing else may keep.
DRAFT = "Hi Sharon, Kevin Barker (14) from Northgate High was excluded again, ring his mum on 07700 900123"
MARKERS = ("Kevin Barker", "07700 900123", "Northgate High")
FAIR_POST = "Join us at Christchurch Park on Saturday for the summer fair"
TEAMS_COMMS = "19:comms@thread.tacv2"


def _slack_buttons(call) -> list[dict]:
    return [el for block in call.args.get("blocks", []) if block["type"] == "actions" for el in block["elements"]]


def _slack_wrong(call) -> dict:
    return next(b for b in _slack_buttons(call) if b["text"]["text"] == WRONG)


def _card_actions(card: dict) -> list[dict]:
    return [a for el in card.get("body", []) if el.get("type") == "ActionSet" for a in el["actions"]]


def _teams_cards(sent) -> list[dict]:
    return [(att.get("content") or {}) for att in sent.activity.get("attachments") or []]


def _teams_wrong_in_chat(bot, user: str = "29:staff") -> dict:
    for sent in reversed(bot.teams.in_conversation(f"a:personal-{user}")):
        for card in _teams_cards(sent):
            for action in _card_actions(card):
                if action.get("title") == WRONG:
                    return action
    raise AssertionError("no verdict with the button in the personal chat")


def _dialog_card(body: dict) -> dict:
    return body["task"]["value"]["card"]["content"]


def _form_data(card: dict) -> dict:
    return dict(card["actions"][0]["data"])


async def _cases(bot) -> list[FeedbackCase]:
    async with bot.svc.db.sessions() as s:
        return list(await s.scalars(select(FeedbackCase)))


async def _events(bot, kind: str = "check_feedback") -> list[Event]:
    async with bot.svc.db.sessions() as s:
        return list(await s.scalars(select(Event).where(Event.subject_kind == kind).order_by(Event.id)))


async def _checker_verdict(bot) -> str:
    return (await _events(bot, "check"))[-1].to_state


def _other_than(verdict: str) -> str:
    return "ok" if verdict != "ok" else "stop"


async def _slack_report(bot, draft: str = DRAFT, consent: bool = True, user: str = "USTAFF") -> dict:
    """Check a message with the shortcut, click the button, send the form. Returns the ack."""
    await bot.slack_shortcut("is_this_ok", draft, user=user)
    correction = _other_than(await _checker_verdict(bot))
    button = _slack_wrong(bot.slack.responses()[-1])
    await bot.slack_click(button["action_id"], button["value"], user=user, ephemeral=True)
    return await bot.slack_submit({"draft": draft, "correction": correction, "category": None,
                                   "note": "Sharon asked us about this", "consent": consent}, user=user)


def _everything_slack_posted_to(bot, channel: str) -> str:
    return "\n".join(c.text() + json.dumps(c.args.get("blocks") or []) for c in bot.slack.calls
                     if c.args.get("channel") == channel)


def _everything_teams_sent(bot) -> str:
    """What the bot sent in Teams outside personal chats (where a person's own verdict carries their draft)."""
    return "\n".join(json.dumps(s.activity) for s in bot.teams.sent if not s.conversation.startswith("a:personal-"))


# --- the button ---------------------------------------------------------------------------------------------------

async def test_every_verdict_carries_the_button(bot):
    await bot.slack_shortcut("is_this_ok", FAIR_POST)
    shortcut = _slack_wrong(bot.slack.responses()[-1])
    assert json.loads(shortcut["value"])["s"].startswith("slack|CGENERAL|")   # ids: fetched again on a click
    await bot.slack_command("/smpolicy", f"check --as member {FAIR_POST}")
    command = json.loads(_slack_wrong(bot.slack.responses()[-1])["value"])
    assert command == {"p": "member", "i": 0, "d": FAIR_POST}
    status, body = await bot.teams_message_action("is_this_ok", FAIR_POST)
    action = next(a for a in _card_actions(_dialog_card(body)) if a["title"] == WRONG)
    assert action["data"]["action_id"] == "feedback.open"
    await bot.teams_say(f"check {FAIR_POST}")
    chat = _teams_wrong_in_chat(bot)
    assert chat["data"]["msteams"] == {"type": "task/fetch"}   # the form opens in a dialog, not in the chat


# --- consent ------------------------------------------------------------------------------------------------------

async def test_without_consent_nothing_is_stored_and_the_person_is_told(bot):
    ack = await _slack_report(bot, consent=False)
    assert ack == {}
    assert "Nothing was sent and nothing was kept" in bot.slack.said_to("USTAFF")
    assert await _cases(bot) == [] and await _events(bot) == []
    assert bot.slack.to("CCOMMS") == []


async def test_the_form_warns_about_personal_data_and_is_filled_in_only_for_someone_who_can_see_the_message(bot):
    bot.slack.channel_members["GPRIVATE"] = ["UCOMMS"]
    bot.slack.messages[("GPRIVATE", "1700000000.000300")] = {"ts": "1700000000.000300", "user": "UCOMMS",
                                                             "text": "Confidential: the restructure list"}
    value = json.dumps({"p": "staff", "i": 0, "s": "slack|GPRIVATE|1700000000.000300"})
    await bot.slack_click("feedback.open", value, user="USTAFF", ephemeral=True)
    view = bot.last_view()
    assert "restructure" not in json.dumps(view)
    assert "personal data" in json.dumps(view) and "deleted after 30 days" in json.dumps(view)
    consent = next(b for b in view["blocks"] if b.get("block_id") == "consent")
    assert consent["optional"] is True and consent["element"]["type"] == "checkboxes"
    await bot.slack_click("feedback.open", value, user="UCOMMS", ephemeral=True)
    draft = next(b for b in bot.last_view()["blocks"] if b.get("block_id") == "draft")
    assert draft["element"]["initial_value"] == "Confidential: the restructure list"


async def test_a_forged_button_is_refused(bot):
    await bot.slack_click("feedback.open", "not a value we wrote", ephemeral=True)
    assert "That button is out of date" in bot.slack.responses()[-1].text()
    assert bot.slack.of("views.open") == []


# --- with consent: the queue, the card, the review --------------------------------------------------------------

async def test_with_consent_the_case_is_queued_and_comms_is_told_without_the_draft(bot):
    await bot.teams_say("help", user="29:comms", conversation=TEAMS_COMMS, conversation_type="channel")
    ack = await _slack_report(bot)
    assert ack == {}
    told = bot.slack.said_to("USTAFF")
    assert "is in the Communications Team's review queue" in told and "31 December 2026" in told
    [case] = await _cases(bot)
    assert (case.draft, case.profile, case.has_image, case.state) == (DRAFT, "staff", False, "pending")
    assert case.checker_verdict == await _checker_verdict(bot) and case.correction != case.checker_verdict
    assert case.note == "Sharon asked us about this" and case.reporter == "staff@example.gov.uk"
    [event] = await _events(bot)
    assert event.action == "reported" and not any(m in json.dumps(event.details) for m in MARKERS)
    # The channel card on both platforms: the correction and counts, never the draft or the note.
    [card] = bot.slack.to("CCOMMS")
    assert "A verdict was reported wrong" in card.text() and "1 reported wrong of 1 checks" in card.text()
    slack_channel, teams_channel = _everything_slack_posted_to(bot, "CCOMMS"), _everything_teams_sent(bot)
    assert "A verdict was reported wrong" in teams_channel
    for marker in (*MARKERS, "Sharon asked"):
        assert marker not in slack_channel and marker not in teams_channel
    assert len(case.cards) == 2


async def test_comms_reviews_once_and_the_card_says_so(bot):
    await _slack_report(bot)
    [case] = await _cases(bot)
    card = bot.slack.to("CCOMMS")[-1]
    review = next(b for b in _slack_buttons(card) if b["action_id"] == "feedback.review")
    await bot.slack_click("feedback.review", review["value"], user="UCOMMS", channel="CCOMMS",
                          message_ts=card.args.get("ts"))
    view = bot.last_view()
    assert DRAFT in json.dumps(view) and "Sam Staff" in json.dumps(view)   # the review view, for Comms only
    ack = await bot.slack_submit({"decision": "other", "categories": ["personal_data"],
                                  "corpus_text": "Hi Jo, Sam Jones (14) from Westfield High was excluded again, "
                                                 "ring his mum on 07700 900999",
                                  "corpus_note": "a child named with their school"}, user="UCOMMS")
    assert ack == {}
    assert "is reviewed with the label *Stop (Personal data)*" in bot.slack.said_to("UCOMMS")
    [case] = await _cases(bot)
    assert (case.state, case.final_verdict, case.final_categories, case.reviewed_by) == (
        "reviewed", "stop", ["personal_data"], "comms@example.gov.uk")
    updated = [c for c in bot.slack.of("chat.update") if c.args.get("channel") == "CCOMMS"][-1]
    assert "Reported verdict: reviewed" in updated.text() and DRAFT not in updated.text()
    # A second reviewer finds it done and changes nothing.
    await bot.slack_click("feedback.review", review["value"], user="UCOMMS2", channel="CCOMMS")
    assert "was already reviewed by comms@example.gov.uk" in bot.slack.responses()[-1].text()
    assert [e.action for e in await _events(bot)] == ["reported", "reviewed"]


async def test_nobody_outside_the_communications_team_can_read_or_review_a_case(bot):
    await _slack_report(bot)
    [case] = await _cases(bot)
    views = len(bot.slack.of("views.open"))
    for user in ("UOTHER", "UHEAD", "USTAFF"):   # the head of comms is not in comms_team; nor is the reporter
        await bot.slack_click("feedback.review", case.ref, user=user, channel="CCOMMS")
        reply = bot.slack.responses()[-1].text()
        assert "Only the Communications Team can open reported verdicts" in reply and DRAFT not in reply
        await bot.slack_command("/smpolicy", "feedback", user=user, channel="CCOMMS")
        assert "Only the Communications Team" in bot.slack.responses()[-1].text()
    assert len(bot.slack.of("views.open")) == views
    # A review form forged by someone else is refused too, and changes nothing.
    forged = {"type": "modal", "callback_id": "feedback_review",
              "private_metadata": json.dumps({"p": case.ref, "c": "CCOMMS"}),
              "blocks": [{"type": "input", "block_id": "decision",
                          "element": {"type": "static_select", "action_id": "decision"}},
                         {"type": "input", "block_id": "corpus_text",
                          "element": {"type": "plain_text_input", "action_id": "corpus_text"}}]}
    await bot.slack_submit({"decision": "keep", "corpus_text": "x"}, user="UOTHER", view=forged)
    assert "Only the Communications Team" in bot.slack.said_to("UOTHER")
    assert (await _cases(bot))[0].state == "pending"
    # On Teams the Review button answers in a dialog: the refusal there, the draft for Comms only.
    data = {"action_id": "feedback.review", "value": case.ref, "msteams": {"type": "task/fetch"}}
    status, body = await bot.teams_invoke("task/fetch", {"data": data, "context": {"theme": "default"}},
                                          user="29:other", conversation=TEAMS_COMMS, conversation_type="channel")
    assert "Only the Communications Team" in json.dumps(body) and DRAFT not in json.dumps(body)
    status, body = await bot.teams_invoke("task/fetch", {"data": data, "context": {"theme": "default"}},
                                          user="29:comms", conversation=TEAMS_COMMS, conversation_type="channel")
    assert DRAFT in json.dumps(body)
    assert DRAFT not in _everything_teams_sent(bot)   # dialogs are answers to the click, not messages


async def test_teams_report_from_chat_and_review_in_dialogs(bot):
    await bot.teams_say("help", user="29:comms", conversation=TEAMS_COMMS, conversation_type="channel")
    await bot.teams_say(f"check {DRAFT}")
    action = _teams_wrong_in_chat(bot)
    status, body = await bot.teams_invoke("task/fetch", {"data": action["data"], "context": {"theme": "default"}})
    form = _dialog_card(body)
    assert next(el for el in form["body"] if el.get("id") == "draft")["value"] == DRAFT
    assert any("personal data" in (el.get("text") or "") for el in form["body"])
    correction = _other_than(await _checker_verdict(bot))
    data = {**_form_data(form), "draft": DRAFT, "correction": correction, "category": "", "note": "",
            "consent": "true"}
    status, body = await bot.teams_invoke("task/submit", {"data": data})
    assert "is in the Communications Team's review queue" in json.dumps(body)
    [case] = await _cases(bot)
    assert case.platform == "teams" and case.draft == DRAFT and case.reporter == "staff@example.gov.uk"
    channel = _everything_teams_sent(bot)
    assert "A verdict was reported wrong" in channel and not any(m in channel for m in MARKERS)
    # The Communications Team's Review button on the Teams card opens the review in a dialog.
    review = next(a for s in bot.teams.sent for c in _teams_cards(s) for a in _card_actions(c)
                  if a.get("title") == "Review")
    assert review["data"]["msteams"] == {"type": "task/fetch"}
    status, body = await bot.teams_invoke("task/fetch", {"data": review["data"]}, user="29:comms",
                                          conversation=TEAMS_COMMS, conversation_type="channel")
    review_form = _dialog_card(body)
    assert DRAFT in json.dumps(review_form)
    data = {**_form_data(review_form), "decision": "keep", "categories": "",
            "corpus_text": "Hi Jo, Sam Jones (14) was excluded again, ring his mum on 07700 900999"}
    status, body = await bot.teams_invoke("task/submit", {"data": data}, user="29:comms",
                                          conversation=TEAMS_COMMS, conversation_type="channel")
    assert "is reviewed with the label" in json.dumps(body)
    assert (await _cases(bot))[0].state == "reviewed"


async def test_teams_message_action_dialog_leads_to_the_form(bot):
    status, body = await bot.teams_message_action("is_this_ok", DRAFT)
    action = next(a for a in _card_actions(_dialog_card(body)) if a["title"] == WRONG)
    status, body = await bot.teams_invoke("composeExtension/submitAction", {"data": action["data"]})
    form = _dialog_card(body)
    assert form["actions"][0]["data"]["form_id"] == "feedback_report"
    data = {**_form_data(form), "draft": DRAFT, "correction": "", "consent": "false"}
    status, body = await bot.teams_invoke("composeExtension/submitAction", {"data": data})
    assert "Nothing was sent and nothing was kept" in json.dumps(body)
    assert await _cases(bot) == []


async def test_comms_can_list_the_waiting_cases(bot):
    await _slack_report(bot)
    await bot.slack_command("/smpolicy", "feedback", user="UCOMMS", channel="CCOMMS")
    reply = bot.slack.responses()[-1]
    assert "Reported verdicts waiting for review: 1" in reply.text() and DRAFT not in reply.text()
    assert [b["action_id"] for b in _slack_buttons(reply)] == ["feedback.review"]


# --- retention ----------------------------------------------------------------------------------------------------

async def test_the_purge_sweep_removes_a_case_after_the_retention_period(bot):
    await _slack_report(bot)
    [case] = await _cases(bot)
    reported = bot.clock.now()
    await bot.run_sweeps(reported + timedelta(days=29, hours=17))
    assert len(await _cases(bot)) == 1
    await bot.run_sweeps(reported + timedelta(days=30, hours=17))
    assert await _cases(bot) == []
    kept = sorted({where for where, value in await _every_stored_value(bot) if any(m in value for m in MARKERS)})
    assert kept == [], f"the purged draft is still kept in {kept}"
    assert [e.action for e in await _events(bot)] == ["reported", "purged"]
    updated = [c for c in bot.slack.of("chat.update") if c.args.get("channel") == "CCOMMS"][-1]
    assert "Reported verdict: deleted" in updated.text()
    await bot.slack_click("feedback.review", case.ref, user="UCOMMS", channel="CCOMMS")
    assert "I can't find that case any more" in bot.slack.responses()[-1].text()


# --- the monthly summary ------------------------------------------------------------------------------------------

async def test_the_monthly_summary_reports_the_disagreement_rate(bot):
    await _slack_report(bot)
    for _ in range(3):
        await bot.slack_command("/smpolicy", f"check {FAIR_POST}")
    await bot.slack_command("/smpolicy", "summary 2026-12", user="UCOMMS", channel="CCOMMS")
    summary = bot.slack.responses()[-1].text()
    assert "Reported wrong (“This verdict is wrong”): 1 of 4 checks, a disagreement rate of 25.0%" in summary
    assert not any(m in summary for m in MARKERS)


# --- the export ---------------------------------------------------------------------------------------------------

async def _cli(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """`python -m bot ...` on the bot's database, beside it (tests/support/cli.py)."""
    return await run_cli_async(*args, env=cli_env(DATABASE_URL=database_url))


async def test_the_export_writes_reviewed_cases_as_corpus_lines(bot, database_url, tmp_path):
    from dialogs.feedback.rules import CATEGORIES, verdict_of

    roadworks = "Overnight resurfacing on the A14 at Copdock from Monday, 8pm to 6am"
    for draft in (DRAFT, FAIR_POST, roadworks):
        await _slack_report(bot, draft=draft)
    cases = {case.draft: case for case in await _cases(bot)}
    reviewed = cases[DRAFT]
    await bot.slack_click("feedback.review", reviewed.ref, user="UCOMMS", channel="CCOMMS")
    await bot.slack_submit({"decision": "other", "categories": ["personal_data"],
                            "corpus_text": "Hi Jo, Sam Jones (14) was excluded again, ring his mum on 07700 900999",
                            "corpus_note": "a child named with their circumstances"}, user="UCOMMS")
    # A reviewed text that repeats a held-out post (dev, or the newest frozen test set) never goes into training.
    for draft, held_out in ((FAIR_POST, "dev.jsonl"), (roadworks, "test3.jsonl")):
        first = (ROOT / "policy/eval" / held_out).read_text(encoding="utf-8").splitlines()[0]
        await bot.slack_click("feedback.review", cases[draft].ref, user="UCOMMS", channel="CCOMMS")
        await bot.slack_submit({"decision": "keep", "corpus_text": json.loads(first)["text"]}, user="UCOMMS")
    target = tmp_path / "train" / "feedback.jsonl"
    target.parent.mkdir()
    done = await _cli("check", "feedback", "export", "--out", str(target), database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert "1 reviewed case added" in done.stderr and "2 left out because the test or dev set" in done.stderr
    [line] = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
    assert list(line) == ["id", "text", "profile", "has_image", "verdict", "categories", "note"]
    assert line["id"] == f"fb-{reviewed.ref}" and line["text"].startswith("Hi Jo, Sam Jones")
    assert line["verdict"] == verdict_of(line["categories"]) == "stop" and set(line["categories"]) <= set(CATEGORIES)
    assert (line["profile"], line["has_image"]) == ("staff", False)
    assert not any(m in target.read_text() for m in MARKERS)   # the reviewer's version, not the real draft
    again = await _cli("check", "feedback", "export", "--out", str(target), database_url=database_url)
    assert again.returncode == 0 and "0 reviewed cases added" in again.stderr
    assert len(target.read_text().splitlines()) == 1
    stdout = await _cli("check", "feedback", "export", database_url=database_url)
    assert json.loads(stdout.stdout) == line
    for bad, says in ((("export", "--out", str(ROOT / "policy/eval/test.jsonl")), "never go into a test set"),
                      (("export", "--out"), "expected one argument"),
                      (("frob",), "invalid choice"),
                      ((), "say what to do")):
        refused = await _cli("check", "feedback", *bad, database_url=database_url)
        assert refused.returncode == 2 and says in refused.stderr and refused.stderr.count("\n") == 1, refused.stderr


# --- nothing else keeps a checked text ----------------------------------------------------------------------------

OUR_LOGGERS = ("app", "bot", "chat", "dialogs", "handlers", "policy", "storage", "smpolicy")


async def _every_stored_value(bot) -> list[tuple[str, str]]:
    """(table.column, value as text) for every value in every column of every table in the database."""
    def reflect(sync_conn):
        meta = MetaData()
        meta.reflect(sync_conn)
        return meta

    async with bot.svc.db.engine.connect() as conn:
        meta = await conn.run_sync(reflect)
        assert {"events", "check_feedback"} <= set(meta.tables)
        values = []
        for table in meta.sorted_tables:
            for row in (await conn.execute(select(table))).all():
                values += [(f"{table.name}.{column.name}", v if isinstance(v, str) else json.dumps(v, default=str))
                           for column, v in zip(table.columns, row)]
    return values


async def test_an_ordinary_check_keeps_its_text_nowhere(bot, caplog):
    caplog.set_level(logging.DEBUG)
    await bot.teams_say("help", user="29:comms", conversation=TEAMS_COMMS, conversation_type="channel")
    await bot.slack_shortcut("is_this_ok", DRAFT)
    button = _slack_wrong(bot.slack.responses()[-1])
    await bot.slack_command("/smpolicy", f"check {DRAFT}")
    await bot.slack_command("/smpolicy", f"check --as personal {DRAFT}", user="UOTHER")
    await bot.teams_message_action("is_this_ok", DRAFT)
    await bot.teams_say(f"check {DRAFT}")
    # Opening the form is not consent either, nor is sending it without the tick.
    await bot.slack_click(button["action_id"], button["value"], ephemeral=True)
    await bot.slack_submit({"draft": DRAFT, "correction": "ok", "consent": False})
    await bot.run_sweeps(bot.clock.now() + timedelta(hours=17))
    assert len(await _events(bot, "check")) == 5
    stored = await _every_stored_value(bot)
    assert stored
    kept = sorted({where for where, value in stored if any(m in value for m in MARKERS)})
    assert kept == [], f"a checked draft is kept in {kept}: only the feedback queue, with consent, may keep one"
    logged = [(r.name, r.getMessage() + (r.exc_text or "")) for r in caplog.records
              if r.levelno >= logging.INFO or r.name.split(".")[0] in OUR_LOGGERS]
    assert logged
    leaked = sorted({name for name, line in logged if any(m in line for m in MARKERS)})
    assert leaked == [], f"a checked draft was logged by {leaked}"
