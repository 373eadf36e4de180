"""`/crisis ...` (`crisis ...` in Teams), the crisis message shortcuts, buttons, forms and the crisis sweep.

Thin on purpose: each entry point resolves who and what and calls one function in dialogs/crisis (§4.3).
"""
from __future__ import annotations

import json

from chat.errors import BadInput
from chat.messages import Form, Input, PersonRef, Text, message
from chat.registry import Action, Command, Every, OnSubmit, Shortcut, Sweep, Workflow
from chat.replies import Ephemeral, OpenForm
from dialogs.crisis import cards, during, end, repo, report, room, schedule, start, state

from .cli import crisis as crisis_cli

TIMELINE_FORM = "crisis_timeline"


async def crisis_start(svc, inv):
    return await start.start_command(svc, inv)


async def crisis_approver(svc, inv):
    return await during.set_approver(svc, inv)


async def crisis_note(svc, inv):
    return await during.add_note(svc, inv)


async def crisis_status(svc, inv):
    return await during.status(svc, inv)


async def crisis_list(svc, inv):
    return await during.list_active(svc, inv)


async def crisis_add(svc, inv):
    return await during.add_person(svc, inv)


async def crisis_remove(svc, inv):
    return await during.remove_person(svc, inv)


async def crisis_checkins(svc, inv):
    return await during.set_checkin_interval(svc, inv)


async def crisis_end(svc, inv):
    return await end.end_crisis(svc, inv)


async def crisis_report(svc, inv):
    crisis_id, _ = room.split_id(inv.args, bare_ok=True)
    crisis = await room.find(svc, inv, crisis_id, active_only=False)
    await room.require_group(svc, crisis, inv.user.email, "see its report")
    file = await report.report_file(svc, crisis)
    if crisis.room_id:
        await svc.notifier.upload(crisis.platform, crisis.room_id, file)
        return Ephemeral(message(Text(f"The report for crisis {crisis.id} is in {cards.room_label(crisis)}.")))
    return file


# --- message shortcuts ----------------------------------------------------------------------------------------

async def crisis_from_message(svc, inv):
    return await start.start_shortcut(svc, inv)


async def crisis_add_to_timeline(svc, inv):
    crisis = await repo.by_room(svc.db, inv.platform, inv.channel)
    if crisis is not None and crisis.status == "active":
        return await during.note_from_message(svc, inv, crisis)
    actives = [c for c in await repo.active(svc.db) if await room.in_group(svc, c, inv.user.email)]
    if len(actives) == 1:
        return await during.note_from_message(svc, inv, actives[0])
    if not actives:
        raise BadInput("You are not in the group of any active crisis, so there is no timeline to add to.")
    author = inv.message_author
    private = json.dumps({"t": inv.message_time, "a": f"{author.platform}:{author.user_id}" if author else None})
    return OpenForm(Form(TIMELINE_FORM, "Add to crisis timeline", (
        Input("crisis", "Which crisis?", "choice", options=tuple((str(c.id), f"{c.id}: {cards.account_names(c)}")
                                                                 for c in actives)),
        Input("text", "What to add", "long_text", initial=(inv.text or "")[:2900] or None),
        Input("link", "Link", required=False, initial=inv.link)), submit="Add", private=private))


async def crisis_timeline_submitted(svc, inv):
    try:
        extra = json.loads(inv.private or "{}")
    except ValueError:
        extra = {}
    raw = str(inv.values.get("crisis") or "")
    crisis = await room.find(svc, inv, int(raw) if raw.isdigit() else None)
    inv.text, inv.link, inv.message_time = inv.values.get("text"), inv.values.get("link"), extra.get("t")
    if extra.get("a") and ":" in extra["a"]:
        platform, user_id = extra["a"].split(":", 1)
        inv.message_author = PersonRef(platform, user_id) if user_id != "None" else None
    return await during.note_from_message(svc, inv, crisis)


# --- forms and buttons ------------------------------------------------------------------------------------------

async def crisis_start_submitted(svc, inv):
    return await start.start_submitted(svc, inv)


async def crisis_review_submitted(svc, inv):
    return await end.review_submitted(svc, inv)


async def crisis_tick(svc, inv):
    return await during.tick(svc, inv)


async def crisis_untick(svc, inv):
    return await during.tick(svc, inv, untick=True)


async def crisis_snooze(svc, inv):
    return await schedule.snooze(svc, inv)


async def crisis_checkin_done(svc, inv):
    return await schedule.checkin_done(svc, inv)


async def crisis_extend(svc, inv):
    return await schedule.extend(svc, inv, keep_working=True)


async def crisis_stop_today(svc, inv):
    return await schedule.extend(svc, inv, keep_working=False)


async def crisis_review(svc, inv):
    return await end.open_review(svc, inv)


async def crisis_sweep(svc, now):
    await schedule.sweep(svc, now)


WORKFLOW = Workflow(
    "crisis",
    commands=(
        Command("crisis", "start", "Start a crisis: convene the Crisis Management Group (§4.3).",
                usage="start [account] [what is happening]", fn=crisis_start),
        Command("crisis", "approver", "Appoint the one approver for every post during the crisis.",
                usage="approver @person", fn=crisis_approver),
        Command("crisis", "note", "Add a line to the crisis timeline.",
                usage="note <text>", fn=crisis_note),
        Command("crisis", "status", "Show the crisis card, the group and the checklist so far.",
                usage="status", fn=crisis_status),
        Command("crisis", "list", "List the active crises.",
                usage="list", fn=crisis_list),
        Command("crisis", "add", "Add someone to the Crisis Management Group.",
                usage="add @person", fn=crisis_add),
        Command("crisis", "remove", "Take someone out of the Crisis Management Group.",
                usage="remove @person", fn=crisis_remove),
        Command("crisis", "checkins", "Change how often the room is asked to listen again (hours).",
                usage="checkins <hours>", fn=crisis_checkins),
        Command("crisis", "end", "End the crisis (the Communications Team or the approver only).",
                usage="end", fn=crisis_end),
        Command("crisis", "report", "The crisis's timeline, checklist and review as a Markdown file.",
                usage="report", fn=crisis_report),
    ),
    shortcuts=(
        Shortcut("crisis_from_message", "Start a crisis from this message",
                 "Convene the Crisis Management Group about this message (§4.3).",
                 fn=crisis_from_message),
        Shortcut("crisis_add_to_timeline", "Add to crisis timeline",
                 "Put this message, its author and time on a crisis's timeline.",
                 fn=crisis_add_to_timeline),
    ),
    actions=(
        Action("crisis.tick", crisis_tick),
        Action("crisis.untick", crisis_untick),
        Action("crisis.snooze", crisis_snooze),
        Action("crisis.checkin_done", crisis_checkin_done),
        Action("crisis.extend", crisis_extend),
        Action("crisis.stop_today", crisis_stop_today),
        Action("crisis.review", crisis_review),
    ),
    forms=(
        OnSubmit(TIMELINE_FORM, crisis_timeline_submitted),
        OnSubmit(start.FORM_ID, crisis_start_submitted),
        OnSubmit(end.REVIEW_FORM, crisis_review_submitted),
    ),
    sweeps=(
        Sweep("crisis", Every(5), crisis_sweep),
    ),
    posting_state=(state.crisis_posting_state,),
    cli=(crisis_cli.add_parser,),
)
