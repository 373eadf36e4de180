"""Sign-off for a draft post (4.2): the requester sends it to their manager (or, during a crisis on its account,
the one crisis approver, 4.3; with neither, the Communications Team), who approves or declines with a reason.

The approver's card, the updated cards and the requester's DM go through the outbox, queued in the transaction
that files or decides the request: a crash at any point neither loses nor repeats one."""
from __future__ import annotations

import logging

from chat.commands import typed
from chat.errors import BadInput
from chat.messages import MessageRef, PersonRef, Text, message
from chat.quoting import inert
from chat.posting import posting_state
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from chat.wording import display_names
from dialogs.check.flow import run_check
from dialogs.check.rules import account_named_in
from storage.claims import Repeated

from . import store
from .messages import (NO_ACCOUNT, already_decided, approver_card, decided_card, decline_form, outcome_message,
                       post_label, rerouted_card, rerouted_message, signoff_form, trimmed)
from .rules import COMMS_TEAM, crisis_deputies, default_approver, ensure_may_decide, normal_approver

log = logging.getLogger(__name__)
CARD_SENT = "signoff.card"   # the outbox receipt that records where the approver's card landed


def _accounts(svc: Services) -> tuple:
    return tuple((key, acct.name) for key, acct in svc.config.accounts.items())


async def open_form(svc: Services, draft: str | None, source: str = "", account: str | None = None):
    """The form, with the draft (the start of it, when it is longer than a form holds) and, when the draft does
    not name its account, a question which account it is for."""
    if (await posting_state(svc)).pause_reason:
        raise BadInput("A mourning pause is on (4.4): nothing is posted until it ends, so there is nothing to sign "
                       "off yet.")
    shown, full_length = trimmed(draft)
    named = account_named_in(svc.config, draft or "")
    account = account if account in svc.config.accounts else None   # `check --account highways`
    return OpenForm(signoff_form(shown, accounts=() if named else _accounts(svc), account=account,
                                 full_length=full_length, private=source if full_length else ""))


def is_trimmed_from(shown: str | None, whole: str) -> bool:
    """The form's draft is the start the form showed of `whole`, unchanged."""
    start, cut = trimmed(whole)
    return bool(cut) and (shown or "").strip() == (start or "").strip()


def _form_again(svc: Services, values: dict, draft: str | None) -> object:
    named = account_named_in(svc.config, draft or "")
    return signoff_form(draft, accounts=() if named else _accounts(svc), account=values.get("account"))


async def request(svc: Services, user: PersonRef, platform: str, channel: str | None, values: dict,
                  chosen: str | None, request_key: str | None = None):
    """The sign-off form submitted; `chosen` is the approver's email when one was picked and could be found.
    `request_key`: the delivery's key, so running the same submission again files nothing more."""
    draft = (values.get("draft") or "").strip()
    if not draft:
        return FormErrors({"draft": "Paste the draft you want signed off."}, form=_form_again(svc, values, None))
    requester = user.email
    picked = values.get("account")
    account = picked if picked in svc.config.accounts else None
    if picked == NO_ACCOUNT:
        account = None
    account = account or account_named_in(svc.config, draft)
    state = await posting_state(svc, account)
    if state.pause_reason:
        return Ephemeral(message(Text("A mourning pause is on (4.4): nothing is posted until it ends, so I haven't "
                                      "sent this for sign-off.")))
    crisis_account = state.crisis_account if state.crisis_approver else None
    if crisis_account and "@" not in state.crisis_approver:
        return FormErrors({"approver": f"{inert(crisis_account)} is in a crisis and the group has not appointed its "
                                       "one approver yet (4.3). Ask the Crisis Management Group to appoint one; "
                                       "nothing is posted on it until then."}, form=_form_again(svc, values, draft))
    deputy_for = None
    if crisis_account:
        crisis_approver = state.crisis_approver.lower()
        names = await display_names(svc, [crisis_approver])
        if crisis_approver == requester:
            # Nobody signs off their own post (4.2): the approver's own post goes to a deputy (4.3).
            deputies = crisis_deputies(svc, requester)
            if not deputies:
                return FormErrors({"approver": await _no_deputy(svc, crisis_account, platform)},
                                  form=_form_again(svc, values, draft))
            if chosen and chosen not in deputies:
                deputy_names = await display_names(svc, deputies)
                return FormErrors({"approver": "You are the crisis approver, so your own post goes to a crisis "
                                               "deputy approver: " + ", ".join(deputy_names[d] for d in deputies)
                                               + " (4.3). Choose one of them, or leave this empty."},
                                  form=_form_again(svc, values, draft))
            approver, deputy_for = chosen or await _first_reachable(svc, deputies), names[crisis_approver]
        elif chosen and chosen != crisis_approver:
            return FormErrors({"approver": f"{inert(crisis_account)} is in a crisis, so every post on it goes to the "
                                           f"one approver, {names[crisis_approver]} (4.3). Leave this empty."},
                              form=_form_again(svc, values, draft))
        else:
            approver = crisis_approver
    else:
        if values.get("approver") and not chosen:
            return FormErrors({"approver": "I can't find that person's email address. Try their address instead."},
                              form=_form_again(svc, values, draft))
        if chosen and chosen == requester:
            return FormErrors({"approver": "You can't sign off your own post: choose someone else (4.2)."},
                              form=_form_again(svc, values, draft))
        approver = chosen or default_approver(svc, requester)
    account_name = svc.config.accounts[account].name if account else None
    reachable = (svc.notifier.channel_ids("comms_team") if approver == COMMS_TEAM
                 else await svc.directory.user_ids(approver))
    sent_to = "the Communications Team" if approver == COMMS_TEAM else \
        (await display_names(svc, [approver]))[approver]   # after the look-up, which lets the platform name them
    # Check again: the draft may have changed since the verdict, and the approver should see today's answer.
    result, _ = await run_check(svc, text=draft, actor=requester, platform=platform, channel=channel,
                                account=account)
    requester_label = user.label if user.name else requester

    async def send_card(session, row) -> None:   # queued with the request, sent once it is saved
        if not reachable:
            return
        card = approver_card(row, requester_label, values.get("note"), deputy_for=deputy_for)
        where = dict(key=f"signoff:{row.id}:card", notify=requester, about="your sign-off request",
                     receipt=CARD_SENT, receipt_args={"id": row.id})
        if approver == COMMS_TEAM:
            await svc.outbox.post(session, "comms_team", card, **where)
        else:
            await svc.outbox.dm(session, approver, card, **where)

    try:
        await store.create(svc, requester=requester, approver=approver, draft=draft, verdict=result.verdict,
                           categories=result.categories, then=send_card, request_key=request_key,
                           account_name=account_name, crisis_account=crisis_account,
                           crisis_id=state.crisis_id if crisis_account else None, account_key=account)
    except Repeated:
        log.info("sign-off request %s was filed by an earlier run: not filed again", request_key)
    if not reachable:
        return Ephemeral(message(Text(f"I saved your request but couldn't reach {sent_to} in Slack or Teams. "
                                      "Please ask them directly, or ask the Communications Team.")))
    why = f", the one approver for {inert(crisis_account)} during its crisis (4.3)" if crisis_account else ""
    if deputy_for:
        why = (f", a crisis deputy approver: you are the approver for {inert(crisis_account)} during its crisis, and "
               "nobody signs off their own post (4.2, 4.3)")
    return Ephemeral(message(Text(f"Sent {post_label(draft)} to {sent_to}{why} for sign-off. I'll tell you when "
                                  "they decide.")))


async def _first_reachable(svc: Services, people: list[str]) -> str:
    """The first of `people` the bot can message on Slack or Teams (else the first)."""
    for email in people:
        if await svc.directory.user_ids(email):
            return email
    return people[0]


async def _no_deputy(svc: Services, crisis_account: str, platform: str) -> str:
    """Why the crisis approver's own post cannot be sent anywhere, and who can put that right."""
    heads = list(svc.config.members("head_of_comms")) or list(svc.config.members("comms_team"))
    names = await display_names(svc, heads)
    ask = " or ".join(names[h] for h in heads) or "the Communications Team"
    return (f"You are the crisis approver for {inert(crisis_account)}, and nobody signs off their own post (4.2). The "
            "organisation file names no crisis deputy approver (crisis_deputy_approvers), so there is nobody else "
            f"to send it to. Ask the Crisis Management Group to appoint another approver for it "
            f"(`{typed('crisis', 'approver @person', platform)}`), or ask {ask} to name a deputy (4.3).")


async def card_sent(svc: Services, session, args: dict, ref: MessageRef | None) -> None:
    """The outbox's receipt for the approver's card: remember where it landed, to show the decision there."""
    if ref is not None:
        await store.add_card(session, args["id"], {"platform": ref.platform, "channel": ref.channel,
                                                   "message_id": ref.message_id})


async def _names(svc: Services, request_id: int, actor: str | None, current: str | None = None) -> dict:
    row = await store.get(svc, request_id)
    return await display_names(svc, [row.requester, row.approver, actor, row.decided_by, current])


async def _announce(svc: Services, session, row, draft: str | None, names: dict) -> None:
    """In the decision's transaction: every copy of the card shows it, and the requester is told which post."""
    post = post_label(draft)
    card = decided_card(row, svc, names, post)
    for i, ref in enumerate(row.cards):
        await svc.outbox.update(session, MessageRef(ref["platform"], ref["channel"], ref["message_id"]), card,
                                key=f"signoff:{row.id}:decided:card:{i}")
    await svc.outbox.dm(session, row.requester, outcome_message(row, svc, names, post),
                        key=f"signoff:{row.id}:decided", notify=row.decided_by, about="your decision")


async def _current_approver(svc: Services, row) -> str | None:
    """The crisis's approver now: the group may have appointed another since the request was sent (4.3)."""
    if not row.crisis_account:
        return None
    state = await posting_state(svc, row.account_key or row.crisis_account)
    if row.crisis_id is not None and state.crisis_id != row.crisis_id:
        return None   # that crisis is over (another on the same account has its own approver and requests)
    approver = state.crisis_approver
    return approver.lower() if approver and "@" in approver else None


async def _decide(svc: Services, request_id: int, actor: str | None, approve_it: bool, reason: str | None):
    current = await _current_approver(svc, await store.get(svc, request_id))
    names = await _names(svc, request_id, actor, current)
    row, applied = await store.decide(svc, request_id, actor, approve_it, reason, names,
                                      then=lambda session, row, draft: _announce(svc, session, row, draft, names),
                                      current_approver=current)
    if not applied:
        names = await display_names(svc, [row.decided_by])
        return Ephemeral(already_decided(row, svc, names))
    return None


async def approve(svc: Services, request_id: int, actor: str | None):
    return await _decide(svc, request_id, actor, True, None)


async def open_decline(svc: Services, request_id: int, actor: str | None):
    row = await store.get(svc, request_id)
    if row.state != "pending":
        return Ephemeral(already_decided(row, svc, await display_names(svc, [row.decided_by])))
    current = await _current_approver(svc, row)
    approver = current or row.approver
    ensure_may_decide(svc, row, actor, (await display_names(svc, [approver]))[approver], current)
    return OpenForm(decline_form(row.id))


async def decline(svc: Services, request_id: int, actor: str | None, reason: str):
    reason = (reason or "").strip()
    if not reason:
        return FormErrors({"reason": "Please say why, so they know what to change."}, form=decline_form(request_id))
    return await _decide(svc, request_id, actor, False, reason)


async def after_crisis(svc: Services, session, crisis_id: int, names: dict) -> None:
    """In the transaction that ends a crisis: every sign-off still waiting for its approver (or a deputy) goes the
    usual way instead (4.2), the requester is told and the approver's card says so. The crisis approver's say-so
    is for the crisis period only (4.3); a post written then may need a fresh look, which the usual approver gives
    and the requester is asked to make. `names`: display names read before the transaction (`waiting_names`)."""
    for row in await store.waiting_in_crisis(session, crisis_id):
        approver, account = normal_approver(svc, row.requester), row.crisis_account
        old_cards = list(row.cards or [])
        if approver == row.requester or not await store.reroute(session, row, approver, svc.now()):
            continue
        post, sent_to = post_label(row.draft), ("the Communications Team" if approver == COMMS_TEAM
                                                else names.get(approver, approver))
        for i, ref in enumerate(old_cards):
            await svc.outbox.update(session, MessageRef(ref["platform"], ref["channel"], ref["message_id"]),
                                    rerouted_card(post, account, sent_to), key=f"signoff:{row.id}:rerouted:card:{i}")
        card = approver_card(row, names.get(row.requester, row.requester), None, after_crisis=account)
        where = dict(key=f"signoff:{row.id}:rerouted", notify=row.requester, about="your sign-off request",
                     receipt=CARD_SENT, receipt_args={"id": row.id})
        if approver == COMMS_TEAM:
            await svc.outbox.post(session, "comms_team", card, **where)
        else:
            await svc.outbox.dm(session, approver, card, **where)
        await svc.outbox.dm(session, row.requester, rerouted_message(post, account, sent_to),
                            key=f"signoff:{row.id}:rerouted:requester", about="your sign-off request")


async def waiting_names(svc: Services, crisis_id: int) -> dict:
    """The names `after_crisis` needs, read before its transaction (a look-up may ask the platform)."""
    async with svc.db.sessions() as session:
        rows = await store.waiting_in_crisis(session, crisis_id)
    people = {p for r in rows for p in (r.requester, normal_approver(svc, r.requester)) if p != COMMS_TEAM}
    return await display_names(svc, people) if people else {}
