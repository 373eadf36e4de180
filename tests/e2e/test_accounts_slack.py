"""Account requests in Slack over the real HTTP path: the form, routing, the approval card, onboarding."""
from __future__ import annotations

from sqlalchemy import select

from storage.models.accounts import AccountAdmin, OnboardingItem, SocialAccount
from tests.conftest import london

from .test_accounts_helpers import (cards, ephemeral_to, events, only_request, requests, slack_click_card,
                                    slack_request_account, updates_to)


async def test_form_has_every_field_and_starts_with_the_manager(bot):
    await bot.slack_command("/smpolicy", "request-account", user="USTAFF")
    view = bot.last_view()
    ids = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert ids == ["platform", "platform_other", "account_name", "service_area", "kind", "run_by", "business_case",
                   "strategy", "audience", "administrators", "hours", "monitored", "manager"]
    manager = next(b for b in view["blocks"] if b.get("block_id") == "manager")
    assert manager["element"]["type"] == "users_select"
    assert manager["element"]["initial_user"] == "UMANAGER"
    admins = next(b for b in view["blocks"] if b.get("block_id") == "administrators")
    assert admins["element"]["type"] == "multi_users_select"
    platforms = next(b for b in view["blocks"] if b.get("block_id") == "platform")["element"]["options"]
    assert [o["value"] for o in platforms] == ["facebook", "x", "instagram", "linkedin", "youtube", "tiktok",
                                                 "threads", "other"]


async def test_errors_show_beside_each_field_and_nothing_is_filed(bot):
    ack = await slack_request_account(bot, business_case=None, administrators=[], account_name="Jo Smith",
                                      hours="lots", monitored="whenever", manager="USTAFF")
    assert ack["response_action"] == "errors"
    errors = ack["errors"]
    assert "business case" in errors["business_case"] and "(2.5)" in errors["business_case"]
    assert "at least one administrator" in errors["administrators"]
    assert "not a person" in errors["account_name"] and "(3.7)" in errors["account_name"]
    assert "(3.8)" in errors["monitored"]
    assert "number" in errors["hours"]
    assert "not yourself" in errors["manager"]
    assert await requests(bot) == []


async def test_own_name_and_titles_are_refused_as_account_names(bot):
    for name in ("Sam Staff", "Dr Patel", "Oz Other"):
        ack = await slack_request_account(bot, account_name=name)
        assert "not a person" in ack["errors"]["account_name"], name
    ack = await slack_request_account(bot, account_name="Grace Road Library")
    assert ack == {}


async def test_a_password_in_the_form_is_refused(bot):
    ack = await slack_request_account(bot, business_case="We need it. The password is hunter2")
    assert "never ask for or keep passwords (5.5)" in ack["errors"]["business_case"]
    assert await requests(bot) == []


async def test_a_partnership_account_is_out_of_scope(bot):
    ack = await slack_request_account(bot, run_by="partnership")
    assert ack == {}
    said = ephemeral_to(bot, "USTAFF")
    assert "doesn't apply" in said and "(2.6)" in said
    assert await requests(bot) == []


async def test_approval_from_manager_to_comms_to_register(bot):
    assert await slack_request_account(bot) == {}
    req = await only_request(bot)
    assert "AR-1" in ephemeral_to(bot, "USTAFF") and "Mo Manager (the line manager)" in ephemeral_to(bot, "USTAFF")
    # The manager confirms their authorisation (2.3) on the card in their DM.
    dm = (await cards(bot, req.id, channel="DMANAGER"))[-1]
    assert "Confirm authorisation" in bot.slack.said_to("UMANAGER")
    bot.clock.advance(minutes=5)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    assert "authorised by Mo Manager at 10:05 on Tuesday 1 December 2026" in updates_to(bot, "DMANAGER",
                                                                                        dm.message_id)[-1].text()
    assert "now with the Communications Team" in bot.slack.said_to("USTAFF")
    # Then the Communications Team channel (2.5).
    comms = (await cards(bot, req.id, channel="CCOMMS"))[-1]
    card_text = bot.slack.to("CCOMMS")[-1].text()
    assert "Account request AR-1: Facebook – Suffolk Highways" in card_text
    assert "Roadworks updates" in card_text and "Monday to Friday, 9am to 5pm" in card_text
    bot.clock.advance(minutes=30)
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    updated = updates_to(bot, "CCOMMS", comms.message_id)[-1]
    assert "Approved* by Cam Comms at 10:35 on Tuesday 1 December 2026" in updated.text()
    assert not any(b["type"] == "actions" for b in updated.args["blocks"])
    # The register entry and the onboarding checklist, each item citing its section.
    async with bot.svc.db.sessions() as s:
        acct = await s.scalar(select(SocialAccount))
        admins = sorted(await s.scalars(select(AccountAdmin.email)))
        items = sorted(await s.scalars(select(OnboardingItem.key)))
    assert (acct.platform, acct.name, acct.owner) == ("Facebook", "Suffolk Highways", "staff@example.gov.uk")
    assert admins == ["other@example.gov.uk", "staff@example.gov.uk"]
    assert items == ["2fa", "bio", "branding", "platform", "training"]
    told = bot.slack.said_to("USTAFF")
    for section in ("(5.2–5.4)", "(5.6)", "(2.8)", "(3.8)", "(3.7)"):
        assert section in told
    assert "was approved by Cam Comms" in told
    assert [e.action for e in await events(bot, "account_request")] == ["submitted", "step_approved", "approved"]
    assert [e.action for e in await events(bot, "social_account")] == ["registered"]


async def test_a_network_off_the_platform_registers_its_login_instead(bot):
    await slack_request_account(bot, platform="tiktok", account_name="Suffolk Libraries")
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    told = bot.slack.said_to("USTAFF")
    assert "Login registered with the Communications Team" in told and "(5.5)" in told
    assert "never ask for or keep passwords" in told
    assert "Orlo" not in told


async def test_professional_account_needs_the_head_of_communications(bot):
    await slack_request_account(bot, kind="professional", account_name="Suffolk Chief Highways Engineer")
    req = await only_request(bot)
    assert [s["key"] for s in req.steps] == ["manager", "head"]
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    assert "(3.7)" in bot.slack.said_to("UHEAD")
    # The Communications Team is not the head of communications.
    await bot.slack_click("approval.approve", value=f"{req.id}:1", user="UCOMMS", channel="DHEAD")
    assert "Only the head of communications" in ephemeral_to(bot, "UCOMMS")
    await slack_click_card(bot, req, "approve", "UHEAD", "DHEAD")
    assert (await only_request(bot)).state == "approved"
    assert "professional account" in bot.slack.said_to("USTAFF")


async def test_only_people_in_the_role_may_act_and_never_on_their_own_request(bot):
    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UOTHER", "DMANAGER")   # not the manager
    assert "Only Mo Manager (the line manager)" in ephemeral_to(bot, "UOTHER")
    await slack_click_card(bot, req, "approve", "USTAFF", "DMANAGER")   # the requester
    assert "can't decide your own request" in ephemeral_to(bot, "USTAFF")
    assert (await only_request(bot)).step == 0
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    await slack_click_card(bot, req, "reject", "UOTHER", "CCOMMS")       # not in the Communications Team
    assert "Only the Communications Team can decide this step (2.5)" in ephemeral_to(bot, "UOTHER")
    assert not bot.slack.of("views.open")[1:]  # no reason form opened for them
    assert (await only_request(bot)).state == "pending"


async def test_comms_member_cannot_approve_their_own_request(bot):
    await slack_request_account(bot, user="UCOMMS2", manager="UMANAGER", administrators=["UCOMMS2"],
                                account_name="Suffolk News")
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    await slack_click_card(bot, req, "approve", "UCOMMS2", "CCOMMS")
    assert "can't decide your own request" in ephemeral_to(bot, "UCOMMS2")
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    assert (await only_request(bot)).state == "approved"


async def test_double_click_is_applied_once_and_the_later_clicker_is_told_who(bot):
    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    assert "You already authorised this at 10:00 on Tuesday 1 December 2026" in ephemeral_to(bot, "UMANAGER")
    bot.clock.advance(minutes=1)
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    await slack_click_card(bot, req, "approve", "UCOMMS2", "CCOMMS")
    assert "Cam Comms already approved this at 10:01" in ephemeral_to(bot, "UCOMMS2")
    assert len(await events(bot, "account_request", "approved")) == 1
    async with bot.svc.db.sessions() as s:
        assert len(list(await s.scalars(select(SocialAccount)))) == 1


async def test_concurrent_clicks_by_two_approvers_apply_once(bot):
    import asyncio

    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    card = (await cards(bot, req.id, channel="CCOMMS"))[-1]
    await asyncio.gather(*(bot.slack_click("approval.approve", value=f"{req.id}:1", user=u, channel="CCOMMS",
                                           message_ts=card.message_id, settle=False) for u in ("UCOMMS", "UCOMMS2")))
    await bot.settle()
    assert len(await events(bot, "account_request", "approved")) == 1
    assert "already approved this" in ephemeral_to(bot, "UCOMMS") + ephemeral_to(bot, "UCOMMS2")


async def test_rejection_needs_a_reason_and_tells_the_requester(bot):
    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    card = await slack_click_card(bot, req, "reject", "UCOMMS", "CCOMMS")
    view = bot.last_view()
    assert view["callback_id"] == "approval_reject"
    ack = await bot.slack_submit({"reason": None}, user="UCOMMS")
    assert ack["response_action"] == "errors" and "reason" in ack["errors"]
    assert (await only_request(bot)).state == "pending"
    ack = await bot.slack_submit({"reason": "We already post roadworks on the main council page."}, user="UCOMMS")
    assert ack == {}
    assert (await only_request(bot)).state == "rejected"
    assert "Rejected* by Cam Comms at 10:00" in updates_to(bot, "CCOMMS", card.message_id)[-1].text()
    told = bot.slack.said_to("USTAFF")
    assert "was not approved" in told and "We already post roadworks" in told and "(2.5)" in told
    # A stale approve on the same card now says who rejected it.
    await bot.slack_click("approval.approve", value=f"{req.id}:1", user="UCOMMS2", channel="CCOMMS",
                          message_ts=card.message_id)
    assert "Cam Comms already rejected this" in ephemeral_to(bot, "UCOMMS2")


async def test_more_information_loop_returns_the_request_to_the_approvers(bot):
    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    first = await slack_click_card(bot, req, "ask", "UCOMMS", "CCOMMS")
    assert bot.last_view()["callback_id"] == "approval_ask"
    await bot.slack_submit({"question": "Who covers the account when you are on leave?"}, user="UCOMMS")
    assert (await only_request(bot)).state == "info_requested"
    assert "asked for more information" in updates_to(bot, "CCOMMS", first.message_id)[-1].text()
    assert "Who covers the account" in bot.slack.said_to("USTAFF")
    # Only the requester may answer; an approver clicking now is told what is happening.
    await bot.slack_click("approval.approve", value=f"{req.id}:1", user="UCOMMS2", channel="CCOMMS",
                          message_ts=first.message_id)
    assert "asked the requester for more information" in ephemeral_to(bot, "UCOMMS2")
    await bot.slack_click("approval.answer", value=str(req.id), user="UOTHER", channel="DSTAFF")
    assert "Only the person who made the request" in ephemeral_to(bot, "UOTHER")
    bot.clock.advance(hours=1)
    await bot.slack_click("approval.answer", value=str(req.id), user="USTAFF", channel="DSTAFF")
    assert bot.last_view()["callback_id"] == "approval_answer"
    await bot.slack_submit({"answer": "Oz Other, the second administrator."}, user="USTAFF")
    req = await only_request(bot)
    assert req.state == "pending" and req.step == 1
    newest = (await cards(bot, req.id, channel="CCOMMS"))[-1]
    assert newest.message_id != first.message_id
    # One live card per request: the first loses its buttons when the answer comes back on the new one.
    old = updates_to(bot, "CCOMMS", first.message_id)[-1]
    assert not [b for b in old.args["blocks"] if b["type"] == "actions"], old.args["blocks"]
    assert [c.message_id for c in await cards(bot, req.id, channel="CCOMMS")] == [newest.message_id]
    text = bot.slack.to("CCOMMS")[-1].text()
    assert "Who covers the account" in text and "Oz Other, the second administrator." in text
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    assert (await only_request(bot)).state == "approved"
    assert [e.action for e in await events(bot, "account_request")] == [
        "submitted", "step_approved", "info_requested", "info_given", "approved"]


async def test_restart_in_the_middle_loses_nothing(bot):
    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    await bot.restart()
    comms = await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    assert "Approved* by Cam Comms" in updates_to(bot, "CCOMMS", comms.message_id)[-1].text()
    assert (await only_request(bot)).state == "approved"
    await bot.restart()
    await bot.slack_command("/smpolicy", "status", user="USTAFF")
    assert "AR-1" in ephemeral_to(bot, "USTAFF") and "approved by Cam Comms" in ephemeral_to(bot, "USTAFF")


async def test_status_shows_where_each_request_stands(bot):
    await bot.slack_command("/smpolicy", "status", user="USTAFF")
    assert "You have no account or boost requests" in ephemeral_to(bot, "USTAFF")
    await slack_request_account(bot)
    await slack_request_account(bot, account_name="Suffolk Libraries", platform="instagram")
    await bot.slack_command("/smpolicy", "status", user="USTAFF")
    said = bot.slack.responses()[-1].text()
    assert "AR-1" in said and "AR-2" in said
    assert "waiting for Mo Manager (the line manager) (2.3) since 10:00 on Tuesday 1 December 2026" in said


async def test_a_duplicate_account_name_is_refused(bot):
    await slack_request_account(bot)
    ack = await slack_request_account(bot)
    assert "already waiting (AR-1)" in ack["errors"]["account_name"]


async def test_onboarding_items_are_ticked_once_and_the_checklist_completes(bot):
    await slack_request_account(bot)
    req = await only_request(bot)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    async with bot.svc.db.sessions() as s:
        acct = await s.scalar(select(SocialAccount))
    await bot.slack_click("onboarding.done", value=f"{acct.id}:2fa", user="UCOMMS2", channel="DSTAFF")
    for key in ("platform", "2fa", "training", "bio", "branding"):
        await bot.slack_click("onboarding.done", value=f"{acct.id}:{key}", user="USTAFF", channel="DSTAFF")
    assert "already ticked" in ephemeral_to(bot, "USTAFF")   # 2fa was ticked by the Communications Team
    await bot.slack_click("onboarding.done", value=f"{acct.id}:2fa", user="ULEAD", channel="DLEAD")
    assert "Only the account's owner" in ephemeral_to(bot, "ULEAD")
    async with bot.svc.db.sessions() as s:
        acct = await s.get(SocialAccount, acct.id)
    assert acct.onboarded_at is not None
    assert [e.action for e in await events(bot, "social_account")].count("onboarded") == 1
    # Finished checklists are not chased.
    bot.slack.clear()
    await bot.run_sweeps(london(2026, 12, 7, 9, 5))
    assert "Onboarding" not in bot.slack.said_to("USTAFF")
