"""Sign-off for a draft post (4.2): the requester sends it to their manager (or, during a crisis, the crisis
approver; with neither, the Communications Team), who approves or declines with a reason.

The approver's card, the updated cards and the requester's DM go through the outbox, queued in the transaction
that files or decides the request: a crash at any point neither loses nor repeats one."""
from __future__ import annotations

import logging

from chat.messages import MessageRef, PersonRef, Text, message
from chat.posting import posting_state
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from dialogs.check.flow import run_check
from storage.claims import Repeated

from . import store
from .messages import already_decided, approver_card, decided_card, decline_form, signoff_form
from .rules import COMMS_TEAM, default_approver, ensure_may_decide

log = logging.getLogger(__name__)
CARD_SENT = "signoff.card"   # the outbox receipt that records where the approver's card landed


async def request(svc: Services, user: PersonRef, platform: str, channel: str | None, values: dict,
                  chosen: str | None, request_key: str | None = None):
    """The sign-off form submitted; `chosen` is the approver's email when one was picked and could be found.
    `request_key`: the delivery's key, so running the same submission again files nothing more."""
    draft = (values.get("draft") or "").strip()
    if not draft:
        return FormErrors({"draft": "Paste the draft you want signed off."}, form=signoff_form(None))
    requester = user.email
    if values.get("approver") and not chosen:
        return FormErrors({"approver": "I can't find that person's email address. Try their address instead."},
                          form=signoff_form(draft))
    if chosen and chosen == requester:
        return FormErrors({"approver": "You can't sign off your own post: choose someone else (4.2)."},
                          form=signoff_form(draft))
    state = await posting_state(svc)
    approver = chosen or default_approver(svc, requester, state.crisis_approver)
    sent_to = "the Communications Team" if approver == COMMS_TEAM else approver
    reachable = (svc.notifier.channel_ids("comms_team") if approver == COMMS_TEAM
                 else await svc.directory.user_ids(approver))
    # Check again: the draft may have changed since the verdict, and the approver should see today's answer.
    result, _ = await run_check(svc, text=draft, actor=requester, platform=platform, channel=channel)
    requester_label = user.label if user.name else requester

    async def send_card(session, row) -> None:   # queued with the request, sent once it is saved
        if not reachable:
            return
        card = approver_card(row, requester_label, values.get("note"))
        where = dict(key=f"signoff:{row.id}:card", notify=requester, about="your sign-off request",
                     receipt=CARD_SENT, receipt_args={"id": row.id})
        if approver == COMMS_TEAM:
            await svc.outbox.post(session, "comms_team", card, **where)
        else:
            await svc.outbox.dm(session, approver, card, **where)

    try:
        await store.create(svc, requester=requester, approver=approver, draft=draft, verdict=result.verdict,
                           categories=result.categories, then=send_card, request_key=request_key)
    except Repeated:
        log.info("sign-off request %s was filed by an earlier run: not filed again", request_key)
    if not reachable:
        return Ephemeral(message(Text(f"I saved your request but couldn't reach {sent_to} in Slack or Teams. "
                                      "Please ask them directly, or ask the Communications Team.")))
    return Ephemeral(message(Text(f"Sent to {sent_to} for sign-off. I'll tell you when they decide.")))


async def card_sent(svc: Services, session, args: dict, ref: MessageRef | None) -> None:
    """The outbox's receipt for the approver's card: remember where it landed, to show the decision there."""
    if ref is not None:
        await store.add_card(session, args["id"], {"platform": ref.platform, "channel": ref.channel,
                                                   "message_id": ref.message_id})


async def _announce(svc: Services, session, row) -> None:
    """In the decision's transaction: every copy of the card shows it, and the requester is told."""
    card = decided_card(row, svc)
    for i, ref in enumerate(row.cards):
        await svc.outbox.update(session, MessageRef(ref["platform"], ref["channel"], ref["message_id"]), card,
                                key=f"signoff:{row.id}:decided:card:{i}")
    verdict = "approved" if row.state == "approved" else "declined"
    text = f"Your post was {verdict} by {row.decided_by}."
    if row.reason:
        text += f" Their reason: {row.reason}"
    await svc.outbox.dm(session, row.requester, message(Text(text)), key=f"signoff:{row.id}:decided",
                        notify=row.decided_by, about="your decision")


async def approve(svc: Services, request_id: int, actor: str | None):
    row, applied = await store.decide(svc, request_id, actor, True, None,
                                      then=lambda session, row: _announce(svc, session, row))
    if not applied:
        return Ephemeral(already_decided(row, svc))
    return None


async def open_decline(svc: Services, request_id: int, actor: str | None):
    row = await store.get(svc, request_id)
    if row.state != "pending":
        return Ephemeral(already_decided(row, svc))
    ensure_may_decide(svc, row, actor)
    return OpenForm(decline_form(row.id))


async def decline(svc: Services, request_id: int, actor: str | None, reason: str):
    reason = (reason or "").strip()
    if not reason:
        return FormErrors({"reason": "Please say why, so they know what to change."}, form=decline_form(request_id))
    row, applied = await store.decide(svc, request_id, actor, False, reason,
                                      then=lambda session, row: _announce(svc, session, row))
    if not applied:
        return Ephemeral(already_decided(row, svc))
    return None
