"""The audit export (6.2): `python -m bot audit export` as a real process and the chat command, Slack and Teams.

Never the text of a checked post: asserted on the event table itself and on every exported file.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from sqlalchemy import select

from dialogs.check.flow import run_check
from storage.events import record_event
from storage.models import Event
from tests.conftest import london

from .test_crisis_cli import run_cli

DRAFT = "Ring Dave Smith on 07911 123456 about the Zephyrine Lane planning row"
SECRET_WORDS = ("Dave Smith", "07911", "Zephyrine")


async def _history(bot) -> None:
    """Some real events: a check, a mourning pause started and ended, and a note with free text."""
    bot.clock.set(london(2026, 11, 30, 16, 0))
    await run_check(bot.svc, text=DRAFT, actor="staff@example.gov.uk", platform="slack")
    bot.clock.set(london(2026, 12, 1, 9, 0))
    await bot.slack_command("/smpolicy", "pause start 3 Royal death", user="UCOMMS")
    bot.clock.set(london(2026, 12, 1, 12, 0))
    await bot.slack_command("/smpolicy", "pause end", user="UCOMMS")
    async with bot.svc.db.transaction() as s:   # a workflow that keeps a typed note in its event details
        await record_event(s, at=london(2026, 12, 1, 13, 0), actor="comms@example.gov.uk", subject_kind="crisis",
                           subject_id=9, action="note", details={"text": "Dave Smith rang again", "n": 1})
        await record_event(s, at=london(2026, 12, 3, 0, 30), actor="=HYPERLINK(\"x\")", subject_kind="test",
                           subject_id=1, action="later")
    bot.clock.set(london(2026, 12, 4, 10, 0))


def _no_secrets(text: str) -> None:
    for word in SECRET_WORDS:
        assert word not in text


async def test_events_never_hold_a_checked_posts_text(bot):
    await _history(bot)
    async with bot.svc.db.sessions() as s:
        checks = list(await s.scalars(select(Event).where(Event.subject_kind == "check")))
    assert len(checks) == 1 and checks[0].details["categories"] and checks[0].to_state in ("stop", "sign_off")
    async with bot.svc.db.sessions() as s:
        everything = [json.dumps([e.actor, e.subject_id, e.action, e.details]) for e in await s.scalars(select(Event))
                      if e.subject_kind != "crisis"]
    _no_secrets("\n".join(everything))


async def test_command_line_export_csv_and_jsonl(bot):
    await _history(bot)
    code, out, err = await run_cli(bot, "audit", "export", "--from", "2026-11-30", "--to", "2026-12-02")
    assert code == 0, err
    _no_secrets(out)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["id", "when", "who", "subject", "subject_id", "action", "from_state", "outcome",
                             "details"]
    assert [(r["subject"], r["action"]) for r in rows] == [
        ("check", "checked"), ("pause", "started"), ("pause", "administrators_asked"), ("pause", "ended"),
        ("crisis", "note")]
    check = rows[0]
    assert check["when"] == "2026-11-30T16:00:00+00:00" and check["who"] == "staff@example.gov.uk"
    assert check["outcome"] in ("stop", "sign_off") and "personal_data" in json.loads(check["details"])["categories"]
    ended = rows[3]
    assert ended["who"] == "comms@example.gov.uk" and ended["from_state"] == "active" and ended["outcome"] == "ended"
    assert json.loads(rows[4]["details"]) == {"text": "[21 characters not exported]", "n": 1}

    code, out, err = await run_cli(bot, "audit", "export", "--from", "2026-12-03", "--to", "2026-12-03",
                                   "--format", "jsonl")
    assert code == 0, err
    [line] = out.splitlines()
    row = json.loads(line)
    assert row["who"] == '=HYPERLINK("x")' and row["when"] == "2026-12-03T00:30:00+00:00"


async def test_command_line_export_to_a_file_and_a_formula_is_never_run(bot, tmp_path):
    await _history(bot)
    target = tmp_path / "audit.csv"
    code, out, err = await run_cli(bot, "audit", "export", "--from", "2026-11-01", "--to", "2026-12-31",
                                   "--output", str(target))
    assert code == 0 and out == ""
    assert err.strip() == f"6 events from 2026-11-01 to 2026-12-31 written to {target}"
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert rows[-1]["who"] == "'=HYPERLINK(\"x\")"
    _no_secrets(target.read_text())


async def test_command_line_bad_dates_are_one_line_and_exit_2(bot):
    for argv, wanted in ((("--from", "2026-13-01", "--to", "2026-12-01"), "--from: expected a date like 2026-12-01"),
                         (("--from", "2026-12-01", "--to", "yesterday"), "--to: expected a date like 2026-12-01"),
                         (("--from", "2026-12-02", "--to", "2026-12-01"), "--from (2026-12-02) is after --to")):
        code, out, err = await run_cli(bot, "audit", "export", *argv)
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and wanted in err, err
    code, out, err = await run_cli(bot, "audit", "export", "--from", "2026-12-01", "--to", "2026-12-02",
                                   "--format", "xml")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "invalid choice" in err


async def test_chat_export_posts_the_file_for_the_communications_team_only(bot):
    await _history(bot)
    await bot.slack_command("/smpolicy", "audit export 2026-11-30 2026-12-02", user="USTAFF")
    assert "Only the Communications Team can export the audit trail (6.2)" in bot.slack.responses()[-1].text()
    assert bot.slack.of("files.getUploadURLExternal") == []

    await bot.slack_command("/smpolicy", "audit export 2026-11-30 2026-12-02", user="UCOMMS", channel="CCOMMS")
    [asked] = bot.slack.of("files.getUploadURLExternal")
    assert asked.args["filename"] == "smpolicy-audit-2026-11-30-to-2026-12-02.csv"
    content = bot.slack.of("upload")[-1].args["content"].decode()
    _no_secrets(content)
    assert len(list(csv.DictReader(io.StringIO(content)))) == 5
    done = bot.slack.of("files.completeUploadExternal")[-1]
    assert done.args["channel_id"] == "CCOMMS"
    assert "5 events from 2026-11-30 to 2026-12-02" in done.args["initial_comment"]
    async with bot.svc.db.sessions() as s:
        [exported] = list(await s.scalars(select(Event).where(Event.subject_kind == "audit")))
    assert exported.actor == "comms@example.gov.uk" and exported.details["events"] == 5

    await bot.slack_command("/smpolicy", "audit export 2026-12-01 2026-12-01 jsonl", user="UCOMMS")
    content = bot.slack.of("upload")[-1].args["content"].decode()
    assert [json.loads(x)["action"] for x in content.splitlines()] == ["started", "administrators_asked", "ended",
                                                                       "note"]


async def test_chat_export_explains_bad_input(bot):
    for args, wanted in (("audit", "Use `/smpolicy audit export FROM TO [csv|jsonl]`"),
                         ("audit export 2026-12-01", "Use `/smpolicy audit export FROM TO [csv|jsonl]`"),
                         ("audit export 1 December 2026-12-02", "I couldn't read the dates: FROM: expected a date"),
                         ("audit export 2026-12-01 2026-12-40", "I couldn't read the dates: TO: expected a date"),
                         ("audit export 2026-12-05 2026-12-01", "FROM (2026-12-05) is after TO (2026-12-01)"),
                         ("audit export 2026-12-01 2026-12-02 xlsx", "The format can be csv or jsonl, not “xlsx”"),
                         ("audit export 2024-01-01 2026-12-01", "in chat I export up to a year at a time")):
        await bot.slack_command("/smpolicy", args, user="UCOMMS")
        assert wanted in bot.slack.responses()[-1].text(), args
    assert bot.slack.of("files.getUploadURLExternal") == []


async def test_teams_export_for_the_communications_team(bot):
    await _history(bot)
    await bot.teams_say("audit export 2026-11-30 2026-12-02", user="29:staff")
    assert "Only the Communications Team" in bot.teams_to("29:staff")
    await bot.teams_say("audit export 2026-11-30 2026-12-02", user="29:comms")
    text = bot.teams.in_conversation("a:personal-29:comms")[-1].text()
    assert "Audit trail 2026-11-30 to 2026-12-02" in text and "smpolicy-audit-2026-11-30-to-2026-12-02.csv" in text
    assert "pause,1,started" in text
    _no_secrets(text)


async def test_export_reads_a_long_trail_in_batches(bot):
    from dialogs.audit import flow, rules, store

    start = london(2026, 10, 1, 0, 0)
    async with bot.svc.db.transaction() as s:
        for n in range(store.BATCH * 2 + 7):
            await record_event(s, at=start + timedelta(minutes=n // 3), actor="system", subject_kind="bulk",
                               subject_id=n, action="tick")
    buffer = io.StringIO()
    count = await flow.write(bot.svc.db, rules.parse_period("2026-10-01", "2026-10-31"), bot.svc.config.tz,
                              "jsonl", buffer)
    ids = [int(json.loads(x)["subject_id"]) for x in buffer.getvalue().splitlines()]
    assert count == store.BATCH * 2 + 7 and ids == sorted(ids) and len(set(ids)) == count
