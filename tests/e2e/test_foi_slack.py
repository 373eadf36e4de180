"""FOI end to end in Slack over real HTTP, with a real SMTP server on loopback (8.1)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models.foi import FoiCase
from tests.conftest import london

QUESTION = ("How much did the council spend on management consultants in 2025? "
            "https://www.facebook.com/council/posts/123")


def form_values(**over) -> dict:
    values = {"question": QUESTION, "source_platform": "facebook", "visibility": "public",
              "link": "https://www.facebook.com/council/posts/123", "requester_handle": "@jo.public",
              "requester_email": None, "received": date(2026, 12, 1), "kind": "foi", "owner": "USTAFF"}
    values.update(over)
    return values


async def forward(bot, text=QUESTION, user="USTAFF", **over) -> dict:
    await bot.slack_shortcut("forward_foi", text, user=user)
    return await bot.slack_submit(form_values(**over), user=user)


def told(bot, needle: str, user: str = "USTAFF") -> int:
    """How many messages to the person carry `needle`."""
    return sum(needle in c.text() for c in bot.slack.calls if c.args.get("channel") == user)


async def case(bot, ref="FOI-2026-0001") -> FoiCase:
    async with bot.svc.db.sessions() as s:
        return await s.scalar(select(FoiCase).where(FoiCase.reference == ref))


def dms(bot, user: str) -> list:
    """The daily FOI DMs a person has had (other DMs, such as "now emailed", are left out)."""
    return [c for c in bot.slack.to(user) if c.args.get("text", "").startswith("Your FOI cases")]


async def test_shortcut_opens_a_prefilled_form(bot_with_mail):
    await bot_with_mail.slack_shortcut("forward_foi", "Is the air quality on the A14 at Ipswich monitored? "
                                 "https://x.com/jo/status/9", user="USTAFF")
    view = bot_with_mail.last_view()
    assert view["callback_id"] == "foi_form"
    blocks = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert blocks["question"]["element"]["initial_value"].startswith("Is the air quality")
    assert blocks["link"]["element"]["initial_value"] == "https://x.com/jo/status/9"
    assert blocks["kind"]["element"]["initial_option"]["value"] == "eir"
    assert blocks["received"]["element"]["initial_date"] == "2026-12-01"
    assert blocks["owner"]["element"]["initial_user"] == "USTAFF"
    assert "air quality" in str(view["blocks"])     # says why EIR was suggested


async def test_the_whole_story(bot_with_mail, smtp_server):
    bot = bot_with_mail
    assert await forward(bot) == {}

    # The email reaches Information Management, copied to the Communications Team.
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert sorted(mail.rcpt_tos) == ["comms@example.gov.uk", "foi@example.gov.uk"]
    assert "[FOI-2026-0001]" in mail.message["Subject"]
    assert mail.message["Reply-To"] == "staff@example.gov.uk"
    body = mail.body
    for expected in ("Reference:     FOI-2026-0001", "management consultants", "Received:      Tuesday 1 December 2026",
                     "Due:           Thursday 31 December 2026", "Facebook, a public post or comment",
                     "https://www.facebook.com/council/posts/123", "@jo.public", "Sam Staff <staff@example.gov.uk>"):
        assert expected in body

    # The person sees the reference, the due date and both replies from 8.1, ready to copy.
    # The form is answered before the email is tried (a slow mail server never delays it); then they hear, once,
    # that it has gone.
    said = bot.slack.said_to("USTAFF")
    assert "FOI-2026-0001: saved and being emailed" in said
    assert told(bot, "FOI-2026-0001 has now been emailed to foi@example.gov.uk (8.1)") == 1
    assert said.index("saved and being emailed") < said.index("has now been emailed")
    assert "Thursday 31 December 2026" in said
    assert "Thank you for your request. Our Freedom of Information Team will be in contact with you shortly." in said
    assert "please contact foi@example.gov.uk or reply to this message" in said
    assert "Thanks for the request. Please DM us your email and we will pass that on to the FOI team" in said

    # The Communications Team and Information Management channels hear of it, without the question.
    for channel in ("CCOMMS", "CIM"):
        posts = bot.slack.to(channel)
        assert len(posts) == 1 and "FOI-2026-0001" in posts[0].text()
        assert "consultants" not in posts[0].text() and "jo.public" not in posts[0].text()

    # No digest the day it was forwarded, even if a sweep runs.
    await bot.run_sweeps(london(2026, 12, 1, 15, 0))
    assert dms(bot, "USTAFF") == []

    # 09:00 the next working day: one DM for the owner, one summary for Information Management.
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    digest = dms(bot, "USTAFF")
    assert len(digest) == 1
    # Every open case is named with its reference, due date and a Done button, even one not due for weeks (8.1).
    text = digest[0].text()
    assert "1 due later" in text and "nothing due this week" not in text
    assert "*FOI-2026-0001* · FOI · due Thu 31 Dec" in text, text
    assert [e["action_id"] for b in digest[0].args["blocks"] if b["type"] == "actions"
            for e in b["elements"]] == ["foi.done", "foi.reassign"]
    summary = bot.slack.to("CIM")[-1].text()
    assert "Open FOI cases: 1" in summary
    await bot.run_sweeps(london(2026, 12, 2, 16, 0))
    assert len(dms(bot, "USTAFF")) == 1          # once a day

    # Weeks later it is due soon: listed with its buttons.
    await bot.run_sweeps(london(2026, 12, 24, 9, 0))
    digest = dms(bot, "USTAFF")[-1]
    assert "due in 3 working days" in digest.text()
    actions = [e["action_id"] for b in digest.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["foi.done", "foi.reassign"]          # no Extend: it is not EIR

    # Done stops the reminders; a second click applies once and says who did it.
    await bot.slack_click("foi.done", value="FOI-2026-0001", user="USTAFF", channel="DSTAFF")
    assert "FOI-2026-0001* is marked done" in bot.slack.responses()[-1].text()
    await bot.slack_click("foi.done", value="FOI-2026-0001", user="USTAFF", channel="DSTAFF")
    assert "already marked done by Sam Staff at 09:00 on Thursday 24 December 2026" in bot.slack.responses()[-1].text()
    before = len(dms(bot, "USTAFF"))
    await bot.run_sweeps(london(2026, 12, 29, 9, 0))
    assert len(dms(bot, "USTAFF")) == before
    closed = await case(bot)
    assert closed.state == "closed" and closed.outcome == "answered" and closed.closed_by == "staff@example.gov.uk"


async def test_smtp_down_case_saved_retried_nothing_lost(bot_with_mail, smtp_server):
    bot = bot_with_mail
    smtp_server.go_down()
    assert await forward(bot) == {}
    said = bot.slack.said_to("USTAFF")
    assert "FOI-2026-0001: saved and being emailed" in said
    # The email is tried after the answer; its failure reaches the person with the reason, once.
    assert told(bot, "The email for FOI-2026-0001 hasn't gone yet (the mail server could not be reached)") == 1
    assert "saved as *not yet sent*" in said and "nothing is lost" in said
    # The customer replies are still offered: the person can answer the customer now.
    assert "Thank you for your request." in said
    saved = await case(bot)
    assert saved.email_state == "pending" and saved.question.startswith("How much")

    await bot.run_sweeps(london(2026, 12, 1, 10, 15))      # still down: still pending
    assert smtp_server.messages == [] and (await case(bot)).email_state == "pending"

    smtp_server.come_back()
    await bot.run_sweeps(london(2026, 12, 1, 10, 30))
    assert len(smtp_server.messages) == 1 and "FOI-2026-0001" in smtp_server.messages[0].message["Subject"]
    assert told(bot, "FOI-2026-0001 has now been emailed") == 1
    assert (await case(bot)).email_state == "sent"
    await bot.run_sweeps(london(2026, 12, 1, 10, 45))
    assert len(smtp_server.messages) == 1                     # sent once


async def test_mail_server_refusing_is_retried(bot_with_mail, smtp_server):
    smtp_server.refuse_with(451)
    await forward(bot_with_mail)
    assert "hasn't gone yet (the mail server answered 451" in bot_with_mail.slack.said_to("USTAFF")
    assert "451" in (await case(bot_with_mail)).email_error
    smtp_server.refuse_with(None)
    await bot_with_mail.run_sweeps(london(2026, 12, 1, 11, 0))
    assert len(smtp_server.messages) == 1


async def test_restart_in_the_middle(bot_with_mail, smtp_server):
    bot = bot_with_mail
    smtp_server.go_down()
    await forward(bot)
    await bot.restart()                      # the start-up sweep tries again: still down
    assert smtp_server.messages == []
    smtp_server.come_back()
    bot.clock.set(london(2026, 12, 2, 11, 30))   # the bot was down at 09:00 too
    await bot.restart()
    # The start-up sweep sends the email and catches up on the missed 09:00 digest.
    assert len(smtp_server.messages) == 1
    assert len(dms(bot, "USTAFF")) == 1 and "1 due later" in dms(bot, "USTAFF")[0].text()
    assert told(bot, "FOI-2026-0001 has now been emailed") == 1
    await bot.restart()
    await bot.run_sweeps(london(2026, 12, 2, 15, 0))
    assert len(dms(bot, "USTAFF")) == 1      # still one digest that day
    assert len(smtp_server.messages) == 1


async def test_form_errors_beside_fields(bot_with_mail):
    await bot_with_mail.slack_shortcut("forward_foi", "", user="USTAFF")
    ack = await bot_with_mail.slack_submit(form_values(question=None, requester_email="not-an-email",
                                                 received=date(2026, 12, 2), link="facebook.com/x"))
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"question", "requester_email", "received", "link"}
    assert "future" in ack["errors"]["received"]
    async with bot_with_mail.svc.db.sessions() as s:
        assert await s.scalar(select(FoiCase)) is None


async def test_weekend_receipt_and_email_given(bot_with_mail, smtp_server):
    await forward(bot_with_mail, received=date(2026, 11, 28), requester_email="Jo@Example.com", visibility="private")
    saved = await case(bot_with_mail)
    assert saved.received == date(2026, 11, 28) and saved.due == date(2026, 12, 30)   # Mon 30 Nov is St Andrew's Day
    said = bot_with_mail.slack.said_to("USTAFF")
    assert "at the email address you gave us" in said
    assert "jo@example.com" in smtp_server.messages[0].body


async def test_owner_can_be_someone_else_and_is_told(bot_with_mail):
    await forward(bot_with_mail, owner="UOTHER")
    assert (await case(bot_with_mail)).owner_email == "other@example.gov.uk"
    assert "has made you the owner of *FOI-2026-0001*" in bot_with_mail.slack.said_to("UOTHER")


async def test_double_submit_is_one_case(bot_with_mail, smtp_server):
    await forward(bot_with_mail)
    await bot_with_mail.slack_submit(form_values(), user="USTAFF")
    async with bot_with_mail.svc.db.sessions() as s:
        assert len(list(await s.scalars(select(FoiCase)))) == 1
    assert len(smtp_server.messages) == 1
    assert "You forwarded this a moment ago" in bot_with_mail.slack.said_to("USTAFF")


async def test_events_never_carry_the_question_or_requester(bot_with_mail):
    from storage.models import Event

    await forward(bot_with_mail, requester_email="jo@example.com")
    await bot_with_mail.slack_command("/smpolicy", "foi done FOI-2026-0001", user="USTAFF")
    async with bot_with_mail.svc.db.sessions() as s:
        events = list(await s.scalars(select(Event).where(Event.subject_kind == "foi_case")))
    assert [e.action for e in events] == ["created", "emailed", "closed"]
    text = str([(e.details, e.actor) for e in events])
    assert "consultants" not in text and "jo@example.com" not in text and "jo.public" not in text


async def test_daily_dm_names_every_open_case_soonest_first(bot_with_mail):
    """8.1: the owner's morning DM names each open case with its reference, due date and Done button, soonest
    due first, including one not due for weeks and one with the clock stopped (it used to say only "nothing
    due this week. Also open: 1 due later")."""
    bot = bot_with_mail
    await forward(bot, received=date(2026, 12, 1))                       # FOI-2026-0001, due 31 Dec
    await forward(bot, "How many potholes were filled in 2025?", question="How many potholes were filled in 2025?",
                  received=date(2026, 11, 20))                           # FOI-2026-0002, due sooner
    await forward(bot, "Please send me the records you hold about me.", kind="sar",
                  question="Please send me the records you hold about me.")   # FOI-2026-0003, one calendar month
    await bot.slack_command("/smpolicy", "foi clarify FOI-2026-0003", user="USTAFF")
    assert "`/smpolicy foi resume FOI-2026-0003`" in bot.slack.responses()[-1].text()
    await bot.run_sweeps(london(2026, 12, 2, 9, 0))
    (digest,) = dms(bot, "USTAFF")
    text = digest.text()
    refs = [ref for ref in ("FOI-2026-0002", "FOI-2026-0001", "FOI-2026-0003") if ref in text]
    assert refs == ["FOI-2026-0002", "FOI-2026-0001", "FOI-2026-0003"], text
    assert text.index("FOI-2026-0002") < text.index("FOI-2026-0001") < text.index("FOI-2026-0003")
    assert "clock stopped" in text and "subject access one calendar month" in text
    dones = [e["value"] for b in digest.args["blocks"] if b["type"] == "actions" for e in b["elements"]
             if e["action_id"] == "foi.done"]
    assert dones == ["FOI-2026-0002", "FOI-2026-0001", "FOI-2026-0003"]
    # `foi list` is written as Slack types it.
    await bot.slack_command("/smpolicy", "foi list", user="USTAFF")
    assert "`/smpolicy foi done REF`" in bot.slack.responses()[-1].text()


async def test_people_are_named_not_addressed(bot_with_mail):
    """The owner is shown by the name Slack gives them when the organisation file has none (issue 13: "Owner:
    bea.comms@..."), in the confirmation, the channel notices and Information Management's summary."""
    bot = bot_with_mail
    assert await forward(bot, owner="UOTHER") == {}
    said = bot.slack.said_to("USTAFF") + "\n".join(r.text() for r in bot.slack.responses())
    assert "Oz Other" in said and "other@example.gov.uk" not in said.replace("Reply-To", "")
    for channel in ("CCOMMS", "CIM"):
        assert "Oz Other" in bot.slack.to(channel)[-1].text()
    await bot.run_sweeps(london(2026, 12, 24, 9, 0))
    assert "Oz Other" in bot.slack.to("CIM")[-1].text()
