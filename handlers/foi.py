"""FOI entry points: the "Forward as FOI request" shortcut, `/smpolicy foi ...` (`foi ...` in Teams), the
buttons on the daily DM, the forms, and the sweeps (daily DMs, email retries, retention)."""
from __future__ import annotations

from datetime import time

from chat.errors import BadInput
from chat.quoting import inert
from chat.registry import Action, Command, Daily, Every, Job, OnSubmit, Shortcut, Sweep, Workflow
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from chat.workdays import working_calendar
from dialogs.foi import flow, holidays, messages
from dialogs.foi.delivery import EMAIL_JOB, email_job, retry_deliveries
from dialogs.foi.digest import retry_failed_digests, send_digests, send_summary
from dialogs.foi.retention import remove_old_personal_data
from dialogs.foi.rules import OUTCOMES

from .cli import calendar as calendar_cli, foi as foi_cli

USAGE = "foi [list | show REF | done REF | reassign REF @person | clarify REF | resume REF | extend REF]"


def _one_ref(rest: list[str], verb: str) -> str:
    if not rest:
        raise BadInput(f"Which case? For example `/smpolicy foi {verb} FOI-2026-0001`.")
    return rest[0]


async def _person_email(svc: Services, raw: str) -> str:
    person = await svc.directory.person_named_in(raw)
    if person is not None and person.email:
        return person.email
    if person is not None:
        raise BadInput("I couldn't find an email address for that person, so I can't remind them.")
    raise BadInput(f"I couldn't tell who `{inert(raw)}` is. Give their email address (in Slack you can also @mention "
                   "them, so the name turns into a link).")


async def forward_shortcut(svc: Services, inv):
    return OpenForm(flow.form_for(svc, inv.user, inv.text, inv.channel))


async def foi_command(svc: Services, inv):
    words = inv.args.split()
    if not words:
        return OpenForm(flow.form_for(svc, inv.user, channel=inv.channel))
    sub, rest, email = words[0].lower(), words[1:], inv.user.email
    if sub == "list":
        return Ephemeral(await flow.list_cases(svc, email, inv.platform))
    if sub == "show":
        return Ephemeral(await flow.show(svc, email, _one_ref(rest, sub)))
    if sub in ("done", "close"):
        outcome = rest[1].lower() if len(rest) > 1 else "answered"
        if outcome not in OUTCOMES:
            raise BadInput(f"The outcome can be {', '.join(OUTCOMES)}; `{inert(outcome)}` isn't one of them.")
        return Ephemeral(await flow.done(svc, email, _one_ref(rest, sub), outcome))
    if sub == "reassign":
        if len(rest) < 2:
            raise BadInput("Say who to, for example `/smpolicy foi reassign FOI-2026-0001 @person` (in Teams, "
                           "an email).")
        return Ephemeral(await flow.reassign(svc, email, rest[0], await _person_email(svc, rest[1])))
    if sub == "clarify":
        return Ephemeral(await flow.clarify(svc, email, _one_ref(rest, sub), inv.platform))
    if sub == "resume":
        return Ephemeral(await flow.resume(svc, email, _one_ref(rest, sub)))
    if sub == "extend":
        return Ephemeral(await flow.extend(svc, email, _one_ref(rest, sub)))
    if sub in ("holiday", "holidays"):
        return Ephemeral(await holidays.add_from_chat(svc, email, rest))
    return Ephemeral(messages.help_message(inv.platform))


async def foi_submitted(svc: Services, inv):
    result = await flow.submit(svc, inv.user, inv.values, inv.channel)
    return result if isinstance(result, FormErrors) else Ephemeral(result)


async def foi_button(svc: Services, inv):
    # Redelivered clicks never get here (the inbox knows their key); a re-run or a second click is told the
    # change was made already (each change is conditional).
    verb, ref, email = inv.command.split(".", 1)[1], inv.value, inv.user.email
    if verb == "done":
        return Ephemeral(await flow.done(svc, email, ref))
    if verb == "extend":
        return Ephemeral(await flow.extend(svc, email, ref))
    if verb == "reassign":
        return OpenForm(await flow.reassign_form(svc, email, ref))
    return None


async def reassign_submitted(svc: Services, inv):
    person = inv.values.get("owner")
    new_owner = await svc.directory.email_of(person) if person else None
    result = await flow.reassign_from_form(svc, inv.user.email, inv.private, new_owner)
    return result if isinstance(result, FormErrors) else Ephemeral(result)


async def foi_retry_sweep(svc: Services, now):
    await retry_deliveries(svc, now)
    await retry_failed_digests(svc, now, await working_calendar(svc))


async def foi_digest_sweep(svc: Services, now):
    cal = await working_calendar(svc)
    await send_digests(svc, now, cal)
    await send_summary(svc, now, cal)


WORKFLOW = Workflow("foi",
    commands=(Command("smpolicy", "foi",
                      "Forward a request for information (FOI, EIR, subject access) and manage your cases (8.1).",
                      usage=USAGE, fn=foi_command),),
    shortcuts=(Shortcut("forward_foi", "Forward as FOI request",
                        "Send a customer's request for information to Information Management, "
                        "with replies to give them (8.1).", fn=forward_shortcut),),
    actions=(Action("foi.", foi_button, prefix=True),),
    forms=(OnSubmit(messages.FORM_ID, foi_submitted), OnSubmit(messages.REASSIGN_FORM_ID, reassign_submitted)),
    sweeps=(Sweep("foi_email_retry", Every(15), foi_retry_sweep),
            Sweep("foi_digest", Daily(time(9, 0), working_days_only=True), foi_digest_sweep),
            Sweep("foi_retention", Daily(time(2, 0)), remove_old_personal_data)),
    jobs=(Job(EMAIL_JOB, email_job),),
    cli=(foi_cli.add_parser, calendar_cli.add_parser))
