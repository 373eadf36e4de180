"""`/smpolicy foi ...` in Slack: list, done, reassign, clarify/resume, extend, holidays, and who may do what."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models.foi import FoiCase
from tests.conftest import london


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


async def test_foi_command_opens_the_form(bot_with_mail):
    await bot_with_mail.slack_command("/smpolicy", "foi", user="USTAFF")
    assert bot_with_mail.last_view()["callback_id"] == "foi_form"


async def test_list_is_yours_and_information_management_sees_all(bot_with_mail):
    await forward(bot_with_mail)
    await forward(bot_with_mail, "What is the roads budget?", user="UOTHER")
    mine = await say(bot_with_mail, "foi list")
    assert "Your open FOI cases (1)" in mine and "FOI-2026-0001" in mine and "FOI-2026-0002" not in mine
    everyone = await say(bot_with_mail, "foi list", user="UIM")
    assert "All open FOI cases (2)" in everyone and "Oz Other" in everyone     # by name, not address


async def test_only_the_owner_or_information_management_can_close(bot_with_mail):
    await forward(bot_with_mail)
    refused = await say(bot_with_mail, "foi done FOI-2026-0001", user="UOTHER")
    assert "Only the case owner (Sam Staff) or Information Management can close FOI-2026-0001" in refused
    assert (await get(bot_with_mail)).state == "open"
    assert "is marked done (withdrawn)" in await say(bot_with_mail, "foi done foi-2026-1 withdrawn", user="UIM")
    assert "Ida Info marked your case *FOI-2026-0001* done" in bot_with_mail.slack.said_to("USTAFF")
    assert (await get(bot_with_mail)).outcome == "withdrawn"


async def test_bad_references_and_unknown_cases(bot_with_mail):
    assert "isn't a case reference" in await say(bot_with_mail, "foi done 12")
    assert "I can't find case FOI-2026-0099" in await say(bot_with_mail, "foi done FOI-2026-0099")
    assert "Which case?" in await say(bot_with_mail, "foi done")
    assert "FOI, EIR and subject access requests" in await say(bot_with_mail, "foi what")


async def test_reassign_by_slack_mention(bot_with_mail):
    await forward(bot_with_mail)
    said = await say(bot_with_mail, "foi reassign FOI-2026-0001 <@UOTHER|oz.other>")
    assert "now belongs to Oz Other" in said
    assert (await get(bot_with_mail)).owner_email == "other@example.gov.uk"
    assert "has made you the owner of *FOI-2026-0001*" in bot_with_mail.slack.said_to("UOTHER")
    # The old owner can no longer manage it; the new one can.
    assert "Only the case owner" in await say(bot_with_mail, "foi done FOI-2026-0001")
    assert "I couldn't tell who `@nobody` is" in await say(bot_with_mail, "foi reassign FOI-2026-0001 @nobody",
                                                           user="UOTHER")


async def test_reassign_button_opens_a_form(bot_with_mail):
    await forward(bot_with_mail)
    await bot_with_mail.slack_click("foi.reassign", value="FOI-2026-0001", user="USTAFF", channel="DSTAFF")
    view = bot_with_mail.last_view()
    assert view["callback_id"] == "foi_reassign"
    ack = await bot_with_mail.slack_submit({"owner": "UMANAGER"}, user="USTAFF")
    assert ack == {}
    assert (await get(bot_with_mail)).owner_email == "manager@example.gov.uk"


async def test_clarify_stops_the_clock_and_resume_starts_the_20_days_again(bot_with_mail):
    await forward(bot_with_mail)
    assert (await get(bot_with_mail)).due == date(2026, 12, 31)
    bot_with_mail.clock.set(london(2026, 12, 7, 10, 0))
    assert "is stopped from today" in await say(bot_with_mail, "foi clarify FOI-2026-0001")
    assert "already stopped" in await say(bot_with_mail, "foi clarify FOI-2026-0001")
    # While stopped, it is not listed as overdue or due soon in the daily DM.
    await bot_with_mail.run_sweeps(london(2026, 12, 8, 9, 0))
    dm = bot_with_mail.slack.to("USTAFF")[-1].text()
    assert "1 with the clock stopped" in dm
    bot_with_mail.clock.set(london(2026, 12, 14, 10, 0))
    said = await say(bot_with_mail, "foi resume FOI-2026-0001")
    # The clarification came on Monday 14 December: day 1 is Tuesday 15 December. Counting 20 working days and
    # skipping 25 and 28 December, 1 January and Scotland's 4 January (2 January falls on a Saturday) gives
    # Friday 15 January 2027 (FOIA s1(3): nothing is owed until the clarification arrives).
    assert "now due on *Friday 15 January 2027* (the working days started again" in said
    case = await get(bot_with_mail)
    assert case.state == "open" and case.due == date(2027, 1, 15)
    assert "isn't stopped" in await say(bot_with_mail, "foi resume FOI-2026-0001")


async def test_extend_is_for_eir_only_and_within_20_working_days(bot_with_mail):
    await forward(bot_with_mail)
    assert "Only EIR requests can be extended" in await say(bot_with_mail, "foi extend FOI-2026-0001")
    await forward(bot_with_mail, "How clean is the river Gipping?", kind="eir")
    assert "now due on *Monday 1 February 2027*" in await say(bot_with_mail, "foi extend FOI-2026-0002")
    assert "already extended" in await say(bot_with_mail, "foi extend FOI-2026-0002")
    await forward(bot_with_mail, "What pesticides do you spray?", kind="eir", received=date(2026, 10, 1))
    assert "too late to extend" in await say(bot_with_mail, "foi extend FOI-2026-0003")


async def test_holiday_command_is_for_the_communications_team(bot_with_mail):
    await forward(bot_with_mail)
    refused = await say(bot_with_mail, "foi holiday add 2026-12-15 State funeral")
    assert "Only the Communications Team can add a bank holiday" in refused
    said = await say(bot_with_mail, "foi holiday add 2026-12-15 State funeral", user="UCOMMS")
    assert "Added *Tuesday 15 December 2026* (State funeral)" in said and "1 open case now has a new due date" in said
    assert (await get(bot_with_mail)).due == date(2027, 1, 5)
    assert "was 31 Dec 2026" in bot_with_mail.slack.said_to("USTAFF").replace("Thu ", "")
    assert "already a holiday" in await say(bot_with_mail, "foi holiday add 2026-12-15 Again", user="UCOMMS")
    assert "isn't a date" in await say(bot_with_mail, "foi holiday add 15/12/2026 Again", user="UCOMMS")


async def test_retention_sweep_over_http_harness(bot_with_mail):
    await forward(bot_with_mail)
    await say(bot_with_mail, "foi done FOI-2026-0001")
    await bot_with_mail.run_sweeps(london(2027, 12, 2, 2, 30))
    case = await get(bot_with_mail)
    assert case.question is None and case.reference == "FOI-2026-0001" and case.outcome == "answered"


async def test_sfrs_staff_are_reminded_of_8_2_2_5(bot_with_mail):
    await bot_with_mail.slack_shortcut("forward_foi", "How many crew were on the engine at the Ipswich fire?",
                                 user="UFIRE")
    assert "8.2 2.5" in str(bot_with_mail.last_view()["blocks"])


async def test_show_gives_the_owner_the_question_and_nobody_else(bot_with_mail):
    await forward(bot_with_mail)
    shown = await say(bot_with_mail, "foi show FOI-2026-0001")
    assert "How many parking fines were issued in 2025?" in shown and "Email to Information Management: emailed" in shown
    shown = await say(bot_with_mail, "foi show FOI-2026-0001", user="UIM")
    assert "How many parking fines" in shown
    refused = await say(bot_with_mail, "foi show FOI-2026-0001", user="UOTHER")
    assert "Only the case owner or Information Management" in refused and "parking" not in refused
