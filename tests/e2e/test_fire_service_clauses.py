"""The Fire and Rescue appendix's clauses the bot serves in chat (docs/POLICY_COVERAGE.md), over the real HTTP path:
the fire service's posting checklist (8.2 2.2, 5.1, 5.2, 6.3), its onboarding asking that administrators have read
the policy with the appendix (8.2 2.1), a breach report citing 8.2 3.1, and `ask` saying what to do for 8.2 2.2,
5.1 and 5.4. Each is shown to a firefighter and, where it must not be, not to council staff."""
from __future__ import annotations


from .test_accounts_helpers import only_request, slack_click_card, slack_request_account, teams_hello
from .test_ask_questions import cited, slack_ask

DRAFT = "Join us at Ipswich East fire station's open day on Saturday from 10am"
FIRE_LINES = ("(8.2 5.1)", "\"Suffolk Fire and Rescue Service\"", "(8.2 5.2)", "(8.2 2.2)", "(8.2 6.3)")


def _slack_button(call, action_id: str) -> dict:
    buttons = [el for b in call.args.get("blocks", []) if b["type"] == "actions" for el in b["elements"]]
    return next(b for b in buttons if b["action_id"] == action_id)


async def _slack_checklist(bot, user: str, files=None) -> str:
    if files:
        await bot.slack_shortcut("is_this_ok", DRAFT, user=user, files=files)
    else:
        await bot.slack_command("/smpolicy", f"check {DRAFT}", user=user)
    button = _slack_button(bot.slack.responses()[-1], "check.checklist")
    await bot.slack_click("check.checklist", button.get("value", ""), user=user, ephemeral=True)
    return bot.slack.responses()[-1].text()


async def test_slack_a_firefighters_posting_checklist_carries_the_appendixs_own_lines(bot):
    fire = await _slack_checklist(bot, "UFIRE")
    assert "Before you post (4.2)" in fire
    for line in FIRE_LINES:
        assert line in fire, line
    assert "don't guess" in fire and "officer in charge" in fire and "share or retweet" in fire
    # With a photo, the fire service's photo checklist comes as well, after its posting lines.
    photo = bot.slack.add_file("open-day.jpg", b"not really a jpeg")
    with_photo = await _slack_checklist(bot, "UFIRE", files=[photo])
    assert "(8.2 5.1)" in with_photo and "(8.2 4.3)" in with_photo
    # Council staff get the council's checklist only.
    council = await _slack_checklist(bot, "USTAFF")
    assert "Before you post (4.2)" in council and "8.2" not in council


async def test_teams_a_firefighters_posting_checklist_carries_the_appendixs_own_lines(bot):
    await teams_hello(bot, "29:fire")
    await bot.teams_say(f"check {DRAFT}", user="29:fire")
    action = None
    for sent in reversed(bot.teams.in_conversation("a:personal-29:fire")):
        for att in sent.activity.get("attachments") or []:
            for el in (att.get("content") or {}).get("body", []):
                for a in el.get("actions", []) if el.get("type") == "ActionSet" else []:
                    if a.get("title") == "Show the posting checklist":
                        action = action or a
    assert action is not None, "no checklist button on the Teams verdict"
    await bot.teams_click(action["data"], user="29:fire")
    said = bot.teams_to("29:fire")
    for line in FIRE_LINES:
        assert line in said, line


async def test_slack_a_station_accounts_onboarding_asks_that_administrators_have_read_the_appendix(bot):
    await slack_request_account(bot, user="UFIRE", kind="station", account_name="Ipswich East Fire Station",
                                service_area="Fire and rescue", administrators=["UFIRE"])
    req = await only_request(bot)
    for step, user, channel in (("manager", "UMANAGER", "DMANAGER"), ("sfrs", "USFRS", "DSFRS"),
                                ("cfo", "UCFO", "DCFO"), ("head", "UHEAD", "DHEAD")):
        await slack_click_card(bot, req, "approve", user, channel)
    assert (await only_request(bot)).state == "approved"
    checklist = bot.slack.said_to("UFIRE")
    assert "read the Social Media Policy, including its Fire and Rescue appendix" in checklist
    assert "(8.2 2.1)" in checklist


async def test_slack_fire_service_questions_say_what_to_do(bot):
    text = await slack_ask(bot, "emergency planning incident led by police what should we tweet", user="UFIRE")
    assert cited(text)[0] == "8.2/2.2" and "share or retweet their information" in text
    text = await slack_ask(bot, "should I sign my replies with my name on the fire service account?", user="UFIRE")
    assert cited(text)[0] == "8.2/5.1"
    assert "Don't sign with your own name" in text and "\"Suffolk Fire and Rescue Service\"" in text
    text = await slack_ask(bot, "long term fire safety campaign who do I contact", user="UFIRE")
    assert cited(text)[0] == "8.2/5.4" and "Contact Fire Business Support first" in text
    text = await slack_ask(bot, "complaint about a fire service post", user="UFIRE")
    assert cited(text)[0] == "8.2/6.3" and "fire.businesssupport@suffolk.gov.uk" in text


async def test_slack_a_firefighters_breach_report_cites_the_appendix(bot_with_mail, smtp_server):
    bot = bot_with_mail
    told = []
    for user, secret in (("UFIRE", "Fl4meOut!2026"), ("USTAFF", "Tr0ub4dor&3xyz")):
        await bot.slack_command("/smpolicy", f"check The password for our Facebook page is {secret}", user=user)
        button = next(b for b in (el for blk in bot.slack.responses()[-1].args.get("blocks", [])
                                  if blk["type"] == "actions" for el in blk["elements"])
                      if b["text"]["text"] == "Report to Information Management")
        await bot.slack_click("security.report", value=button["value"], user=user)
        told.append(bot.slack.responses()[-1].text())
    fire, council = told
    assert "I'm emailing Information Management" in fire and "(8.2 3.1)" in fire
    assert "I'm emailing Information Management" in council and "(2.10)" in council and "8.2" not in council
    assert len(smtp_server.messages) == 2


async def test_slack_a_firefighter_checking_a_personal_post_is_told_not_to_speak_for_the_service(bot):
    await bot.slack_command("/smpolicy", "check --as personal Lovely walk along the Orwell this morning", user="UFIRE")
    said = bot.slack.responses()[-1].text()
    assert "not your job title in a way that reads as speaking for the Service" in said and "(8.2 5.5)" in said
    await bot.slack_command("/smpolicy", "check --as personal Lovely walk along the Orwell this morning",
                            user="USTAFF")
    assert "8.2 5.5" not in bot.slack.responses()[-1].text()       # council staff: not the fire service's rule


async def test_slack_a_firefighters_draft_with_a_residents_details_stops(bot):
    # 8.2 3.2: no personal data without consent; the council's own clause (3.4) is the one cited.
    await bot.slack_command("/smpolicy", "check Mrs Jane Brown of 12 Church Road, Bacton (07911 123456) has asked "
                            "for a home fire safety visit", user="UFIRE")
    said = bot.slack.responses()[-1].text()
    assert "Stop" in said and "Personal data* (3.4)" in said and "Checked as *sfrs*" in said
