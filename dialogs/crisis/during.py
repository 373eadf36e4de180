"""While a crisis runs (§4.3): one approver, the response checklist, the timeline, the group's membership.

"It is also helpful to appoint one person as the approver for all messages to be posted on the social media
account during the crisis period." and "It is also necessary to review membership of the Crisis Management
Group throughout the period of activity."
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chat.replies import Ephemeral
from chat.messages import PersonRef, Text, message
from chat.platforms import SendError
from chat.errors import BadInput

from . import cards, repo, room, texts
from .people import name_of, person_in, person_key


def _done(text: str) -> Ephemeral:
    return Ephemeral(message(Text(text)))


async def set_approver(svc, inv):
    crisis_id, rest = room.split_id(inv.args, bare_ok=False)
    crisis = await room.find(svc, inv, crisis_id)
    await room.require_group(svc, crisis, inv.user.email, "appoint the approver")
    if not rest:
        raise BadInput(f"Who should approve every post? `{cards.cmd(inv.platform, 'approver @person')}`.")
    email, ref = await person_in(svc, inv.platform, rest)
    previous = crisis.approver
    if previous == email:
        return _done(f"{await name_of(svc, email)} is already the approver for crisis {crisis.id}.")
    changed = await repo.change_active(svc.db, crisis.id, svc.now(), inv.user.email, "approver_set",
                                       {"approver": email, "previous": previous}, approver=email)
    if not changed:
        raise BadInput(f"Crisis {crisis.id} has just ended; nothing was changed.")
    name = await name_of(svc, email)
    joined = await _ensure_in_group(svc, crisis, email, ref, inv.user.email, role="approver")
    await room.refresh_card(svc, crisis)
    await room.say(svc, crisis, message(Text(
        f"*{name} is now the one approver for every post on {cards.account_names(crisis)}* ({texts.SECTION}), "
        f"appointed by {await name_of(svc, inv.user.email)}. Nothing goes out without their say-so.")))
    extra = "" if joined is None else f" {joined}"
    return _done(f"Done: {name} approves every post for crisis {crisis.id}.{extra}")


async def add_person(svc, inv):
    crisis_id, rest = room.split_id(inv.args, bare_ok=False)
    crisis = await room.find(svc, inv, crisis_id)
    await room.require_group(svc, crisis, inv.user.email, "change who is in the group")
    if not rest:
        raise BadInput(f"Who should join? `{cards.cmd(inv.platform, 'add @person')}`.")
    email, ref = await person_in(svc, inv.platform, rest)
    problem = await _ensure_in_group(svc, crisis, email, ref, inv.user.email, role="added", force=True)
    name = await name_of(svc, email)
    if problem:
        return _done(f"I could not add {name}: {problem}")
    await room.say(svc, crisis, message(Text(f"{name} has joined the Crisis Management Group, added by "
                                             f"{await name_of(svc, inv.user.email)}.")))
    return _done(f"Added {name} to crisis {crisis.id}.")


async def remove_person(svc, inv):
    crisis_id, rest = room.split_id(inv.args, bare_ok=False)
    crisis = await room.find(svc, inv, crisis_id)
    await room.require_group(svc, crisis, inv.user.email, "change who is in the group")
    if not rest:
        raise BadInput(f"Who should leave? `{cards.cmd(inv.platform, 'remove @person')}`.")
    email, ref = await person_in(svc, inv.platform, rest)
    member = next((m for m in await repo.members(svc.db, crisis.id)
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
    await repo.put_member(svc.db, crisis.id, svc.now(), inv.user.email, person=email, name=name, role=member.role,
                          status="removed", user_id=member.user_id, reason=note)
    await room.say(svc, crisis, message(Text(f"{name} has left the Crisis Management Group (removed by "
                                             f"{await name_of(svc, inv.user.email)}).")))
    extra = "" if not note else f" Note: {note}."
    if email == crisis.approver:
        extra += f" They were the approver: appoint another with `{cards.cmd(inv.platform, 'approver @person')}`."
    return _done(f"Removed {name} from crisis {crisis.id}.{extra}")


async def _ensure_in_group(svc, crisis, email: str, ref: PersonRef, actor: str, *, role: str,
                           force: bool = False) -> str | None:
    """Bring someone into the room (Slack invite, Teams @mention). Returns a problem to report, or None."""
    members = {m.person: m for m in await repo.members(svc.db, crisis.id)}
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
                                               f"{crisis.id} ({texts.SECTION}).")
            problem = failed.get(uid)
        except SendError as exc:
            problem = exc.reason
    keep_role = current.role if current is not None else role
    await repo.put_member(svc.db, crisis.id, svc.now(), actor, person=person_key(ref, email), name=name,
                          role=keep_role, status="failed" if problem else "in_room", user_id=uid, reason=problem)
    return problem


# --- the response checklist -------------------------------------------------------------------------------------

async def tick(svc, inv, untick: bool = False):
    crisis_id, _, item = inv.value.partition(":")
    if item not in texts.RESPONSE_LABELS or not crisis_id.isdigit():
        raise BadInput("That checklist button is not one I recognise.")
    crisis = await room.find(svc, inv, int(crisis_id))
    await room.require_group(svc, crisis, inv.user.email, "tick the response checklist")
    now, label = svc.now(), texts.RESPONSE_LABELS[item]
    if untick:
        if not await repo.untick(svc.db, crisis.id, item, now, inv.user.email):
            return _done(f"“{label}” was not ticked, so nothing changed.")
    else:
        name = await name_of(svc, inv.user.email)
        earlier = await repo.tick(svc.db, crisis.id, item, now, inv.user.email, name)
        if earlier is not None:
            await room.refresh_checklist(svc, crisis)
            return _done(f"{earlier.ticked_by_name} already ticked “{label}” at "
                         f"{cards.when(earlier.ticked_at, svc.config.tz)}.")
    await room.refresh_checklist(svc, crisis)
    return None


# --- the timeline -----------------------------------------------------------------------------------------------

async def add_note(svc, inv):
    crisis_id, text = room.split_id(inv.args, bare_ok=False)
    crisis = await room.find(svc, inv, crisis_id)
    await room.require_group(svc, crisis, inv.user.email, "add to the timeline")
    if not text:
        raise BadInput(f"What should go on the timeline? `{cards.cmd(inv.platform, 'note <text>')}`.")
    await repo.record(svc.db, svc.now(), inv.user.email, crisis.id, "note", text=text[:4000])
    return _done(f"Added to the timeline of crisis {crisis.id}.")


async def note_from_message(svc, inv, crisis):
    """"Add to crisis timeline": the message's text, author, time and link become one timeline entry."""
    await room.require_group(svc, crisis, inv.user.email, "add to the timeline")
    author = None
    if inv.message_author is not None:
        author_email = await svc.directory.email_of(inv.message_author)
        author = (await name_of(svc, author_email)) if author_email else inv.message_author.label
    await repo.record(svc.db, svc.now(), inv.user.email, crisis.id, "note", text=(inv.text or "")[:4000],
                      author=author, posted_at=_message_time(inv.message_time), link=inv.link)
    return _done(f"Added that message to the timeline of crisis {crisis.id} ({cards.account_names(crisis)}).")


def _message_time(raw: str | None) -> str | None:
    """Slack gives an epoch `ts`, Teams an ISO time; the timeline keeps ISO in UTC."""
    if not raw:
        return None
    try:
        return datetime.fromtimestamp(float(raw), timezone.utc).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(timezone.utc).isoformat()
    except ValueError:
        return None


# --- looking ----------------------------------------------------------------------------------------------------

async def status(svc, inv):
    crisis_id, _ = room.split_id(inv.args, bare_ok=True)
    crisis = await room.find(svc, inv, crisis_id, active_only=False)
    card = await room.card_for(svc, crisis)
    return Ephemeral(cards.status_message(crisis, svc.config.tz, card=card, members=await repo.members(
        svc.db, crisis.id), ticks=await repo.ticks(svc.db, crisis.id)))


async def list_active(svc, inv):
    actives = await repo.active(svc.db)
    if not actives:
        return _done("There is no active crisis at the moment.")
    lines = [f"• *{c.id}*: {cards.account_names(c)} – {cards.room_label(c)}, started "
             f"{cards.when(c.started_at, svc.config.tz)} by {await name_of(svc, c.started_by)}" for c in actives]
    return _done("*Active crises*\n" + "\n".join(lines))


async def set_checkin_interval(svc, inv):
    """`/crisis checkins <hours>`: how often the room is asked to listen again and review the group."""
    crisis_id, rest = room.split_id(inv.args, bare_ok=False)
    crisis = await room.find(svc, inv, crisis_id)
    await room.require_group(svc, crisis, inv.user.email, "change the check-ins")
    try:
        hours = float(rest.replace("h", "").strip())
    except ValueError:
        hours = 0
    if not 0.5 <= hours <= 24:
        raise BadInput(f"Give the hours between check-ins, from 0.5 to 24: `{cards.cmd(inv.platform, 'checkins 2')}`.")
    minutes = int(hours * 60)
    await repo.change_active(svc.db, crisis.id, svc.now(), inv.user.email, "checkins_changed",
                             {"minutes": minutes}, checkin_minutes=minutes,
                             next_checkin_at=svc.now() + timedelta(minutes=minutes))
    return _done(f"Check-ins for crisis {crisis.id} will now come {cards.every(minutes)} in working hours.")
