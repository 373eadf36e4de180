"""FOI entry points: the "Forward as FOI request" shortcut, `/smpolicy foi ...` (`foi ...` in Teams), the
buttons on the daily DM, the forms, and the sweeps (daily DMs, email retries, retention)."""
from __future__ import annotations

from datetime import date, time

from chat.errors import BadInput, NotAllowed
from chat.messages import Text, message
from chat.registry import Action, Command, Daily, Every, OnSubmit, Shortcut, Sweep, Workflow
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.workdays import working_calendar
from dialogs.foi import actions, forward, texts
from dialogs.foi.cases import get_case, may_manage, parse_reference
from dialogs.foi.delivery import retry_deliveries
from dialogs.foi.digest import retry_failed_digests, send_digests, send_summary
from dialogs.foi.holidays import add_holiday
from dialogs.foi.retention import remove_old_personal_data
from dialogs.foi.rules import OUTCOMES, day_text, looks_like_email
from storage.claims import first_delivery

from .cli import calendar as calendar_cli
from .cli import foi as foi_cli

USAGE = "foi [list | show REF | done REF | reassign REF @person | clarify REF | resume REF | extend REF]"


def _help(platform: str) -> Ephemeral:
    p = "/smpolicy " if platform == "slack" else ""
    return Ephemeral(message(Text(
        "*FOI, EIR and subject access requests* (8.1)\n"
        f"`{p}foi` – forward a request to Information Management (or use *Forward as FOI request* on the message)\n"
        f"`{p}foi list` – your open cases (Information Management: everyone's)\n"
        f"`{p}foi show REF` – one case, with the question and the requester's details\n"
        f"`{p}foi done REF` – the requester has had the answer; reminders stop\n"
        f"`{p}foi reassign REF @person` – hand a case to someone else\n"
        f"`{p}foi clarify REF` / `{p}foi resume REF` – stop the clock while you wait for the requester, restart it\n"
        f"`{p}foi extend REF` – EIR only: 40 working days for a complex and voluminous request\n"
        f"`{p}foi holiday add YYYY-MM-DD NAME` – Communications Team: add a proclaimed bank holiday")))


def _one_ref(rest: list[str], verb: str) -> str:
    if not rest:
        raise BadInput(f"Which case? For example `foi {verb} FOI-2026-0001`.")
    return rest[0]


async def _person_email(svc, raw: str) -> str:
    person = await svc.directory.person_named_in(raw)
    if person is not None and person.email:
        return person.email
    if person is not None:
        raise BadInput("I couldn't find an email address for that person, so I can't remind them.")
    raise BadInput(f"I couldn't tell who `{raw}` is. Give their email address (in Slack you can also @mention "
                   "them, so the name turns into a link).")


async def forward_shortcut(svc, inv):
    return OpenForm(forward.form_for(svc, inv.user, inv.text, inv.channel))


async def foi_command(svc, inv):
    words = inv.args.split()
    if not words:
        return OpenForm(forward.form_for(svc, inv.user, channel=inv.channel))
    sub, rest, email = words[0].lower(), words[1:], inv.user.email
    if sub == "list":
        return Ephemeral(await actions.list_cases(svc, email))
    if sub == "show":
        return Ephemeral(await actions.show(svc, email, _one_ref(rest, sub)))
    if sub in ("done", "close"):
        outcome = rest[1].lower() if len(rest) > 1 else "answered"
        if outcome not in OUTCOMES:
            raise BadInput(f"The outcome can be {', '.join(OUTCOMES)}; `{outcome}` isn't one of them.")
        return Ephemeral(await actions.done(svc, email, _one_ref(rest, sub), outcome))
    if sub == "reassign":
        if len(rest) < 2:
            raise BadInput("Say who to, for example `foi reassign FOI-2026-0001 @person` (in Teams, an email).")
        return Ephemeral(await actions.reassign(svc, email, rest[0], await _person_email(svc, rest[1])))
    if sub == "clarify":
        return Ephemeral(await actions.clarify(svc, email, _one_ref(rest, sub)))
    if sub == "resume":
        return Ephemeral(await actions.resume(svc, email, _one_ref(rest, sub)))
    if sub == "extend":
        return Ephemeral(await actions.extend(svc, email, _one_ref(rest, sub)))
    if sub in ("holiday", "holidays"):
        return await _holiday(svc, email, rest)
    return _help(inv.platform)


async def _holiday(svc, email: str | None, rest: list[str]):
    if not svc.config.has_role(email, "comms_team", "head_of_comms"):
        raise NotAllowed("Only the Communications Team can add a bank holiday.")
    if len(rest) < 3 or rest[0].lower() != "add":
        raise BadInput("Use `foi holiday add YYYY-MM-DD NAME`, for example `foi holiday add 2026-09-21 State "
                       "funeral`.")
    try:
        day = date.fromisoformat(rest[1])
    except ValueError:
        raise BadInput(f"`{rest[1]}` isn't a date; write it as YYYY-MM-DD.") from None
    result = await add_holiday(svc, day, " ".join(rest[2:]), email)
    return Ephemeral(message(Text(
        f"Added *{day_text(result.day)}* ({result.name}) as a bank holiday: it is no longer a working day for "
        f"statutory time limits. {len(result.changed)} open case(s) have a new due date; {result.owners_told} "
        "owner(s) told.")))


async def foi_submitted(svc, inv):
    result = await forward.submit(svc, inv.user, inv.values, inv.channel)
    return result if isinstance(result, FormErrors) else Ephemeral(result)


async def foi_button(svc, inv):
    if inv.request_key and not await first_delivery(svc.db, inv.request_key, svc.now()):
        return None   # the platform delivered this click twice
    verb, ref, email = inv.command.split(".", 1)[1], inv.value, inv.user.email
    if verb == "done":
        return Ephemeral(await actions.done(svc, email, ref))
    if verb == "extend":
        return Ephemeral(await actions.extend(svc, email, ref))
    if verb == "reassign":
        case = await get_case(svc, parse_reference(ref))
        if not may_manage(svc, case, email):
            raise NotAllowed(f"Only the case owner or Information Management can reassign {case.reference}.")
        return OpenForm(texts.reassign_form(case.reference, svc.config.display_name(case.owner_email)))
    return None


async def reassign_submitted(svc, inv):
    person = inv.values.get("owner")
    new_owner = await svc.directory.email_of(person) if person else None
    if not looks_like_email(new_owner):
        case = await get_case(svc, parse_reference(inv.private))
        form_ = texts.reassign_form(case.reference, svc.config.display_name(case.owner_email))
        return FormErrors({"owner": "Choose someone whose email address I can find."}, form=form_)
    return Ephemeral(await actions.reassign(svc, inv.user.email, inv.private, new_owner))


async def foi_retry_sweep(svc, now):
    await retry_deliveries(svc, now)
    await retry_failed_digests(svc, now, await working_calendar(svc))


async def foi_digest_sweep(svc, now):
    cal = await working_calendar(svc)
    await send_digests(svc, now, cal)
    await send_summary(svc, now, cal)


async def foi_retention_sweep(svc, now):
    await remove_old_personal_data(svc, now)


WORKFLOW = Workflow(
    "foi",
    commands=(
        Command("smpolicy", "foi",
                "Forward a request for information (FOI, EIR, subject access) and manage your cases (8.1).",
                usage=USAGE, fn=foi_command),
    ),
    shortcuts=(
        Shortcut("forward_foi", "Forward as FOI request",
                 "Send a customer's request for information to Information Management, with replies to give them "
                 "(8.1).",
                 fn=forward_shortcut),
    ),
    actions=(
        Action("foi.", foi_button, prefix=True),
    ),
    forms=(
        OnSubmit(texts.FORM_ID, foi_submitted),
        OnSubmit(texts.REASSIGN_FORM_ID, reassign_submitted),
    ),
    sweeps=(
        Sweep("foi_email_retry", Every(15), foi_retry_sweep),
        Sweep("foi_digest", Daily(time(9, 0), working_days_only=True), foi_digest_sweep),
        Sweep("foi_retention", Daily(time(2, 0)), foi_retention_sweep),
    ),
    cli=(foi_cli.add_parser, calendar_cli.add_parser),
)
