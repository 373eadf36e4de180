"""What a verdict says, as people see it over HTTP (issue 13): the section for the person's profile, the time limit
that applies to a request for information, MG 3.1 for a councillor posting from a personal account, and the
pack's commands as the person's platform types them."""
from __future__ import annotations

SAR = "Can I have a copy of all the information you hold about me, please?"
FOI = "How much did the council spend on agency staff in 2025? Please send me the figures."
HIGHWAYS = ("A14 travel alert: the westbound carriageway at Copdock is closed after a collision. A 45-year-old man "
            "was taken to Ipswich Hospital with serious injuries. Please avoid the area.")


async def test_slack_subject_access_gets_one_calendar_month(bot):
    await bot.slack_command("/smpolicy", f"check {SAR}", user="USTAFF")
    said = bot.slack.responses()[-1].text()
    assert "one calendar month to answer (8.1)" in said
    assert "20 working days to answer" not in said and "20-working-day clock" not in said
    assert "(/smpolicy foi)" in said


async def test_teams_foi_gets_twenty_working_days_and_the_teams_command(bot):
    await bot.teams_say(f"check {FOI}")
    said = bot.teams_to("29:staff")
    assert "Freedom of Information request: the council has 20 working days to answer (8.1)" in said
    assert "/smpolicy" not in said and "(foi)" in said


async def test_a_highways_alert_gets_the_councils_rule_not_the_fire_services(bot):
    await bot.slack_command("/smpolicy", f"check {HIGHWAYS}", user="USTAFF")
    said = bot.slack.responses()[-1].text()
    assert "(3.4)" in said
    assert "8.2 2.5" not in said and "crews attended" not in said.lower()


async def test_councillor_checking_as_personal_is_offered_mg_3_1(bot):
    await bot.slack_command("/smpolicy", "check --as personal Lovely evening at the Northgate ward fun day",
                            user="UCLLR")
    said = bot.slack.responses()[-1].text()
    assert "views are your own" in said and "council's logo" in said and "(MG 3.1)" in said
    await bot.slack_command("/smpolicy", "check --as personal Lovely evening at the Northgate fun day",
                            user="USTAFF")
    assert "MG 3.1" not in bot.slack.responses()[-1].text()     # not a councillor


async def test_commands_are_written_as_slack_types_them(bot):
    await bot.slack_command("/smpolicy", "status", user="UOTHER")
    said = bot.slack.responses()[-1].text()
    assert "`/smpolicy request-account`" in said and "`/smpolicy boost`" in said
    await bot.teams_say("status", user="29:other")
    said = bot.teams_to("29:other")
    assert "request-account" in said and "/smpolicy" not in said
