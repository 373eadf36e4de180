"""The Social Media guidance for Members as a councillor meets it in chat (docs/POLICY_COVERAGE.md), over the real
HTTP path: a paid election advert gets MG 5.6 (and council staff the boost route, 2.7), a password MG 6, and `ask`
says what to do for MG 5.6, MG 3.2 and MG 3.1."""
from __future__ import annotations

from .test_ask_questions import cited, slack_ask

ADVERT = "I've paid for a Facebook advert for my election campaign: vote for me on 7 May"


async def test_slack_a_councillors_paid_election_advert_is_campaign_spending(bot):
    await bot.slack_command("/smpolicy", f"check {ADVERT}", user="UCLLR")
    said = bot.slack.responses()[-1].text()
    assert "Paid promotion* (MG 5.6)" in said and "return of expenditure" in said
    assert "Electoral Commission" in said and "Checked as *member*" in said
    # The same words from council staff are a boost, which has its own route (2.7).
    await bot.slack_command("/smpolicy", f"check {ADVERT}", user="USTAFF")
    staff = bot.slack.responses()[-1].text()
    assert "(2.7)" in staff and "/smpolicy boost" in staff and "MG 5.6" not in staff


async def test_teams_a_councillors_paid_election_advert_is_campaign_spending(bot):
    await bot.teams_say(f"check --as member {ADVERT}", user="29:staff")   # checking a councillor's draft
    said = bot.teams_to("29:staff")
    assert "(MG 5.6)" in said and "return of expenditure" in said and "Checked as **member**" in said


async def test_slack_a_councillors_password_cites_the_malware_guidance(bot):
    await bot.slack_command("/smpolicy", "check My password is Tractor99 if you need to post for me", user="UCLLR")
    said = bot.slack.responses()[-1].text()
    assert "Stop" in said and "(MG 6)" in said


async def test_slack_councillors_questions_say_what_to_do(bot):
    text = await slack_ask(bot, "do I need to declare Facebook adverts as election expenses?", user="UCLLR")
    assert cited(text)[0] == "MG 5.6" and "keep a record of what you spend" in text
    text = await slack_ask(bot, "can I post old posts from before I was elected", user="UCLLR")
    assert cited(text)[0] == "MG 3.2" and "remove or un-tag anything controversial" in text
    text = await slack_ask(bot, "councillor with one account for personal and political posts", user="UCLLR")
    assert cited(text)[0] == "MG 3.1" and "say the views are your own" in text
    assert "`/smpolicy check --as personal`" in text
    text = await slack_ask(bot, "should members use the same password as their council login?", user="UCLLR")
    assert cited(text)[0] == "MG 6" and "Use a different password for social media" in text


async def test_slack_the_council_logo_on_a_councillors_own_material_is_held(bot):
    await bot.slack_command("/smpolicy", "check My new ward newsletter has the council logo at the top", user="UCLLR")
    said = bot.slack.responses()[-1].text()
    assert "Get sign-off" in said and "Speaking for the council* (MG 3.1)" in said and "logo" in said
