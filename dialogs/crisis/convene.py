"""Convening the Crisis Management Group (§4.3): room, group, card, listening response, STOP, checklists.

Order matters for speed and for safety: the STOP messages are queued in the outbox with the crisis itself and
go out while the room, its card and its members are made (the group can start talking), then the room's other
posts follow, and the starter gets one summary at the end naming anyone who could not be brought in and why.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chat.messages import Header, Message, MessageRef, PersonRef, Text, message
from chat.platforms import SendError
from chat.replies import DirectMessage, Ephemeral
from chat.services import Services
from storage import outbox as outbox_store

from . import messages, store
from .messages import SECTION
from .people import account_administrators, follows, name_of, register_ids
from .rules import Wanted, comms_candidates, group_for, is_comms, slug, unique

log = logging.getLogger(__name__)
STOP_SENT = "crisis.stop_sent"   # the outbox receipt that puts each STOP message on the timeline as it goes

DEFAULT_CHECKIN_MINUTES = 120
PLATFORM_NAMES = {"slack": "Slack", "teams": "Teams"}


@dataclass
class StartRequest:
    accounts: list[dict]                      # [{"key": str | None, "name": str}]
    summary: str
    indicators: list[str] | None = None       # None when started straight from the command
    link: str | None = None
    administrators: list[str] = field(default_factory=list)   # emails from the form


@dataclass
class Outcome:
    """What convening did, for the starter's summary."""
    room_note: str = ""
    added: list[str] = field(default_factory=list)
    not_added: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    not_stopped: list[str] = field(default_factory=list)
    posted: list[str] = field(default_factory=list)


def first_evening(svc: Services, now: datetime) -> datetime:
    """When to ask "does the group work on tonight?": today at the end of working hours, or now if later."""
    local = now.astimezone(svc.config.tz)
    end_of_day = datetime.combine(local.date(), svc.config.work_end, svc.config.tz)
    return max(now, end_of_day)


async def already_active(svc: Services, accounts: list[dict]):
    wanted = set(store.open_keys(accounts))
    for crisis in await store.active(svc.db):
        if wanted & set(store.open_keys(crisis.accounts)):
            return crisis
    return None


async def refuse_at_once(svc: Services, user: PersonRef, req: StartRequest) -> Ephemeral | None:
    """Why this crisis cannot be started (no chat platform; one already active on the account), answered before
    anything is queued; None when convening may go ahead. Convening checks again: two people can race."""
    platform = user.platform if svc.notifier.connected(user.platform) else None
    if platform is None:
        return Ephemeral(message(Text("Crisis rooms can only be started from Slack or Teams.")))
    existing = await already_active(svc, req.accounts)
    return _already(svc, existing, platform) if existing is not None else None


async def convene(svc: Services, user: PersonRef, req: StartRequest) -> list:
    """Start a crisis for `user` on their platform. Returns the replies for the starter."""
    refusal = await refuse_at_once(svc, user, req)
    if refusal is not None:
        return [refusal]
    platform = user.platform
    now = svc.now()
    starter = user.email or f"{platform}:{user.user_id}"
    keys = [a["key"] for a in req.accounts if a.get("key")]
    admins = list(req.administrators)
    for account in req.accounts:
        account["register_ids"] = await register_ids(svc, account)
        admins.extend(await account_administrators(svc, account))
    admins = unique([a.lower() for a in admins if a])
    room_name = f"crisis-{now.astimezone(svc.config.tz):%Y%m%d}-{slug(keys[0] if keys else req.accounts[0]['name'])}"
    starter_name = await name_of(svc, user.email) if user.email else (user.name or "someone")

    async def stop_posting(session, crisis) -> None:   # queued with the crisis: it goes even if the room fails
        await queue_stop(svc, session, crisis, starter_name)

    crisis = await store.create(
        svc.db, now, then=stop_posting, platform=platform, room_name=room_name, accounts=req.accounts,
        summary=req.summary, indicators=req.indicators, link=req.link, started_by=starter, starter_user=user.user_id,
        administrators=admins, checkin_minutes=DEFAULT_CHECKIN_MINUTES,
        next_checkin_at=now + timedelta(minutes=DEFAULT_CHECKIN_MINUTES), evening_prompt_at=first_evening(svc, now))
    if crisis is None:  # someone else declared it a moment ago
        existing = await already_active(svc, req.accounts)
        return [_already(svc, existing, platform)] if existing else [Ephemeral(message(Text(
            "Someone has just started a crisis on that account. `" + messages.cmd(platform, "list") + "` shows it.")))]
    outcome = Outcome()
    card = messages.crisis_card(crisis, svc.config.tz, starter=starter_name, approver=None)
    stopping = asyncio.ensure_future(svc.outbox.send_queued())   # the STOP messages go while the room is made
    room = await _open_room(svc, crisis, card, outcome)
    if room is not None:
        await _bring_in_group(svc, crisis, user, starter, outcome)
        await _room_posts(svc, crisis, outcome)
    else:
        await _fallback_to_starter(svc, crisis, user, card, outcome)
    await stopping
    await _who_was_stopped(svc, crisis, outcome)
    return [DirectMessage(user, _summary(crisis, outcome))]


def _already(svc: Services, existing, platform: str) -> Ephemeral:
    return Ephemeral(message(Text(
        f"There is already an active crisis on {messages.account_names(existing)} (crisis {existing.id}, started "
        f"{messages.when(existing.started_at, svc.config.tz)}): {messages.room_label(existing)}. Rather than start "
        f"another, add what you have seen there with `{messages.cmd(platform, 'note <text>')}`, or ask the group "
        f"to add you.")))


async def _open_room(svc: Services, crisis, card: Message, outcome: Outcome):
    parent = svc.config.channel("crisis_team", crisis.platform) if crisis.platform == "teams" else None
    try:
        room = await svc.notifier.create_room(crisis.platform, crisis.room_name, private=True, parent=parent,
                                              intro=card)
    except SendError as exc:
        outcome.room_note = f"I could not create the crisis room: {exc.reason}."
        await store.record(svc.db, svc.now(), "system", crisis.id, "room_failed", reason=exc.reason)
        return None
    crisis.room_id, crisis.room_name, crisis.card_id = room.id, room.name, room.intro_id
    await store.set_fields(svc.db, crisis.id, room_id=room.id, room_name=room.name, card_id=room.intro_id)
    await store.record(svc.db, svc.now(), "system", crisis.id, "room_created", room=room.name)
    if room.intro_id:
        try:
            await svc.notifier.pin(MessageRef(crisis.platform, room.id, room.intro_id))
        except SendError as exc:
            log.warning("could not pin the crisis card: %s", exc.reason)
    outcome.room_note = (f"Created the private channel {messages.room_label(crisis)} and pinned the crisis card."
                         if crisis.platform == "slack" else
                         f"Started the crisis thread *{crisis.room_name}* in the crisis team's channel, opening "
                         "with the crisis card.")
    return room


async def _user_id(svc: Services, email: str, platform: str) -> str | None:
    try:
        return await svc.directory.user_id_on(email, platform)
    except Exception:
        log.exception("looking up %s failed", platform)
        return None


def _no_account_reason(platform: str) -> str:
    if platform == "teams":
        return ("the bot doesn't know them in Teams yet (they have never messaged it), so it could not @mention "
                "them; share the thread with them")
    return f"the bot could not find a {PLATFORM_NAMES.get(platform, platform)} account for their email address"


async def _bring_in_group(svc: Services, crisis, user: PersonRef, starter: str, outcome: Outcome) -> None:
    """Invite the starter, their manager, the service lead and councillor, and one Communications Team member."""
    platform, now = crisis.platform, svc.now()
    wanted = group_for(svc.config, user.email, [a["key"] for a in crisis.accounts if a.get("key")])
    if not user.email:
        wanted.insert(0, Wanted(starter, "starter"))
    # Someone already in the group may be the Communications Team member (a Comms officer raising it).
    has_comms = any(is_comms(svc.config, w.email) for w in wanted)
    roster = [] if has_comms else [e for e in comms_candidates(svc.config) if e not in {w.email for w in wanted}]
    emails = [w.email for w in wanted] + roster
    found = await asyncio.gather(*(_user_id(svc, e, platform) for e in emails))
    ids = dict(zip(emails, found))
    if user.user_id and user.platform == platform:
        ids[starter] = user.user_id

    # One Communications Team member: the first on the roster the platform can reach.
    comms_pick = next((e for e in roster if ids.get(e)), None)
    members = wanted + ([Wanted(comms_pick, "comms")] if comms_pick else [])
    note = (f"you're in the Crisis Management Group for crisis {crisis.id} ({messages.account_names(crisis)}, "
            f"{SECTION}). Please read the card at the top of this thread.")
    failed = await _invite(svc, crisis, [ids[m.email] for m in members if ids.get(m.email)], note)
    tried = {comms_pick} if comms_pick else set()
    # If the roster's first choice could not be added, try the next one so the group still has Comms in it.
    while comms_pick and ids[comms_pick] in failed:
        comms_pick = next((e for e in roster if ids.get(e) and e not in tried), None)
        if comms_pick is None:
            break
        tried.add(comms_pick)
        members.append(Wanted(comms_pick, "comms"))
        failed.update(await _invite(svc, crisis, [ids[comms_pick]], note))
    if not has_comms and not any(m.role == "comms" and ids.get(m.email) not in failed for m in members):
        reason = "; ".join(f"{e}: {failed.get(ids.get(e), _no_account_reason(platform))}" for e in roster) \
            or "nobody is on the crisis roster in the organisation file"
        outcome.not_added.append(f"No one from the Communications Team ({reason}). Please phone them.")
    for m in members:
        name = await name_of(svc, m.email) if "@" in m.email else (user.name or m.email)
        uid = ids.get(m.email)
        reason = _no_account_reason(platform) if not uid else failed.get(uid)
        label = f"{name} ({messages.ROLE_LABELS.get(m.role, m.role)})"
        await store.put_member(svc.db, crisis.id, now, "system", person=m.email, name=name, role=m.role,
                              status="failed" if reason else "in_room", user_id=uid, reason=reason)
        if reason:
            outcome.not_added.append(f"{label}: {reason}")
        else:
            outcome.added.append(label)


async def _invite(svc: Services, crisis, user_ids: list[str], note: str) -> dict[str, str]:
    if not user_ids:
        return {}
    try:
        return await svc.notifier.invite(crisis.platform, crisis.room_id, user_ids, note)
    except SendError as exc:
        return {u: exc.reason for u in user_ids}


async def _post(svc: Services, crisis, msg: Message) -> str | None:
    refs = await svc.notifier.post(crisis.room_id, msg, platform=crisis.platform)
    return refs[0].message_id if refs else None


async def _room_posts(svc: Services, crisis, outcome: Outcome) -> None:
    try:
        await _post(svc, crisis, messages.listening_message(crisis))
        await _post(svc, crisis, messages.information_message(crisis))
        checklist_id = await _post(svc, crisis, messages.checklist_card(crisis, {}, svc.config.tz))
        await store.set_fields(svc.db, crisis.id, checklist_id=checklist_id)
        outcome.posted.append("the listening response (ready to copy), what to gather while listening, and "
                              "the response checklist for the group to tick")
    except SendError as exc:
        outcome.posted.append(f"not everything could be posted in the room: {exc.reason}")


def _stop_key(crisis, email: str) -> str:
    return f"crisis:{crisis.id}:stop:{email}"


async def queue_stop(svc: Services, session, crisis, starter: str, only: list[str] | None = None) -> None:
    """In the transaction that starts the crisis: a DM to everyone who administers an affected account to STOP
    posting, once each, through the outbox (so a crash loses none and a re-run repeats none). A STOP that can
    never be delivered is reported to the starter."""
    msg = messages.stop_message(crisis, starter)
    for email in crisis.administrators if only is None else only:
        await svc.outbox.dm(session, email, msg, key=_stop_key(crisis, email), about="the STOP message",
                            notify=crisis.started_by if "@" in crisis.started_by else None,
                            receipt=STOP_SENT, receipt_args={"crisis": crisis.id, "person": email})


async def stop_new_administrators(svc: Services, session, account_id: int, emails: list[str]) -> None:
    """In the transaction that gives people access to a register entry: if a crisis is on that entry, each of them
    is told to STOP at once, joins the crisis's list (so they are told when posting may resume), once each (§4.3)."""
    for crisis in await store.active_in(session):
        if not follows(crisis, account_id):
            continue
        new = [e.lower() for e in emails if e and e.lower() not in crisis.administrators]
        if not new:
            continue
        crisis.administrators = [*crisis.administrators, *new]
        await session.flush()
        await store.log(session, svc.now(), "system", crisis.id, "administrators_added", people=new,
                        register_account=account_id)
        await queue_stop(svc, session, crisis, await name_of(svc, crisis.started_by), only=new)


async def stop_sent(svc: Services, session, args: dict, ref) -> None:
    """The outbox's receipt for a STOP message: the timeline shows who was told, when."""
    await store.log(session, svc.now(), "system", args["crisis"], "stop_sent", person=args["person"])


async def _who_was_stopped(svc: Services, crisis, outcome: Outcome) -> None:
    """For the starter's summary: whom the STOP messages reached by now, and whom they could not."""
    for email in crisis.administrators:
        state, error = await outbox_store.state_of(svc.db, _stop_key(crisis, email))
        name = await name_of(svc, email)
        if state == "sent":
            outcome.stopped.append(name)
        elif state == "failed":
            outcome.not_stopped.append(f"{name}: {error}")
        else:
            outcome.not_stopped.append(f"{name}: not yet ({error or 'waiting its turn'}); I'll keep trying and "
                                       "tell you if it cannot be delivered")


async def _fallback_to_starter(svc: Services, crisis, user: PersonRef, card: Message, outcome: Outcome) -> None:
    """No room: the starter's own chat becomes the crisis's conversation, so nothing of §4.3 is lost."""
    try:
        ref = await svc.notifier.dm(user, card)
    except SendError:
        ref = None
    if ref is not None:
        crisis.room_id, crisis.card_id = ref.channel, ref.message_id
        await store.set_fields(svc.db, crisis.id, room_id=ref.channel, card_id=ref.message_id)
        outcome.room_note += " I've put the crisis card and checklists in this chat instead."
        await _room_posts(svc, crisis, outcome)
    outcome.not_added.append("Everyone in the group: there is no room to add them to. Please contact your manager "
                             "and the Communications Team directly.")


def _summary(crisis, outcome: Outcome) -> Message:
    lines = [outcome.room_note]
    if outcome.added:
        lines.append(f"*In the group:* {', '.join(outcome.added)}.")
    if outcome.not_added:
        lines.append("*Could not be added* (please bring them in another way):\n"
                     + "\n".join(f"• {x}" for x in outcome.not_added))
    if outcome.stopped:
        lines.append(f"*Told to STOP posting:* {', '.join(outcome.stopped)}.")
    if outcome.not_stopped:
        lines.append("*Could not be told to stop* (please phone them):\n"
                     + "\n".join(f"• {x}" for x in outcome.not_stopped))
    if not crisis.administrators:
        lines.append("*Nobody is listed as administering the account*, so nobody was told to stop. Make sure "
                     "whoever posts on it knows.")
    lines.extend(f"Posted {p}." for p in outcome.posted)
    return message(
        Header(f"Crisis {crisis.id} started: {messages.account_names(crisis)}"),
        Text("\n".join(lines)),
        Text(f"*Next* ({SECTION}): post the listening response once and then stop posting; the group should appoint "
             f"one approver for every post with `{messages.cmd(crisis.platform, 'approver @person')}`."),
        text=f"Crisis {crisis.id} started: {messages.account_names(crisis)}")
