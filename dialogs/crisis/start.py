"""Deciding to start a crisis: the command, the short form, and the honest "bad day" answer (§4.3).

"It is important to know when your service or account may be involved in a crisis, however, it is also
important to remember that not every 'bad day' is a crisis either." The form asks the four questions the policy
gives; when none applies the bot says so plainly and still lets the person go on.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict

from chat.commands import in_text
from chat.errors import WorkflowError
from chat.messages import Form, Input, PersonRef, Text, message
from chat.replies import DirectMessage, Ephemeral, FormErrors, OpenForm
from chat.services import Services

from . import messages
from .convene import StartRequest, convene, refuse_at_once
from .rules import slug, unique

FORM_ID = "crisis_start"
CONVENE_JOB = "crisis.convene"


def match_account(config, word: str):
    """An account from the organisation file named by its key or its name (any case, spaces or hyphens)."""
    if not word:
        return None
    wanted = slug(word)
    for key, contacts in config.accounts.items():
        if wanted in (slug(key), slug(contacts.name)):
            return contacts
    return None


def start_form(config, *, accounts=(), other: str | None = None, summary: str | None = None,
               indicators=(), link: str | None = None, admins=(), bad_day: bool = False) -> Form:
    """The short form; with bad_day it comes back with the explanation and a box to go on anyway."""
    inputs = []
    if config.accounts:
        inputs.append(Input("accounts", "Which account(s) are affected?", "multi_choice",
                            options=tuple((k, c.name) for k, c in config.accounts.items()), required=False,
                            initial=list(accounts) or None))
    inputs += [
        Input("other_account", "Another account (if not listed)" if config.accounts else "Which account is affected?",
              required=False, initial=other, placeholder="e.g. Parks Facebook page"),
        Input("what", "What is happening?", "long_text", initial=summary,
              placeholder="What was posted or said, and how people are reacting"),
        Input("indicators", "Which of these apply? (§4.3)", "multi_choice", options=messages.INDICATORS,
              required=False, initial=list(indicators) or None,
              hint="Leave it empty if none of them does."),
        Input("link", "Link to the post or message", required=False, initial=link),
        Input("administrators", "Who else posts on the account?", "people", required=False,
              hint="They will be asked to STOP posting straight away, with the service lead."),
    ]
    intro = (Text("Tell me what is happening and I'll convene the Crisis Management Group (§4.3): a private room "
                  "with Communications, your manager and the service lead, the listening response to copy, and a "
                  "STOP message to everyone who posts on the account."),)
    if bad_day:
        intro = (Text(messages.BAD_DAY),)
        inputs.append(Input("go_on", "I still want to start a crisis", "checkbox", required=False))
    return Form(FORM_ID, "Start a crisis", tuple(inputs), submit="Start the crisis", intro=intro,
                private=json.dumps({"a": list(admins)}) if admins else "")


async def start_command(svc: Services, user: PersonRef, args: str, request_key: str | None = None):
    """`/crisis start [account] [what is happening]`: straight in when both are given, else the short form."""
    first, _, rest = (args or "").strip().partition(" ")
    account = match_account(svc.config, first)
    if account is not None and rest.strip():
        request = StartRequest(accounts=[{"key": account.key, "name": account.name}], summary=rest.strip())
        refusal = await refuse_at_once(svc, user, request)
        if refusal is not None:
            return refusal
        await _queue_convening(svc, user, request, request_key)
        return Ephemeral(message(Text(messages.CONVENING.format(account=account.name))))
    summary = rest.strip() if account is not None else (args or "").strip()
    return OpenForm(start_form(svc.config, accounts=[account.key] if account else (), summary=summary or None))


def start_shortcut(svc: Services, text: str | None, link: str | None):
    """"Start a crisis from this message": the form, filled in with the message's text and link."""
    return OpenForm(start_form(svc.config, summary=(text or "").strip()[:2900] or None, link=link))


async def start_submitted(svc: Services, user: PersonRef, values: dict, private: str, request_key: str | None = None):
    keys = [k for k in values.get("accounts") or [] if k in svc.config.accounts]
    other = values.get("other_account")
    summary = values.get("what")
    indicators = [i for i in values.get("indicators") or [] if i in dict(messages.INDICATORS)]
    admins = await _administrators(svc, values, private)
    form = start_form(svc.config, accounts=keys, other=other, summary=summary, indicators=indicators,
                      link=values.get("link"), admins=admins, bad_day="go_on" in values)
    errors = {}
    if not keys and not other:
        errors["accounts" if svc.config.accounts else "other_account"] = (
            "Choose the affected account, or type it under “Another account”.")
    if not summary:
        errors["what"] = "Say briefly what is happening, so the group knows where to start."
    if errors:
        return FormErrors(errors, form=form)
    if not indicators and not values.get("go_on"):
        # None of the four signs: say so honestly, keep their answers, let them go on if they still want to.
        return OpenForm(start_form(svc.config, accounts=keys, other=other, summary=summary, link=values.get("link"),
                                   admins=admins, bad_day=True))
    accounts = [{"key": k, "name": svc.config.accounts[k].name} for k in keys]
    if other:
        accounts.append({"key": None, "name": other.strip()})
    request = StartRequest(accounts=accounts, summary=summary, indicators=indicators, link=values.get("link"),
                           administrators=admins)
    await _queue_convening(svc, user, request, request_key)
    return None


async def _queue_convening(svc: Services, user: PersonRef, request: StartRequest, request_key: str | None) -> None:
    """Convening takes a few round trips to the platform: an outbox job, run once the command or form is answered
    (Slack allows 3 seconds), once per delivery whichever process is alive; the starter gets its summary by DM."""
    key = f"crisis:convene:{request_key or uuid.uuid4().hex}"
    async with svc.db.transaction() as session:
        await svc.outbox.job(session, CONVENE_JOB, {"user": user, "request": asdict(request), "key": key}, key=key,
                             notify=user.email, about="starting the crisis")


async def convene_job(svc: Services, args: dict) -> None:
    """The outbox job: convene the group, then send the starter what convening says (its summary, or why not)."""
    user, key = args["user"], args["key"]
    try:
        replies = await convene(svc, user, StartRequest(**args["request"]))
    except WorkflowError as exc:
        replies = [message(Text(in_text(exc.message, user.platform)))]
    async with svc.db.transaction() as session:
        for i, reply in enumerate(replies):
            to = reply.to if isinstance(reply, DirectMessage) else user
            await svc.outbox.dm(session, to, getattr(reply, "message", reply), key=f"{key}#{i}")


async def _administrators(svc: Services, values: dict, private: str) -> list[str]:
    """Emails from the form's people field, plus any carried over from the "bad day" round."""
    emails = []
    for ref in values.get("administrators") or []:
        if isinstance(ref, PersonRef):
            email = await svc.directory.email_of(ref)
            if email:
                emails.append(email.lower())
    try:
        emails.extend(json.loads(private or "{}").get("a", []))
    except (ValueError, AttributeError):
        pass
    return unique(emails)
