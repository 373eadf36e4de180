"""The foundation over real HTTP: help in Slack and Teams, signatures, health, restart."""
from __future__ import annotations

import time

from tests.conftest import london


async def test_slack_help_lists_every_command(bot):
    resp = await bot.slack_command("/smpolicy", "help")
    assert resp.status == 200
    reply = bot.slack.responses()[-1]
    assert reply.args["response_type"] == "ephemeral"
    assert "/smpolicy help" in reply.text()
    assert "/crisis help" in reply.text()


async def test_unknown_subcommand_gets_did_you_mean_and_help(bot):
    await bot.slack_command("/smpolicy", "hlep")
    text = bot.slack.responses()[-1].text()
    assert "I don't know `/smpolicy hlep`" in text
    assert "Did you mean `/smpolicy help`?" in text
    assert "What I can do" in text


async def test_bad_signature_is_refused_and_nothing_happens(bot):
    resp = await bot.slack_command("/smpolicy", "help", signature="v0=" + "0" * 64)
    assert resp.status == 401
    assert bot.slack.responses() == []


async def test_stale_signature_is_refused(bot):
    resp = await bot.slack_command("/smpolicy", "help", timestamp=int(time.time()) - 60 * 10)
    assert resp.status == 401
    assert bot.slack.responses() == []


async def test_teams_help_in_personal_chat(bot):
    status, _ = await bot.teams_say("help")
    assert status in (200, 202)
    said = bot.teams_to("29:staff")
    assert "What I can do" in said
    assert "crisis help" in said


async def test_teams_unknown_command_suggests(bot):
    await bot.teams_say("hepl")
    said = bot.teams_to("29:staff")
    assert "Did you mean **help**?" in said and "`" not in said   # no code spans in cards


async def test_teams_learns_email_from_roster(bot):
    await bot.teams_say("help", user="29:im")
    from storage.identity import identities_by_email

    async with bot.svc.db.sessions() as session:
        rows = await identities_by_email(session, "im@example.gov.uk")
    assert [(r.platform, r.user_id) for r in rows] == [("teams", "29:im")]


async def test_healthz_is_cheap_and_readyz_reports_each_part(bot):
    live = await (await bot.http.get(bot.url + "/healthz")).json()
    assert live["status"] == "ok" and live["slack"] == {"mode": "http"}
    resp = await bot.http.get(bot.url + "/readyz")
    body = await resp.json()
    assert resp.status == 200, body
    assert body["status"] == "ready" and body["reasons"] == []
    assert body["database"] == "reachable"
    assert body["migrations"] == "current"
    assert body["scheduler"] == "running"
    assert body["slack"] == {"mode": "http"}
    assert body["teams"] == {"mode": "anonymous"}


async def test_notifier_sends_a_claimed_reminder_once(bot):
    from chat.messages import Message

    svc = bot.svc
    first = await svc.notifier.dm("staff@example.gov.uk", Message("hello"), claim=("test", "item-1", "2026-12-01"))
    second = await svc.notifier.dm("staff@example.gov.uk", Message("hello"), claim=("test", "item-1", "2026-12-01"))
    assert first is not None and second is None
    assert len(bot.slack.to("USTAFF")) == 1


async def test_rate_limited_send_is_retried_after_retry_after(bot):
    from chat.messages import Message

    bot.slack.rate_limit_once.add("chat.postMessage")
    await bot.svc.notifier.dm("staff@example.gov.uk", Message("after the wait"))
    assert bot.slack.of("chat.postMessage:429")
    assert "after the wait" in bot.slack.said_to("USTAFF")


async def test_teams_asking_the_bot_to_slow_down_is_waited_out_for_its_retry_after_and_sent_once(bot):
    """The Bot Connector answers 429 with Retry-After: 7. The message waits those 7 seconds (not the outbox's own
    30-second back-off), then goes exactly once."""
    from chat.messages import Message, PersonRef
    from chat.outbox import collecting

    await bot.teams_say("help", user="29:staff")      # their personal chat with the bot exists
    bot.teams.clear()
    bot.teams.throttled, bot.teams.retry_after = 1, 7
    with collecting():
        async with bot.svc.db.transaction() as session:
            await bot.svc.outbox.dm(session, PersonRef("teams", "29:staff"), Message("after the wait"), key="slow")
    assert await bot.svc.outbox.drain() == 0
    assert [r for r in bot.teams.requests if r.startswith("429 ")] != []
    assert bot.teams.sent == []                       # nothing reached them, not even the SDK's "Exception caught"
    bot.clock.advance(seconds=6)
    assert await bot.svc.outbox.drain() == 0          # not yet: Teams said 7 seconds
    bot.clock.advance(seconds=1)
    assert await bot.svc.outbox.drain() == 1
    assert await bot.svc.outbox.drain() == 0
    assert len([s for s in bot.teams.sent if "after the wait" in s.text()]) == 1


async def test_a_teams_answer_held_back_by_a_rate_limit_arrives_after_the_wait_once(bot):
    await bot.teams_say("help", user="29:staff")
    bot.teams.clear()
    bot.teams.throttled, bot.teams.retry_after = 1, 7
    await bot.teams_say("help", user="29:staff")
    assert bot.teams.sent == [] and await bot.svc.outbox.drain() == 0
    bot.clock.advance(seconds=7)
    assert await bot.svc.outbox.drain() == 1
    assert [s.text().splitlines()[0] for s in bot.teams.sent] == ["**What I can do**"]


async def test_restart_keeps_identities(bot):
    await bot.slack_command("/smpolicy", "help", user="UIM")
    await bot.restart()
    from storage.identity import identities_by_email

    async with bot.svc.db.sessions() as session:
        rows = await identities_by_email(session, "im@example.gov.uk")
    assert rows and rows[0].user_id == "UIM"


async def test_teams_channel_never_spoken_in_gets_a_new_thread_that_can_be_updated(bot):
    from chat.messages import Message

    await bot.teams_say("help", user="29:comms")       # the bot knows the tenant's service URL from here
    refs = await bot.svc.notifier.post("comms_team", Message("A card for the team"), platform="teams")
    assert len(refs) == 1
    created = bot.teams.created[-1]
    assert created["channelData"]["channel"] == {"id": "19:comms@thread.tacv2"}
    # The card is the thread's first message, sent once.
    assert [s.method for s in bot.teams.sent if "A card for the team" in s.text()] == ["create"]
    await bot.svc.notifier.update(refs[0], Message("Decided by Cam Comms"))
    updated = [s for s in bot.teams.sent if s.method == "update"]
    assert updated and updated[-1].conversation == refs[0].channel
    assert "Decided by Cam Comms" in updated[-1].text()


async def test_a_post_fails_on_one_platform_but_the_other_copy_is_kept(bot):
    from chat.messages import Message

    bot.slack.fail_methods["chat.postMessage"] = "channel_not_found"
    await bot.teams_say("help", user="29:comms")
    refs = await bot.svc.notifier.post("comms_team", Message("Both platforms, please"))
    assert [r.platform for r in refs] == ["teams"]


async def test_teams_mentions_of_people_arrive_as_email_addresses(bot):
    from chat.messages import Text, message
    from chat.registry import Command
    from chat.replies import Ephemeral

    seen = {}

    async def echo(svc, inv):
        seen["args"] = inv.args
        return Ephemeral(message(Text("ok")))

    registry = bot.svc.registry
    registry.commands[("smpolicy", "echo-test")] = Command("smpolicy", "echo-test", "test only", "echo-test", echo)
    try:
        activity = bot.teams_activity(
            "29:comms", conversation="19:comms@thread.tacv2;messageid=1", conversation_type="channel",
            text="<at>smpolicy</at> echo-test <at>Oz Other</at> please",
            entities=[{"type": "mention", "mentioned": {"id": "28:smpolicy-bot", "name": "smpolicy"},
                       "text": "<at>smpolicy</at>"},
                      {"type": "mention", "mentioned": {"id": "29:other", "name": "Oz Other"},
                       "text": "<at>Oz Other</at>"}])
        await bot.teams_post(activity)
    finally:
        del registry.commands[("smpolicy", "echo-test")]
    assert seen["args"] == "other@example.gov.uk please"
