"""Forwarding a request: the form (pre-filled from the message it was used on) and what happens on submit."""
from __future__ import annotations

import logging

from chat.messages import Form, Message, PersonRef
from chat.replies import FormErrors
from chat.workdays import working_calendar
from chat.errors import NotAllowed

from . import texts
from .cases import create_case
from .delivery import Outcome, deliver_now
from .rules import check_submission, first_link, looks_like_email, standing, suggest_kind

log = logging.getLogger(__name__)
NO_EMAIL = ("I couldn't find your email address on {platform}, and the FOI Team needs to know who forwarded the "
            "request. Ask your administrator to check your profile, and meanwhile email the request to "
            "{im} yourself (8.1).")


def _is_sfrs(svc, email: str | None, channel: str | None) -> bool:
    return svc.config.profile_for(email, channel) == "sfrs"


def form_for(svc, user: PersonRef, text: str | None = None, channel: str | None = None) -> Form:
    kind, why = suggest_kind(text)
    # Slack takes at most 3,000 characters as a field's starting value; the rest of a long thread is not needed.
    return texts.foi_form(svc.today(), question=(text or "")[:3000] or None, link=first_link(text), kind=kind,
                          kind_why=why, owner=user, sfrs=_is_sfrs(svc, user.email, channel))


async def submit(svc, user: PersonRef, values: dict, channel: str | None) -> Message | FormErrors:
    creator = user.email
    if not creator:
        raise NotAllowed(NO_EMAIL.format(platform=user.platform or "this platform",
                                         im=svc.config.information_management_email or "Information Management"))
    sub, errors = check_submission(values, svc.today())
    owner_ref = values.get("owner")
    owner = creator if owner_ref is None else await svc.directory.email_of(owner_ref)
    if owner_ref is not None and not looks_like_email(owner):
        errors["owner"] = "I can't find an email address for that person. Choose someone else, or leave it as you."
    if errors:
        redraw = texts.foi_form(svc.today(), values=values, sfrs=_is_sfrs(svc, creator, channel))
        return FormErrors(errors, form=redraw)
    cal = await working_calendar(svc)
    case, created = await create_case(svc, sub, owner.lower(), creator, cal)
    if created:
        outcome = await deliver_now(svc, case)
        if case.owner_email != creator:
            await _tell_new_owner(svc, case, creator)
    else:
        outcome = Outcome({"sent": "sent", "sending": "sending"}.get(case.email_state, "pending"), case.email_error)
    now_standing = standing(case.due, svc.today(), cal)
    return texts.confirmation(
        case, status=outcome.status, reason=outcome.reason, owner_label=svc.config.display_name(case.owner_email),
        im_address=svc.config.information_management_email, duplicate=not created,
        overdue_words=now_standing.words() if now_standing.status == "overdue" else None,
        sfrs=_is_sfrs(svc, creator, channel))


async def _tell_new_owner(svc, case, by: str) -> None:
    try:
        await svc.notifier.dm(case.owner_email, texts.new_owner_dm(case, svc.config.display_name(by)))
    except Exception as exc:   # the confirmation names the owner; the 09:00 DM reaches them anyway
        log.warning("could not tell the new owner of %s: %s", case.reference, exc)
