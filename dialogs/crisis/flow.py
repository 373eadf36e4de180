"""While a crisis runs (§4.3): one approver, the response checklist, the timeline, the group's membership.

"It is also helpful to appoint one person as the approver for all messages to be posted on the social media
account during the crisis period." and "It is also necessary to review membership of the Crisis Management
Group throughout the period of activity."
"""
from __future__ import annotations

import json
from datetime import timedelta

from chat.errors import BadInput
from chat.messages import PersonRef, Text, message
from chat.platforms import SendError
from chat.replies import Ephemeral, OpenForm
from chat.services import Services
from chat.workdays import working_calendar

from . import messages, room, rules, schedule, store
from .people import name_of, person_in
from .rules import person_key


def _done(text: str) -> Ephemeral:
    return Ephemeral(message(Text(text)))


async def set_approver(svc: Services, crisis, actor: str | None, platform: str, rest: str):
    await room.require_group(svc, crisis, actor, "appoint the approver")
    if not rest:
        raise BadInput(f"Who should approve every post? `{messages.cmd(platform, 'approver @person')}`.")
    email, ref = await person_in(svc, platform, rest)
    previous = crisis.approver
    if previous == email:
        return _done(f"{await name_of(svc, email)} is already the approver for crisis {crisis.id}.")
    changed = await store.change_active(svc.db, crisis.id, svc.now(), actor, "approver_set",
                                       {"approver": email, "previous": previous}, approver=email)
    if not changed:
        raise BadInput(f"Crisis {crisis.id} has just ended; nothing was changed.")
    name = await name_of(svc, email)
    joined = await _ensure_in_group(svc, crisis, email, ref, actor, role="approver")
    await room.refresh_card(svc, crisis)
    await room.say(svc, crisis, message(Text(
        f"*{name} is now the one approver for every post on {messages.account_names(crisis)}* ({messages.SECTION}), "
        f"appointed by {await name_of(svc, actor)}. Nothing goes out without their say-so.")))
    extra = "" if joined is None else f" {joined}"
    return _done(f"Done: {name} approves every post for crisis {crisis.id}.{extra}")


async def _group_change(svc: Services, crisis, actor: str | None, platform: str, rest: str, question: str,
                        example: str):
    """The person a group change names, once the actor is found to be in the group: (email, PersonRef)."""
    await room.require_group(svc, crisis, actor, "change who is in the group")
    if not rest:
        raise BadInput(f"{question} `{messages.cmd(platform, example)}`.")
    return await person_in(svc, platform, rest)


async def add_person(svc: Services, crisis, actor: str | None, platform: str, rest: str):
    email, ref = await _group_change(svc, crisis, actor, platform, rest, "Who should join?", "add @person")
    problem = await _ensure_in_group(svc, crisis, email, ref, actor, role="added", force=True)
    name = await name_of(svc, email)
    if problem:
        return _done(f"I could not add {name}: {problem}")
    await room.say(svc, crisis, message(Text(f"{name} has joined the Crisis Management Group, added by "
                                             f"{await name_of(svc, actor)}.")))
    return _done(f"Added {name} to crisis {crisis.id}.")


async def remove_person(svc: Services, crisis, actor: str | None, platform: str, rest: str):
    email, _ = await _group_change(svc, crisis, actor, platform, rest, "Who should leave?", "remove @person")
    member = next((m for m in await store.members(svc.db, crisis.id)
                   if m.person == email and m.status == "in_room"), None)
    name = await name_of(svc, email)
    if member is None:
        return _done(f"{name} is not in the group for crisis {crisis.id}, so there is nothing to do.")
    note = None
    if member.user_id and crisis.room_id:
        try:
            note = await svc.notifier.remove_from_room(crisis.platform, crisis.room_id, member.user_id)
        except SendError as exc:
            note = exc.reason
    await store.put_member(svc.db, crisis.id, svc.now(), actor, person=email, name=name, role=member.role,
                          status="removed", user_id=member.user_id, reason=note)
    await room.say(svc, crisis, message(Text(f"{name} has left the Crisis Management Group (removed by "
                                             f"{await name_of(svc, actor)}).")))
    extra = "" if not note else f" Note: {note}."
    if email == crisis.approver:
        extra += f" They were the approver: appoint another with `{messages.cmd(platform, 'approver @person')}`."
    return _done(f"Removed {name} from crisis {crisis.id}.{extra}")


async def _ensure_in_group(svc: Services, crisis, email: str, ref: PersonRef, actor: str, *, role: str,
                           force: bool = False) -> str | None:
    """Bring someone into the room (Slack invite, Teams @mention). Returns a problem to report, or None."""
    members = {m.person: m for m in await store.members(svc.db, crisis.id)}
    current = members.get(email)
    if current is not None and current.status == "in_room" and not force:
        return None
    uid = ref.user_id if ref.platform == crisis.platform and ref.user_id else \
        await svc.directory.user_id_on(email, crisis.platform)
    name = await name_of(svc, email)
    problem = None
    if not uid:
        problem = ("the bot doesn't know them in Teams yet (they have never messaged it), so it could not @mention "
                   "them" if crisis.platform == "teams" else "the bot could not find a Slack account for them")
    elif crisis.room_id:
        try:
            failed = await svc.notifier.invite(crisis.platform, crisis.room_id, [uid],
                                               f"you've been added to the Crisis Management Group for crisis "
                                               f"{crisis.id} ({messages.SECTION}).")
            problem = failed.get(uid)
        except SendError as exc:
            problem = exc.reason
    keep_role = current.role if current is not None else role
    await store.put_member(svc.db, crisis.id, svc.now(), actor, person=person_key(ref, email), name=name,
                          role=keep_role, status="failed" if problem else "in_room", user_id=uid, reason=problem)
    return problem


# --- the response checklist -------------------------------------------------------------------------------------

async def tick(svc: Services, crisis, item: str, actor: str | None, untick: bool = False):
    await room.require_group(svc, crisis, actor, "tick the response checklist")
    now, label = svc.now(), messages.RESPONSE_LABELS[item]
    if untick:
        if not await store.untick(svc.db, crisis.id, item, now, actor):
            return _done(f"“{label}” was not ticked, so nothing changed.")
    else:
        name = await name_of(svc, actor)
        earlier = await store.tick(svc.db, crisis.id, item, now, actor, name)
        if earlier is not None:
            await room.refresh_checklist(svc, crisis)
            return _done(f"{earlier.ticked_by_name} already ticked “{label}” at "
                         f"{messages.when(earlier.ticked_at, svc.config.tz)}.")
    await room.refresh_checklist(svc, crisis)
    return None


# --- the timeline -----------------------------------------------------------------------------------------------

async def add_note(svc: Services, crisis, actor: str | None, platform: str, text: str):
    await room.require_group(svc, crisis, actor, "add to the timeline")
    if not text:
        raise BadInput(f"What should go on the timeline? `{messages.cmd(platform, 'note <text>')}`.")
    await store.record(svc.db, svc.now(), actor, crisis.id, "note", text=text[:4000])
    return _done(f"Added to the timeline of crisis {crisis.id}.")


async def note_from_message(svc: Services, crisis, actor: str | None, text: str | None, author_ref: PersonRef | None,
                            posted: str | None, link: str | None):
    """"Add to crisis timeline": the message's text, author, time (as the platform gave it) and link become one
    timeline entry."""
    await room.require_group(svc, crisis, actor, "add to the timeline")
    author = None
    if author_ref is not None:
        author_email = await svc.directory.email_of(author_ref)
        author = (await name_of(svc, author_email)) if author_email else author_ref.label
    await store.record(svc.db, svc.now(), actor, crisis.id, "note", text=(text or "")[:4000],
                       author=author, posted_at=rules.message_time(posted), link=link)
    return _done(f"Added that message to the timeline of crisis {crisis.id} ({messages.account_names(crisis)}).")


async def add_message_to_timeline(svc: Services, platform: str, channel: str | None, actor: str | None,
                                  text: str | None,
                                  author: PersonRef | None, posted: str | None, link: str | None):
    """The "Add to crisis timeline" shortcut: straight onto the timeline of the room's crisis (or the one active
    crisis the person is in); with several, the form asks which."""
    crisis = await store.by_room(svc.db, platform, channel)
    if crisis is not None and crisis.status == "active":
        return await note_from_message(svc, crisis, actor, text, author, posted, link)
    actives = [c for c in await store.active(svc.db) if await room.in_group(svc, c, actor)]
    if len(actives) == 1:
        return await note_from_message(svc, actives[0], actor, text, author, posted, link)
    if not actives:
        raise BadInput("You are not in the group of any active crisis, so there is no timeline to add to.")
    private = json.dumps({"t": posted, "a": f"{author.platform}:{author.user_id}" if author else None})
    return OpenForm(messages.timeline_form(actives, text, link, private))


async def timeline_form_submitted(svc: Services, platform: str, channel: str | None, actor: str | None, values: dict,
                                  private: str):
    """The timeline form: the chosen crisis, with the message's author and time carried in `private`."""
    try:
        extra = json.loads(private or "{}")
    except ValueError:
        extra = {}
    raw = str(values.get("crisis") or "")
    crisis = await room.find(svc, platform, channel, actor, int(raw) if raw.isdigit() else None)
    author = None
    if extra.get("a") and ":" in extra["a"]:
        author_platform, user_id = extra["a"].split(":", 1)
        author = PersonRef(author_platform, user_id) if user_id != "None" else None
    return await note_from_message(svc, crisis, actor, values.get("text"), author, extra.get("t"), values.get("link"))


# --- looking ----------------------------------------------------------------------------------------------------

async def status(svc: Services, crisis):
    card = await room.card_for(svc, crisis)
    upcoming = schedule.next_checkin(svc, await working_calendar(svc), crisis)
    return Ephemeral(messages.status_message(crisis, svc.config.tz, card=card, members=await store.members(
        svc.db, crisis.id), ticks=await store.ticks(svc.db, crisis.id), next_checkin=upcoming))


async def list_active(svc: Services):
    actives = await store.active(svc.db)
    if not actives:
        return _done("There is no active crisis at the moment.")
    lines = [f"• *{c.id}*: {messages.account_names(c)} – {messages.room_label(c)}, started "
             f"{messages.when(c.started_at, svc.config.tz)} by {await name_of(svc, c.started_by)}" for c in actives]
    return _done("*Active crises*\n" + "\n".join(lines))


async def set_checkin_interval(svc: Services, crisis, actor: str | None, platform: str, rest: str):
    """`/crisis checkins <hours>`: how often the room is asked to listen again and review the group."""
    await room.require_group(svc, crisis, actor, "change the check-ins")
    try:
        hours = float(rest.replace("h", "").strip())
    except ValueError:
        hours = 0
    if not 0.5 <= hours <= 24:
        raise BadInput(f"Give the hours between check-ins, from 0.5 to 24: `{messages.cmd(platform, 'checkins 2')}`.")
    minutes = int(hours * 60)
    await store.change_active(svc.db, crisis.id, svc.now(), actor, "checkins_changed",
                             {"minutes": minutes}, checkin_minutes=minutes,
                             next_checkin_at=svc.now() + timedelta(minutes=minutes))
    return _done(f"Check-ins for crisis {crisis.id} will now come {messages.every(minutes)} in working hours.")
