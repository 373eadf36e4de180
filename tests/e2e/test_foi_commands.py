"""`/smpolicy foi ...` in Slack: list, done, reassign, clarify/resume, extend, holidays, and who may do what."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from storage.models.foi import FoiCase
from tests.conftest import london
from tests.support.server import BotHarness
from tests.support.smtp import smtp_server  # noqa: F401  (fixture)


@pytest.fixture
async def foi_bot(database_url, clock, smtp_server):  # noqa: F811
    harness = await BotHarness.start(database_url, clock, env=smtp_server.env())
    try:
        yield harness
    finally:
        await harness.stop()


async def forward(bot, question="How many parking fines were issued in 2025?", kind="foi", user="USTAFF",
                  received=date(2026, 12, 1)):
    await bot.slack_shortcut("forward_foi", question, user=user)
    return await bot.slack_submit({"question": question, "source_platform": "x", "visibility": "public",
                                   "received": received, "kind": kind, "owner": user}, user=user)


async def say(bot, text: str, user: str = "USTAFF") -> str:
    await bot.slack_command("/smpolicy", text, user=user)
    return bot.slack.responses()[-1].text()


async def get(bot, ref="FOI-2026-0001") -> FoiCase:
    async with bot.svc.db.sessions() as s:
        return await s.scalar(select(FoiCase).where(FoiCase.reference == ref))


async def test_foi_command_opens_the_form(foi_bot):
    await foi_bot.slack_command("/smpolicy", "foi", user="USTAFF")
    assert foi_bot.last_view()["callback_id"] == "foi_form"


async def test_list_is_yours_and_information_management_sees_all(foi_bot):
    await forward(foi_bot)
    await forward(foi_bot, "What is the roads budget?", user="UOTHER")
    mine = await say(foi_bot, "foi list")
    assert "Your open FOI cases (1)" in mine and "FOI-2026-0001" in mine and "FOI-2026-0002" not in mine
    everyone = await say(foi_bot, "foi list", user="UIM")
    assert "All open FOI cases (2)" in everyone and "Oz Other" in everyone     # by name, not address


async def test_only_the_owner_or_information_management_can_close(foi_bot):
    await forward(foi_bot)
    refused = await say(foi_bot, "foi done FOI-2026-0001", user="UOTHER")
    assert "Only the case owner (Sam Staff) or Information Management can close FOI-2026-0001" in refused
    assert (await get(foi_bot)).state == "open"
    assert "is marked done (withdrawn)" in await say(foi_bot, "foi done foi-2026-1 withdrawn", user="UIM")
    assert "Ida Info marked your case *FOI-2026-0001* done" in foi_bot.slack.said_to("USTAFF")
    assert (await get(foi_bot)).outcome == "withdrawn"


async def test_bad_references_and_unknown_cases(foi_bot):
    assert "isn't a case reference" in await say(foi_bot, "foi done 12")
    assert "I can't find case FOI-2026-0099" in await say(foi_bot, "foi done FOI-2026-0099")
    assert "Which case?" in await say(foi_bot, "foi done")
    assert "FOI, EIR and subject access requests" in await say(foi_bot, "foi what")


async def test_reassign_by_slack_mention(foi_bot):
    await forward(foi_bot)
    said = await say(foi_bot, "foi reassign FOI-2026-0001 <@UOTHER|oz.other>")
    assert "now belongs to Oz Other" in said
    assert (await get(foi_bot)).owner_email == "other@example.gov.uk"
    assert "has made you the owner of *FOI-2026-0001*" in foi_bot.slack.said_to("UOTHER")
    # The old owner can no longer manage it; the new one can.
    assert "Only the case owner" in await say(foi_bot, "foi done FOI-2026-0001")
    assert "I couldn't tell who `@nobody` is" in await say(foi_bot, "foi reassign FOI-2026-0001 @nobody",
                                                           user="UOTHER")


async def test_reassign_button_opens_a_form(foi_bot):
    await forward(foi_bot)
    await foi_bot.slack_click("foi.reassign", value="FOI-2026-0001", user="USTAFF", channel="DSTAFF")
    view = foi_bot.last_view()
    assert view["callback_id"] == "foi_reassign"
    ack = await foi_bot.slack_submit({"owner": "UMANAGER"}, user="USTAFF")
    assert ack == {}
    assert (await get(foi_bot)).owner_email == "manager@example.gov.uk"


async def test_clarify_stops_the_clock_and_resume_starts_the_20_days_again(foi_bot):
    await forward(foi_bot)
    assert (await get(foi_bot)).due == date(2026, 12, 31)
    foi_bot.clock.set(london(2026, 12, 7, 10, 0))
    assert "is stopped from today" in await say(foi_bot, "foi clarify FOI-2026-0001")
    assert "already stopped" in await say(foi_bot, "foi clarify FOI-2026-0001")
    # While stopped, it is not listed as overdue or due soon in the daily DM.
    await foi_bot.run_sweeps(london(2026, 12, 8, 9, 0))
    dm = foi_bot.slack.to("USTAFF")[-1].text()
    assert "1 with the clock stopped" in dm
    foi_bot.clock.set(london(2026, 12, 14, 10, 0))
    said = await say(foi_bot, "foi resume FOI-2026-0001")
    # The clarification came on Monday 14 December: day 1 is Tuesday 15 December. Counting 20 working days and
    # skipping 25 and 28 December, 1 January and Scotland's 4 January (2 January falls on a Saturday) gives
    # Friday 15 January 2027 (FOIA s1(3): nothing is owed until the clarification arrives).
    assert "now due on *Friday 15 January 2027* (the working days started again" in said
    case = await get(foi_bot)
    assert case.state == "open" and case.due == date(2027, 1, 15)
    assert "isn't stopped" in await say(foi_bot, "foi resume FOI-2026-0001")


async def test_extend_is_for_eir_only_and_within_20_working_days(foi_bot):
    await forward(foi_bot)
    assert "Only EIR requests can be extended" in await say(foi_bot, "foi extend FOI-2026-0001")
    await forward(foi_bot, "How clean is the river Gipping?", kind="eir")
    assert "now due on *Monday 1 February 2027*" in await say(foi_bot, "foi extend FOI-2026-0002")
    assert "already extended" in await say(foi_bot, "foi extend FOI-2026-0002")
    await forward(foi_bot, "What pesticides do you spray?", kind="eir", received=date(2026, 10, 1))
    assert "too late to extend" in await say(foi_bot, "foi extend FOI-2026-0003")


async def test_holiday_command_is_for_the_communications_team(foi_bot):
    await forward(foi_bot)
    refused = await say(foi_bot, "foi holiday add 2026-12-15 State funeral")
    assert "Only the Communications Team can add a bank holiday" in refused
    said = await say(foi_bot, "foi holiday add 2026-12-15 State funeral", user="UCOMMS")
    assert "Added *Tuesday 15 December 2026* (State funeral)" in said and "1 open case now has a new due date" in said
    assert (await get(foi_bot)).due == date(2027, 1, 5)
    assert "was 31 Dec 2026" in foi_bot.slack.said_to("USTAFF").replace("Thu ", "")
    assert "already a holiday" in await say(foi_bot, "foi holiday add 2026-12-15 Again", user="UCOMMS")
    assert "isn't a date" in await say(foi_bot, "foi holiday add 15/12/2026 Again", user="UCOMMS")


async def test_retention_sweep_over_http_harness(foi_bot):
    await forward(foi_bot)
    await say(foi_bot, "foi done FOI-2026-0001")
    await foi_bot.run_sweeps(london(2027, 12, 2, 2, 30))
    case = await get(foi_bot)
    assert case.question is None and case.reference == "FOI-2026-0001" and case.outcome == "answered"


async def test_sfrs_staff_are_reminded_of_8_2_2_5(foi_bot):
    await foi_bot.slack_shortcut("forward_foi", "How many crew were on the engine at the Ipswich fire?",
                                 user="UFIRE")
    assert "8.2 2.5" in str(foi_bot.last_view()["blocks"])


async def test_show_gives_the_owner_the_question_and_nobody_else(foi_bot):
    await forward(foi_bot)
    shown = await say(foi_bot, "foi show FOI-2026-0001")
    assert "How many parking fines were issued in 2025?" in shown and "Email to Information Management: emailed" in shown
    assert "How many parking fines" in await say(foi_bot, "foi show FOI-2026-0001", user="UIM")
    refused = await say(foi_bot, "foi show FOI-2026-0001", user="UOTHER")
    assert "Only the case owner or Information Management" in refused and "parking" not in refused
