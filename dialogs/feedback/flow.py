"""What people do with a verdict they think is wrong: open the report form, send it (with consent) or not, and
what the Communications Team does with it: list the waiting cases, review one, and the daily purge.

The draft is stored only after the reporter ticks the consent box, only in the review queue, and only for
`feedback_retention_days`; it is shown only to the Communications Team (3.4)."""
from __future__ import annotations

import logging

from chat.errors import BadInput, NotAllowed
from chat.messages import Form, Message, MessageRef, PersonRef
from chat.posting import posting_state
from chat.replies import FormErrors
from chat.services import Services
from dialogs.check.rules import account_named_in, own_contacts
from policy.checker import CheckResult, check_async
from storage.claims import Repeated

from . import messages, store
from .rules import (Checked, MAX_DRAFT, check_corpus_text, check_report, corpus_line, deleted_on, form_private,
                    month_of, parse_form_private, parse_ref, purge_cutoff, review_label)

log = logging.getLogger(__name__)
MAX_CORPUS_NOTE = 300
CARD_SENT = "feedback.card"   # the outbox receipt that records where the team's card landed
NOT_COMMS = ("Only the Communications Team can open reported verdicts: the drafts in them may contain personal "
             "data (3.4).")


def _days(svc: Services) -> int:
    return svc.config.feedback_retention_days


def _when(svc: Services, at) -> str:
    local = at.astimezone(svc.config.tz)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _deleted(svc: Services, case) -> str:
    local = deleted_on(case.created_at, _days(svc)).astimezone(svc.config.tz)
    return f"{local.day} {local:%B %Y}"


def _ensure_comms(svc: Services, email: str | None) -> str:
    if not svc.config.has_role(email, "comms_team"):
        raise NotAllowed(NOT_COMMS)
    return email


async def checker_says(svc: Services, text: str, profile: str, has_image: bool) -> CheckResult:
    """The checker's verdict on the draft as it is sent now (the button's word is not taken for it). No audit
    event: this is not a new check."""
    state = await posting_state(svc, account_named_in(svc.config, text))
    return await check_async(text, profile=profile, has_image=has_image, own=own_contacts(svc.config), state=state)


# --- the reporter -------------------------------------------------------------------------------------------------

def report_form(svc: Services, checked: Checked, draft: str | None) -> Form:
    if draft and len(draft) > MAX_DRAFT:
        draft = None   # too long to pre-fill: the person pastes the part that matters
    return messages.report_form(_days(svc), form_private(checked.profile, checked.has_image), draft)


async def submit_report(svc: Services, user: PersonRef, platform: str, values: dict, private: str,
                        request_key: str | None = None) -> Message | FormErrors:
    """The report form sent. Without the consent box ticked nothing is stored; with it, the case is queued and
    the team's card (counts and the correction, never the draft) is queued in the outbox with it."""
    parsed = parse_form_private(private)
    if parsed is None:
        raise BadInput("That form is out of date. Check the draft again and use the new verdict's button.")
    profile, has_image = parsed
    if not values.get("consent"):
        return messages.nothing_kept()
    draft = (values.get("draft") or "").strip()
    result = await checker_says(svc, draft, profile, has_image) if draft and len(draft) <= MAX_DRAFT else None
    report, errors = check_report(values, result.verdict if result else None, result.categories if result else None)
    if errors:
        return FormErrors(errors, form=messages.report_form(_days(svc), private, None, values))
    reporter = user.email or f"{user.platform or platform}:{user.user_id or 'unknown'}"
    # The card's counts include this report (read first: the card is queued in the transaction that files it).
    _, waiting = await store.pending_cases(svc, limit=0)
    checks, reported = await store.counts_between(svc, *month_of(svc.local_now()))
    queued = 0

    async def card(session, case) -> None:
        nonlocal queued
        msg = messages.comms_card(case, waiting=waiting + 1, month_checks=checks, month_reported=reported + 1,
                                  deleted=_deleted(svc, case))
        queued = await svc.outbox.post(session, "comms_team", msg, key=f"feedback:{case.ref}:card",
                                       notify=user.email, about="your report of a wrong verdict",
                                       receipt=CARD_SENT, receipt_args={"ref": case.ref})

    try:
        case = await store.create_case(svc, report, reporter=reporter, platform=platform, profile=profile,
                                       has_image=has_image, checker_verdict=result.verdict,
                                       checker_categories=result.categories, then=card, request_key=request_key)
    except Repeated:
        log.info("a reported verdict (%s) was queued by an earlier run: not queued again", request_key)
        return messages.already_sent()
    return messages.thanks(case.ref, _days(svc), _deleted(svc, case), bool(queued), platform)


async def card_sent(svc: Services, session, args: dict, ref: MessageRef | None) -> None:
    """The outbox's receipt for the team's card: remember where it landed, to show the review there."""
    if ref is not None:
        await store.add_card(session, args["ref"], {"platform": ref.platform, "channel": ref.channel,
                                                    "message_id": ref.message_id})


async def _show_on_cards(svc: Services, session, ref: str, cards: list, card: Message, what: str) -> None:
    for i, where in enumerate(cards or ()):
        await svc.outbox.update(session, MessageRef(where["platform"], where["channel"], where["message_id"]), card,
                                key=f"feedback:{ref}:{what}:{i}")


# --- the Communications Team --------------------------------------------------------------------------------------

async def list_pending(svc: Services, email: str | None) -> Message:
    _ensure_comms(svc, email)
    cases, total = await store.pending_cases(svc)
    return messages.pending_list(cases, total, svc.config.tz)


async def _case(svc: Services, raw_ref: str | None):
    ref = parse_ref(raw_ref)
    if ref is None:
        raise BadInput("That button is out of date: `/smpolicy feedback` lists the cases waiting for review.")
    return await store.get_case(svc, ref)


def _already(svc: Services, case) -> Message:
    return messages.already_reviewed(case, svc.config.display_name(case.reviewed_by or "someone"),
                                     _when(svc, case.reviewed_at))


async def open_review(svc: Services, email: str | None, raw_ref: str) -> Form | Message:
    """The review form, with the draft: for the Communications Team only, checked again on every click."""
    _ensure_comms(svc, email)
    case = await _case(svc, raw_ref)
    if case.state != "pending":
        return _already(svc, case)
    return messages.review_form(case, svc.config.display_name(case.reporter), _when(svc, case.created_at),
                                _deleted(svc, case))


async def submit_review(svc: Services, email: str | None, raw_ref: str, values: dict) -> Message | FormErrors:
    reviewer = _ensure_comms(svc, email)
    case = await _case(svc, raw_ref)
    if case.state != "pending":
        return _already(svc, case)
    label, errors = review_label(values.get("decision"), correction=case.correction,
                                 correction_category=case.correction_category,
                                 checker_categories=case.checker_categories, chosen=values.get("categories"))
    corpus_text, problem = check_corpus_text(values.get("corpus_text"))
    if problem:
        errors["corpus_text"] = problem
    note = (values.get("corpus_note") or "").strip() or None
    if note and len(note) > MAX_CORPUS_NOTE:
        errors["corpus_note"] = f"Keep it under {MAX_CORPUS_NOTE} characters."
    if errors:
        form = messages.review_form(case, svc.config.display_name(case.reporter), _when(svc, case.created_at),
                                    _deleted(svc, case), errors, values)
        return FormErrors(errors, form=form)
    async def show(session, reviewed) -> None:
        card = messages.reviewed_card(reviewed, svc.config.display_name(reviewer), _when(svc, reviewed.reviewed_at))
        await _show_on_cards(svc, session, reviewed.ref, reviewed.cards, card, "reviewed")

    case, applied = await store.review_case(svc, case.ref, reviewer, label, corpus_text, note, then=show)
    if not applied:
        return _already(svc, case)
    return messages.reviewed_reply(case)


async def purge(svc: Services, now) -> int:
    """Daily: every case reported more than `feedback_retention_days` ago is deleted, reviewed or not, and its
    cards in the team's channel say so."""
    days = _days(svc)

    async def show(session, ref: str, cards: list) -> None:
        await _show_on_cards(svc, session, ref, cards, messages.purged_card(ref, days), "purged")

    return await store.purge_before(svc, purge_cutoff(now, days), now, then=show)


# --- the export ---------------------------------------------------------------------------------------------------

async def corpus_lines(svc: Services) -> list[dict]:
    """The reviewed cases as corpus lines (policy/eval/README.md), in the reviewer's words."""
    return [corpus_line(c.ref, c.corpus_text or c.draft, c.profile, c.has_image, c.final_categories or [],
                        c.corpus_note) for c in await store.reviewed_cases(svc)]
