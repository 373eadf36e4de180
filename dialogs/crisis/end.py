"""Ending a crisis and the post-crisis review (§4.3).

"Continue with the approach until the channel returns to pre-crisis topics and the level of attention drops
away." Only the Communications Team or the approver may say so. Then: "As important as actually dealing with a
crisis is the evaluation afterwards."
"""
from __future__ import annotations

import asyncio
from datetime import date

from chat.errors import BadInput, NotAllowed, NotFound
from chat.messages import Form, Header, Input, Text, message
from chat.platforms import SendError
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services

from . import messages, room, rules, store
from .people import name_of
from .rules import is_comms
from .schedule import review_due_date, review_recipients

REVIEW_FORM = "crisis_review"


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
    if not await store.end(svc.db, crisis.id, now, email, due):
        fresh = await store.get(svc.db, crisis.id)
        raise BadInput(f"Crisis {crisis.id} was already ended by {await name_of(svc, fresh.ended_by)} at "
                       f"{messages.when(fresh.ended_at, svc.config.tz)}.")
    crisis = await store.get(svc.db, crisis.id)
    await asyncio.gather(room.refresh_card(svc, crisis), room.refresh_checklist(svc, crisis))
    told, not_told = await _tell_resume(svc, crisis, email)
    who = await name_of(svc, email)
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


async def _tell_resume(svc: Services, crisis, actor: str) -> tuple[list[str], list[str]]:
    who = await name_of(svc, actor)
    msg = message(Header("You may resume posting"),
                  Text(messages.RESUME_POSTING.format(accounts=messages.account_names(crisis), who=who,
                                                   s=messages.SECTION)),
                  text=f"You may resume posting on {messages.account_names(crisis)}")

    async def one(email: str):
        try:
            ref = await svc.notifier.dm(email, msg, claim=("crisis_resume", f"{crisis.id}:{email}", "end"))
        except SendError as exc:
            return email, exc.reason
        return email, None if ref else "the bot could not reach them on Slack or Teams"

    told, not_told = [], []
    for email, problem in await asyncio.gather(*(one(e) for e in crisis.administrators)):
        name = await name_of(svc, email)
        if problem:
            not_told.append(f"{name} ({problem})")
        else:
            told.append(name)
            await store.record(svc.db, svc.now(), "system", crisis.id, "resume_sent", person=email)
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
