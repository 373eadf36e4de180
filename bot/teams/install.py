"""The app arriving in Teams (conversationUpdate): read the team's roster so everyone in it can be messaged, and
greet the team or the person once.

Teams lets a bot open a 1:1 chat with anyone in a team it is installed in, but only if it knows their Teams id
and the team's service URL and tenant. So when the bot is added to a team it reads the whole roster, a page at
a time (the connector's pagedMembers with a continuation token), and stores an identity (id, email, name) and a
conversation reference for each member; when people join later, just them. A person who never spoke to the bot
can then be sent an approval card or an FOI digest (bot/teams/sender.py opens the chat).
"""
from __future__ import annotations

import logging

from microsoft_agents.hosting.core import TurnContext

from chat.commands import typed
from chat.messages import Header, Note, Text, message
from chat.services import Services
from storage.claims import mark_sent, try_claim
from storage.identity import remember_members

from .sender import activity_of

log = logging.getLogger(__name__)

PAGE_SIZE = 500        # the most the connector gives in one page
MAX_PAGES = 400        # 200,000 people: a bound against a connector that never stops paging
WELCOME = "teams_welcome"


def team_of(act) -> str | None:
    """The team's id (its General channel's id) when the activity comes from a team."""
    data = act.channel_data if isinstance(act.channel_data, dict) else {}
    team = data.get("team") if isinstance(data.get("team"), dict) else {}
    return team.get("id") or None


def _email(member) -> str | None:
    email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
    return email if isinstance(email, str) and "@" in email else None


def _connector(context: TurnContext):
    connector = context.turn_state.get("ConnectorClient")
    return connector if connector is not None and hasattr(connector, "get_conversation_paged_member") else None


async def on_conversation_update(svc: Services, context: TurnContext) -> None:
    act = context.activity
    bot_id = act.recipient.id if act.recipient else None
    added = [m.id for m in act.members_added or [] if m.id]
    if not added:
        return
    team = team_of(act)
    reference = act.get_conversation_reference().model_dump(mode="json", by_alias=True, exclude_none=True)
    if bot_id in added:
        if team:
            await read_roster(svc, context, team, reference)
        await welcome(svc, context, team)
    elif team:
        await read_members(svc, context, team, [uid for uid in added if uid != bot_id], reference)


async def read_roster(svc: Services, context: TurnContext, team: str, reference: dict) -> int:
    """Every member of the team, page by page. Returns how many were stored."""
    connector = _connector(context)
    if connector is None:
        return 0
    token, stored = None, 0
    for _ in range(MAX_PAGES):
        try:
            page = await connector.get_conversation_paged_member(team, PAGE_SIZE, token)
        except Exception as exc:   # a roster we cannot read is not a reason to fail the install
            log.warning("Teams roster page could not be read (%s); %d members stored so far",
                        type(exc).__name__, stored)
            return stored
        members = {m.id: (m.id, _email(m), m.name, m.aad_object_id) for m in page.members or [] if m.id}
        await remember_members(svc.db, "teams", list(members.values()), reference, svc.now())
        stored += len(members)
        token = page.continuation_token
        if not token:
            break
    log.info("Teams roster read: %d members", stored)
    return stored


async def read_members(svc: Services, context: TurnContext, team: str, user_ids: list[str],
                       reference: dict) -> None:
    """People who joined a team the bot is already in."""
    connector = _connector(context)
    if connector is None:
        return
    found = []
    for uid in user_ids:
        try:
            member = await connector.get_conversation_member(team, uid)
        except Exception as exc:
            log.warning("Teams member look-up failed (%s)", type(exc).__name__)
            continue
        found.append((uid, _email(member), member.name, member.aad_object_id))
    await remember_members(svc.db, "teams", found, reference, svc.now())


def welcome_message(in_team: bool):
    teams = "teams"
    lead = ("Hello, everyone. I help council and fire-service staff and councillors use social media under "
            "the Social Media Policy." if in_team else
            "Hello. I help you use social media under the Social Media Policy.")
    how = ("Mention me with a command (for example *@smpolicy help*), or chat with me one to one."
           if in_team else "Type a command here, for example *help*.")
    return message(
        Header("Social Media Policy helper"),
        Text(lead),
        Text("*What I do*\n"
             f"• Check a draft before it goes out: *{typed('smpolicy', 'check <draft>', teams)}*, or "
             "*Is this OK to post?* in a message's ⋯ menu under Actions (4.2)\n"
             f"• Ask for a new account or a paid boost: *{typed('smpolicy', 'request-account', teams)}*, "
             f"*{typed('smpolicy', 'boost', teams)}*\n"
             f"• Forward an FOI request to Information Management the same day: *{typed('smpolicy', 'foi', teams)}*"
             " (8.1)\n"
             f"• Answer a question about the policy: *{typed('smpolicy', 'ask <question>', teams)}*"),
        Text(how),
        Note("Anything about you or your own items comes to you in a personal chat, never to a channel."),
        text="Hello: I help you use social media under the Social Media Policy",
    )


async def welcome(svc: Services, context: TurnContext, team: str | None) -> None:
    """Once per team or personal chat, however often Teams says the app was added."""
    where = context.activity.conversation.id
    if not await try_claim(svc.db, WELCOME, team or where, "", now=svc.now()):
        return
    try:
        await context.send_activity(activity_of(welcome_message(in_team=team is not None)))
    except Exception as exc:
        log.warning("Teams welcome not sent (%s)", type(exc).__name__)
        return
    await mark_sent(svc.db, WELCOME, team or where, "")
