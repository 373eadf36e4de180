"""Which crisis a command means, who may act on it, and keeping the room's cards up to date.

A command given in a crisis room applies to that room's crisis; elsewhere it applies to the one active crisis
the person is part of, or they are asked to say which (several crises may be active at once).
"""
from __future__ import annotations

import logging

from chat.errors import BadInput, NotAllowed, NotFound
from chat.messages import Message, MessageRef
from chat.platforms import SendError
from chat.services import Services

from . import messages, store
from .people import name_of
from .rules import is_comms

log = logging.getLogger(__name__)

async def in_group(svc: Services, crisis, email: str | None) -> bool:
    if not email:
        return False
    if email == crisis.started_by or email == crisis.approver or is_comms(svc.config, email):
        return True
    return any(m.person == email and m.status == "in_room" for m in await store.members(svc.db, crisis.id))


async def find(svc: Services, platform: str, channel: str | None, actor: str | None, crisis_id: int | None = None, *,
               active_only: bool = True):
    """The crisis a command means (see the module's note): `crisis_id` when given, else the one whose room
    `channel` is, else the one active crisis `actor` is part of."""
    if crisis_id is not None:
        crisis = await store.get(svc.db, crisis_id)
        if crisis is None:
            raise NotFound(f"There is no crisis {crisis_id}.")
    else:
        crisis = await store.by_room(svc.db, platform, channel)
    if crisis is None:
        actives = await store.active(svc.db)
        if not actives:
            raise NotFound("There is no active crisis at the moment. To start one: "
                           f"`{messages.cmd(platform, 'start [account] [what is happening]')}` (§4.3).")
        mine = [c for c in actives if await in_group(svc, c, actor)]
        if len(mine) == 1:
            crisis = mine[0]
        elif len(actives) == 1 and not mine:
            crisis = actives[0]
        else:
            listing = "; ".join(f"{c.id}: {messages.account_names(c)} ({messages.room_label(c)})" for c in actives)
            example = messages.cmd(platform, f"status #{actives[0].id}")
            raise BadInput(f"There are {len(actives)} active crises – {listing}. Use the command in the crisis's "
                           f"room, or give its number first, e.g. `{example}`.")
    if active_only and crisis.status != "active":
        raise BadInput(f"Crisis {crisis.id} ({messages.account_names(crisis)}) ended "
                       f"{messages.when(crisis.ended_at, svc.config.tz)}, so nothing more can be changed. "
                       f"`{messages.cmd(platform, 'report')}` gives its report.")
    return crisis


async def require_group(svc: Services, crisis, email: str | None, doing: str) -> None:
    if not await in_group(svc, crisis, email):
        raise NotAllowed(f"Only the Crisis Management Group for crisis {crisis.id} can {doing} (§4.3). Nothing has "
                         "changed. Ask someone in the group to add you if you should be in it.")


async def card_for(svc: Services, crisis) -> Message:
    starter = await name_of(svc, crisis.started_by)
    approver = await name_of(svc, crisis.approver) if crisis.approver else None
    ended_by = await name_of(svc, crisis.ended_by) if crisis.ended_by else None
    return messages.crisis_card(crisis, svc.config.tz, starter=starter, approver=approver, ended_by=ended_by)


async def refresh_card(svc: Services, crisis) -> None:
    """Update the pinned card in place (status, approver)."""
    crisis = await store.get(svc.db, crisis.id)
    if crisis.card_id and crisis.room_id:
        await _update(svc, MessageRef(crisis.platform, crisis.room_id, crisis.card_id), await card_for(svc, crisis))


async def refresh_checklist(svc: Services, crisis) -> None:
    crisis = await store.get(svc.db, crisis.id)
    if crisis.checklist_id and crisis.room_id:
        ticks = await store.ticks(svc.db, crisis.id)
        await _update(svc, MessageRef(crisis.platform, crisis.room_id, crisis.checklist_id),
                      messages.checklist_card(crisis, ticks, svc.config.tz))


async def _update(svc: Services, ref: MessageRef, msg: Message) -> None:
    try:
        await svc.notifier.update(ref, msg)
    except SendError as exc:
        log.warning("could not update a crisis card: %s", exc.reason)


async def say(svc: Services, crisis, msg: Message, claim: tuple[str, str, str] | None = None) -> MessageRef | None:
    """Post in the crisis room (None when it could not be posted or another process already did)."""
    if not crisis.room_id:
        return None
    try:
        refs = await svc.notifier.post(crisis.room_id, msg, platform=crisis.platform, claim=claim)
    except SendError as exc:
        log.warning("could not post in crisis room %s: %s", crisis.room_id, exc.reason)
        return None
    return refs[0] if refs else None
