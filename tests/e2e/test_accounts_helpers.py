"""Shared steps for the account, boost and register tests (no tests here): fill forms, find cards, count sends."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

ACCOUNT = {
    "platform": "facebook", "account_name": "Suffolk Highways", "service_area": "Highways", "kind": "service",
    "run_by": "council", "business_case": "Roadworks updates reach people faster than the website.",
    "strategy": "Supports the 'informed residents' aim of the channel strategy.",
    "audience": "Drivers and residents in Suffolk.", "administrators": ["USTAFF", "UOTHER"], "hours": "5",
    "monitored": "Monday to Friday, 9am to 5pm", "manager": "UMANAGER",
}

BOOST = {
    "link": "https://www.facebook.com/suffolkhighways/posts/123", "aim": "Tell drivers about the A14 closure.",
    "locations": "Ipswich and 10 miles around", "interests": "Driving", "start": date(2026, 12, 3),
    "end": date(2026, 12, 10), "amount": "£150", "budget_holder": "UBUDGET", "budget_code": "HW-4411",
}

TEAMS_COMMS_CHANNEL = "19:comms@thread.tacv2"


async def slack_request_account(bot, user="USTAFF", **changes) -> dict:
    await bot.slack_command("/smpolicy", "request-account", user=user)
    return await bot.slack_submit({**ACCOUNT, **changes}, user=user)


async def slack_request_boost(bot, user="USTAFF", **changes) -> dict:
    await bot.slack_command("/smpolicy", "boost", user=user)
    return await bot.slack_submit({**BOOST, **changes}, user=user)


async def requests(bot, kind: str | None = None):
    from storage.models.accounts import ApprovalRequest

    async with bot.svc.db.sessions() as s:
        q = select(ApprovalRequest).order_by(ApprovalRequest.id)
        if kind:
            q = q.where(ApprovalRequest.kind == kind)
        return list(await s.scalars(q))


async def only_request(bot, kind: str | None = None):
    found = await requests(bot, kind)
    assert len(found) == 1, found
    return found[0]


async def cards(bot, req_id: int, *, platform: str = "slack", channel: str | None = None, audience="approvers"):
    """Where each copy of a request's card went, newest last."""
    from storage.models.accounts import ApprovalCard

    async with bot.svc.db.sessions() as s:
        rows = list(await s.scalars(select(ApprovalCard).where(ApprovalCard.request_id == req_id)
                                    .order_by(ApprovalCard.id)))
    return [c for c in rows if c.platform == platform and c.audience == audience
            and (channel is None or c.channel == channel)]


async def slack_click_card(bot, req, verb: str, user: str, channel: str):
    """Click a button on the newest card about `req` in a Slack channel or DM (D...)."""
    card = (await cards(bot, req.id, channel=channel))[-1]
    await bot.slack_click(f"approval.{verb}", value=f"{req.id}:{card.step}", user=user, channel=channel,
                          message_ts=card.message_id)
    return card


def updates_to(bot, channel: str, ts: str) -> list:
    return [c for c in bot.slack.of("chat.update") if c.args.get("channel") == channel and c.args.get("ts") == ts]


def ephemeral_to(bot, user: str) -> str:
    """What a person was told privately: response_url replies and chat.postEphemeral."""
    said = [c.text() for c in bot.slack.calls if c.method == "response_url"
            or (c.method == "chat.postEphemeral" and c.args.get("user") == user)]
    return "\n".join(said)


async def events(bot, subject_kind: str | None = None, action: str | None = None):
    from storage.models import Event

    async with bot.svc.db.sessions() as s:
        q = select(Event).order_by(Event.id)
        if subject_kind:
            q = q.where(Event.subject_kind == subject_kind)
        if action:
            q = q.where(Event.action == action)
        return list(await s.scalars(q))


async def count(bot, model, *where) -> int:
    async with bot.svc.db.sessions() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where))


def second_services(bot):
    """Another bot process on the same database: its own engine, the same platform stand-ins."""
    from app import build_services

    return build_services(bot.settings(), bot.svc.config, bot.clock, senders=bot.svc.notifier.senders)


# --- Teams ---------------------------------------------------------------------------------------------------------

async def teams_hello(bot, *users: str) -> None:
    """People (and the comms channel) talk to the bot once, so it can message them proactively."""
    for user in users:
        await bot.teams_say("help", user=user)


async def teams_join_comms_channel(bot, user: str = "29:comms") -> None:
    await bot.teams_say("help", user=user, conversation=TEAMS_COMMS_CHANNEL, conversation_type="channel")


def teams_form_data(bot, conversation: str) -> dict:
    """The submit data of the newest form card sent into a Teams conversation."""
    for sent in reversed(bot.teams.in_conversation(conversation)):
        for att in sent.activity.get("attachments") or []:
            for act in (att.get("content") or {}).get("actions") or []:
                data = act.get("data") or {}
                if "form_id" in data:
                    return dict(data)
    raise AssertionError(f"no form card in {conversation}")


async def teams_submit(bot, user: str, values: dict, conversation: str | None = None):
    conversation = conversation or f"a:personal-{user}"
    data = teams_form_data(bot, conversation)
    typed = {}
    for key, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = ",".join(value)
        typed[key] = value
    kw = {} if conversation.startswith("a:personal-") else {"conversation": conversation,
                                                              "conversation_type": "channel"}
    return await bot.teams_click({**data, **typed}, user=user, **kw)


async def teams_click_card(bot, req, verb: str, user: str, conversation: str | None = None):
    conversation = conversation or f"a:personal-{user}"
    card = (await cards(bot, req.id, platform="teams", channel=conversation))[-1]
    kw = {} if conversation.startswith("a:personal-") else {"conversation": conversation,
                                                              "conversation_type": "channel"}
    await bot.teams_click({"action_id": f"approval.{verb}", "value": f"{req.id}:{card.step}"}, user=user,
                          reply_to=card.message_id, **kw)
    return card


def teams_said(bot, conversation: str) -> str:
    return "\n".join(s.text() for s in bot.teams.in_conversation(conversation))


def teams_updates(bot, conversation: str, activity_id: str) -> list:
    return [s for s in bot.teams.in_conversation(conversation)
            if s.method == "update" and s.activity.get("id") == activity_id]


async def approved_account(bot, user: str = "USTAFF", **changes):
    """Request an account in Slack and take it through the manager and the Communications Team."""
    before = {r.id for r in await requests(bot, "account")}
    assert await slack_request_account(bot, user=user, **changes) == {}
    req = next(r for r in await requests(bot, "account") if r.id not in before)
    await slack_click_card(bot, req, "approve", "UMANAGER", "DMANAGER")
    await slack_click_card(bot, req, "approve", "UCOMMS", "CCOMMS")
    from storage.models.accounts import SocialAccount

    async with bot.svc.db.sessions() as s:
        return await s.scalar(select(SocialAccount).where(SocialAccount.request_id == req.id))
