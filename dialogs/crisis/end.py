"""Ending a crisis and the post-crisis review (§4.3).

"Continue with the approach until the channel returns to pre-crisis topics and the level of attention drops
away." Only the Communications Team or the approver may say so. Then: "As important as actually dealing with a
crisis is the evaluation afterwards."
"""
from __future__ import annotations

import asyncio
from datetime import date

from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.messages import Form, Header, Input, Text, message
from chat.platforms import SendError
from chat.errors import BadInput, NotAllowed, NotFound

from . import cards, repo, room, texts
from .people import is_comms, name_of
from .schedule import review_due_date, review_recipients

REVIEW_FORM = "crisis_review"


async def end_crisis(svc, inv):
    crisis_id, _ = room.split_id(inv.args, bare_ok=True)
    crisis = await room.find(svc, inv, crisis_id, active_only=False)
    email = inv.user.email
    approver = await name_of(svc, crisis.approver) if crisis.approver else None
    if not (is_comms(svc.config, email) or (email and email == crisis.approver)):
        who = f"the Communications Team or the approver ({approver})" if approver else \
            "the Communications Team or the approver (none has been appointed yet)"
        raise NotAllowed(f"Only {who} can end crisis {crisis.id} ({texts.SECTION}). Nothing has changed. If you "
                         "think it is over, say so in the room and ask them to end it.")
    if crisis.status != "active":
        raise BadInput(f"Crisis {crisis.id} was already ended by {await name_of(svc, crisis.ended_by)} at "
                       f"{cards.when(crisis.ended_at, svc.config.tz)}.")
    now = svc.now()
    due = await review_due_date(svc, now)
    if not await repo.end(svc.db, crisis.id, now, email, due):
        fresh = await repo.get(svc.db, crisis.id)
        raise BadInput(f"Crisis {crisis.id} was already ended by {await name_of(svc, fresh.ended_by)} at "
                       f"{cards.when(fresh.ended_at, svc.config.tz)}.")
    crisis = await repo.get(svc.db, crisis.id)
    await asyncio.gather(room.refresh_card(svc, crisis), room.refresh_checklist(svc, crisis))
    told, not_told = await _tell_resume(svc, crisis, email)
    who = await name_of(svc, email)
    recipients = [await name_of(svc, p) for p in review_recipients(svc, crisis)]
    lines = [f"*Crisis {crisis.id} has been ended by {who}.* Normal service has resumed ({texts.SECTION})."]
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


async def _tell_resume(svc, crisis, actor: str) -> tuple[list[str], list[str]]:
    who = await name_of(svc, actor)
    msg = message(Header("You may resume posting"),
                  Text(texts.RESUME_POSTING.format(accounts=cards.account_names(crisis), who=who,
                                                   s=texts.SECTION)),
                  text=f"You may resume posting on {cards.account_names(crisis)}")

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
            await repo.record(svc.db, svc.now(), "system", crisis.id, "resume_sent", person=email)
    return told, not_told


# --- the post-crisis review ------------------------------------------------------------------------------------

def review_form(crisis, tz, previous: dict | None = None) -> Form:
    previous = previous or {}
    inputs = [Input(key, question, "long_text", initial=previous.get(key)) for key, question in texts.REVIEW_QUESTIONS]
    inputs.append(Input("decision", "Is it worth continuing with the account?", "choice",
                        options=texts.REVIEW_DECISIONS, initial=previous.get("decision")))
    inputs.append(Input("notes", "Anything else (metrics, lessons, thanks)?", "long_text", required=False,
                        initial=previous.get("notes")))
    return Form(REVIEW_FORM, "Post-crisis review", tuple(inputs), submit="Save the review", private=str(crisis.id),
                intro=(Text(texts.REVIEW_INTRO.format(accounts=cards.account_names(crisis),
                                                      ended=cards.when(crisis.ended_at, tz), s=texts.SECTION)),))


async def _review_crisis(svc, inv, raw_id: str):
    if not (raw_id or "").isdigit():
        raise BadInput("That review is not one I recognise.")
    crisis = await repo.get(svc.db, int(raw_id))
    if crisis is None:
        raise NotFound("That crisis no longer exists.")
    if crisis.status != "ended":
        raise BadInput(f"Crisis {crisis.id} is still active; the review comes once it has ended.")
    email = inv.user.email
    allowed = email in review_recipients(svc, crisis) or await room.in_group(svc, crisis, email)
    if not allowed:
        raise NotAllowed("Only the person who raised the crisis, the group and the Communications Team can fill in "
                         "its review.")
    return crisis


async def open_review(svc, inv):
    crisis = await _review_crisis(svc, inv, inv.value)
    return OpenForm(review_form(crisis, svc.config.tz, crisis.review))


async def review_submitted(svc, inv):
    crisis = await _review_crisis(svc, inv, inv.private)
    answers = {key: inv.values.get(key) for key, _ in texts.REVIEW_QUESTIONS}
    answers["decision"] = inv.values.get("decision")
    answers["notes"] = inv.values.get("notes")
    missing = {k: "Please answer this one." for k, _ in texts.REVIEW_QUESTIONS if not answers.get(k)}
    if not answers["decision"]:
        missing["decision"] = "Please choose one."
    if missing:
        return FormErrors(missing, form=review_form(crisis, svc.config.tz, answers))
    first = await repo.save_review(svc.db, crisis.id, svc.now(), inv.user.email, answers)
    who = await name_of(svc, inv.user.email)
    decision = dict(texts.REVIEW_DECISIONS).get(answers["decision"], answers["decision"])
    await room.say(svc, crisis, message(Text(
        f"The post-crisis review for crisis {crisis.id} has been {'completed' if first else 'updated'} by {who}. "
        f"Decision on the account: {decision}. `{cards.cmd(crisis.platform, 'report')}` gives the full report.")))
    return Ephemeral(message(Text(f"Thank you – the review for crisis {crisis.id} is saved"
                                  f"{'' if first else ' (it replaces the earlier one)'}. No more reminders.")))
