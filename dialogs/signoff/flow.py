"""Sign-off for a draft post (4.2): the requester sends it to their manager (or, during a crisis, the crisis
approver; with neither, the Communications Team), who approves or declines with a reason."""
from __future__ import annotations

import logging

from chat.messages import MessageRef, PersonRef, Text, message
from chat.posting import posting_state
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from dialogs.check.flow import run_check

from . import store
from .messages import already_decided, approver_card, decided_card, decline_form, signoff_form
from .rules import COMMS_TEAM, default_approver, ensure_may_decide

log = logging.getLogger(__name__)


async def request(svc: Services, user: PersonRef, platform: str, channel: str | None, values: dict,
                  chosen: str | None):
    """The sign-off form submitted; `chosen` is the approver's email when one was picked and could be found."""
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
    # Check again: the draft may have changed since the verdict, and the approver should see today's answer.
    result, _ = await run_check(svc, text=draft, actor=requester, platform=platform, channel=channel)
    row = await store.create(svc, requester=requester, approver=approver, draft=draft, verdict=result.verdict,
                             categories=result.categories)
    card = approver_card(row, user.label if user.name else requester, values.get("note"))
    if approver == COMMS_TEAM:
        refs = await svc.notifier.post("comms_team", card)
        sent_to = "the Communications Team"
    else:
        ref = await svc.notifier.dm(approver, card)
        refs = [ref] if ref else []
        sent_to = approver
    for ref in refs:
        await store.add_card(svc, row.id, {"platform": ref.platform, "channel": ref.channel,
                                           "message_id": ref.message_id})
    if not refs:
        return Ephemeral(message(Text(f"I saved your request but couldn't reach {sent_to} in Slack or Teams. "
                                      "Please ask them directly, or ask the Communications Team.")))
    return Ephemeral(message(Text(f"Sent to {sent_to} for sign-off. I'll tell you when they decide.")))


async def _announce(svc: Services, row) -> None:
    card = decided_card(row, svc)
    for ref in row.cards:
        try:
            await svc.notifier.update(MessageRef(ref["platform"], ref["channel"], ref["message_id"]), card)
        except Exception as exc:
            log.warning("could not update a sign-off card: %s", type(exc).__name__)
    verdict = "approved" if row.state == "approved" else "declined"
    text = f"Your post was {verdict} by {row.decided_by}."
    if row.reason:
        text += f" Their reason: {row.reason}"
    await svc.notifier.dm(row.requester, message(Text(text)))


async def approve(svc: Services, request_id: int, actor: str | None):
    row, applied = await store.decide(svc, request_id, actor, True, None)
    if not applied:
        return Ephemeral(already_decided(row, svc))
    await _announce(svc, row)
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
    row, applied = await store.decide(svc, request_id, actor, False, reason)
    if not applied:
        return Ephemeral(already_decided(row, svc))
    await _announce(svc, row)
    return None
