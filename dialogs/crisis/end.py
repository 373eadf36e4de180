"""Ending a crisis and the post-crisis review (§4.3).

"Continue with the approach until the channel returns to pre-crisis topics and the level of attention drops
away." Only the Communications Team or the approver may say so. Then: "As important as actually dealing with a
crisis is the evaluation afterwards."
"""
from __future__ import annotations

import asyncio
from datetime import date

from chat.errors import BadInput, NotAllowed, NotFound
from chat.messages import Form, Input, Text, message
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from dialogs.signoff import flow as signoff
from storage import outbox as outbox_store

from . import messages, room, rules, store
from .people import name_of
from .rules import is_comms
from .schedule import review_due_date, review_recipients

REVIEW_FORM = "crisis_review"
RESUME_SENT = "crisis.resume_sent"   # the outbox receipt that puts each resume message on the timeline


async def end_crisis(svc: Services, crisis, email: str | None):
    approver = await name_of(svc, crisis.approver) if crisis.approver else None
    if not (is_comms(svc.config, email) or (email and email == crisis.approver)):
        who = f"the Communications Team or the approver ({approver})" if approver else \
            "the Communications Team or the approver (none has been appointed yet)"
        raise NotAllowed(f"Only {who} can end crisis {crisis.id} ({messages.SECTION}). Nothing has changed. If you "
                         "think it is over, say so in the room and ask them to end it.")
    if crisis.status != "active":
        raise BadInput(f"Crisis {crisis.id} was already ended by {await name_of(svc, crisis.ended_by)} at "
                       f"{messages.when(crisis.ended_at, svc.config.tz)}.")
    now = svc.now()
    due = await review_due_date(svc, now)
    who = await name_of(svc, email)

    waiting = await signoff.waiting_names(svc, crisis.id)

    async def may_resume(session, ended) -> None:   # queued with the end: each administrator told once
        await queue_resume(svc, session, ended, who)
        await signoff.after_crisis(svc, session, ended.id, waiting)   # waiting sign-offs go the usual way (4.2)

    if not await store.end(svc.db, crisis.id, now, email, due, then=may_resume):
        fresh = await store.get(svc.db, crisis.id)
        raise BadInput(f"Crisis {crisis.id} was already ended by {await name_of(svc, fresh.ended_by)} at "
                       f"{messages.when(fresh.ended_at, svc.config.tz)}.")
    crisis = await store.get(svc.db, crisis.id)
    await asyncio.gather(room.refresh_card(svc, crisis), room.refresh_checklist(svc, crisis))
    await svc.outbox.send_queued()
    told, not_told = await _who_may_resume(svc, crisis)
    recipients = [await name_of(svc, p) for p in review_recipients(svc, crisis)]
    lines = [f"*Crisis {crisis.id} has been ended by {who}.* Normal service has resumed ({messages.SECTION})."]
    if told:
        lines.append(f"Told they may resume posting: {', '.join(told)}.")
    if not_told:
        lines.append("Could not tell (please let them know): " + "; ".join(not_told) + ".")
    lines.append(f"The post-crisis review goes to {', '.join(recipients)} on {_day(due)}, and I'll remind them "
                 "each working day until it is done.")
    await room.say(svc, crisis, message(Text("\n".join(lines))))
    return Ephemeral(message(Text(f"Crisis {crisis.id} ended. " + " ".join(lines[1:]))))


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%A %-d %B")


def _resume_key(crisis, email: str) -> str:
    return f"crisis:{crisis.id}:resume:{email}"


async def queue_resume(svc: Services, session, crisis, who: str) -> None:
    """In the transaction that ends the crisis: everyone told to STOP is told they may resume, once each,
    through the outbox (§4.3). One that can never be delivered is reported to whoever ended it."""
    msg = messages.resume_message(crisis, who)
    for email in crisis.administrators:
        await svc.outbox.dm(session, email, msg, key=_resume_key(crisis, email), about="the message that posting "
                            "may resume", notify=crisis.ended_by if "@" in (crisis.ended_by or "") else None,
                            receipt=RESUME_SENT, receipt_args={"crisis": crisis.id, "person": email})


async def resume_sent(svc: Services, session, args: dict, ref) -> None:
    """The outbox's receipt for a resume message: the timeline shows who was told, when."""
    await store.log(session, svc.now(), "system", args["crisis"], "resume_sent", person=args["person"])


async def _who_may_resume(svc: Services, crisis) -> tuple[list[str], list[str]]:
    told, not_told = [], []
    for email in crisis.administrators:
        state, error = await outbox_store.state_of(svc.db, _resume_key(crisis, email))
        name = await name_of(svc, email)
        if state == "sent":
            told.append(name)
        else:
            not_told.append(f"{name} ({error or 'not yet: I will keep trying and tell you if it cannot be delivered'})")
    return told, not_told


# --- the post-crisis review ------------------------------------------------------------------------------------

def review_form(crisis, tz, previous: dict | None = None) -> Form:
    previous = previous or {}
    inputs = [Input(key, question, "long_text", initial=previous.get(key))
              for key, question in messages.REVIEW_QUESTIONS]
    inputs.append(Input("decision", "Is it worth continuing with the account?", "choice",
                        options=messages.REVIEW_DECISIONS, initial=previous.get("decision")))
    inputs.append(Input("notes", "Anything else (metrics, lessons, thanks)?", "long_text", required=False,
                        initial=previous.get("notes")))
    return Form(REVIEW_FORM, "Post-crisis review", tuple(inputs), submit="Save the review", private=str(crisis.id),
                intro=(Text(messages.REVIEW_INTRO.format(accounts=messages.account_names(crisis),
                                                      ended=messages.when(crisis.ended_at, tz), s=messages.SECTION)),))


async def _review_crisis(svc: Services, email: str | None, raw_id: str):
    crisis = await store.get(svc.db, rules.review_id(raw_id))
    if crisis is None:
        raise NotFound("That crisis no longer exists.")
    if crisis.status != "ended":
        raise BadInput(f"Crisis {crisis.id} is still active; the review comes once it has ended.")
    allowed = email in review_recipients(svc, crisis) or await room.in_group(svc, crisis, email)
    if not allowed:
        raise NotAllowed("Only the person who raised the crisis, the group and the Communications Team can fill in "
                         "its review.")
    return crisis


async def open_review(svc: Services, actor: str | None, raw_id: str):
    crisis = await _review_crisis(svc, actor, raw_id)
    return OpenForm(review_form(crisis, svc.config.tz, crisis.review))


async def review_submitted(svc: Services, actor: str | None, raw_id: str, values: dict):
    crisis = await _review_crisis(svc, actor, raw_id)
    answers = {key: values.get(key) for key, _ in messages.REVIEW_QUESTIONS}
    answers["decision"] = values.get("decision")
    answers["notes"] = values.get("notes")
    missing = {k: "Please answer this one." for k, _ in messages.REVIEW_QUESTIONS if not answers.get(k)}
    if not answers["decision"]:
        missing["decision"] = "Please choose one."
    if missing:
        return FormErrors(missing, form=review_form(crisis, svc.config.tz, answers))
    first = await store.save_review(svc.db, crisis.id, svc.now(), actor, answers)
    who = await name_of(svc, actor)
    decision = dict(messages.REVIEW_DECISIONS).get(answers["decision"], answers["decision"])
    await room.say(svc, crisis, message(Text(
        f"The post-crisis review for crisis {crisis.id} has been {'completed' if first else 'updated'} by {who}. "
        f"Decision on the account: {decision}. `{messages.cmd(crisis.platform, 'report')}` gives the full report.")))
    return Ephemeral(message(Text(f"Thank you – the review for crisis {crisis.id} is saved"
                                  f"{'' if first else ' (it replaces the earlier one)'}. No more reminders.")))
