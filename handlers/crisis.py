"""`/crisis ...` (`crisis ...` in Teams), the crisis message shortcuts, buttons, forms and the crisis sweep.

Thin on purpose: each entry point resolves who and what (the person, and the crisis a command or button names)
and calls one function in dialogs/crisis (§4.3).
"""
from __future__ import annotations

from chat.registry import Action, Command, Every, Job, OnSubmit, Receipt, Shortcut, Sweep, Workflow
from chat.services import Services
from dialogs.crisis import convene, end, flow, messages, report, room, rules, schedule, start, state

from .cli import crisis as crisis_cli


async def _named(svc: Services, inv, *, bare_ok: bool, active_only: bool = True):
    """The crisis a command names (`#3 ...`, its room, or the person's one active crisis) and the rest of it."""
    crisis_id, rest = rules.split_id(inv.args, bare_ok=bare_ok)
    return await room.find(svc, inv.platform, inv.channel, inv.user.email, crisis_id, active_only=active_only), rest


async def _clicked(svc: Services, inv, crisis_id: int):
    return await room.find(svc, inv.platform, inv.channel, inv.user.email, crisis_id)


async def crisis_start(svc: Services, inv):
    return await start.start_command(svc, inv.user, inv.args, inv.request_key)


def _changing_named(change):
    """The entry point of a command that changes a named (or the only) active crisis: the crisis and the rest of
    what was typed go to `change(svc, crisis, actor, platform, rest)`."""
    async def entry(svc: Services, inv):
        crisis, rest = await _named(svc, inv, bare_ok=False)
        return await change(svc, crisis, inv.user.email, inv.platform, rest)
    return entry


def _on_any(act):
    """The entry point of a command about any crisis, ended ones too: `act(svc, crisis, actor)`."""
    async def entry(svc: Services, inv):
        crisis, _ = await _named(svc, inv, bare_ok=True, active_only=False)
        return await act(svc, crisis, inv.user.email)
    return entry


crisis_approver = _changing_named(flow.set_approver)
crisis_note = _changing_named(flow.add_note)
crisis_add = _changing_named(flow.add_person)
crisis_remove = _changing_named(flow.remove_person)
crisis_checkins = _changing_named(flow.set_checkin_interval)
crisis_end = _on_any(end.end_crisis)
crisis_report = _on_any(report.post_report)


async def crisis_status(svc: Services, inv):
    crisis, _ = await _named(svc, inv, bare_ok=True, active_only=False)
    return await flow.status(svc, crisis)


async def crisis_list(svc: Services, inv):
    return await flow.list_active(svc)


# --- message shortcuts ----------------------------------------------------------------------------------------

async def crisis_from_message(svc: Services, inv):
    return start.start_shortcut(svc, inv.text, inv.link)


async def crisis_add_to_timeline(svc: Services, inv):
    return await flow.add_message_to_timeline(svc, inv.platform, inv.channel, inv.user.email, inv.text,
                                              inv.message_author, inv.message_time, inv.link)


async def crisis_timeline_submitted(svc: Services, inv):
    return await flow.timeline_form_submitted(svc, inv.platform, inv.channel, inv.user.email, inv.values,
                                              inv.private)


# --- forms and buttons ------------------------------------------------------------------------------------------

async def crisis_start_submitted(svc: Services, inv):
    return await start.start_submitted(svc, inv.user, inv.values, inv.private, inv.request_key)


async def crisis_review_submitted(svc: Services, inv):
    return await end.review_submitted(svc, inv.user.email, inv.private, inv.values)


async def crisis_tick(svc: Services, inv):
    crisis_id, item = rules.checklist_button(inv.value)
    return await flow.tick(svc, await _clicked(svc, inv, crisis_id), item, inv.user.email)


async def crisis_untick(svc: Services, inv):
    crisis_id, item = rules.checklist_button(inv.value)
    return await flow.tick(svc, await _clicked(svc, inv, crisis_id), item, inv.user.email, untick=True)


async def crisis_snooze(svc: Services, inv):
    crisis_id, kind, minutes = rules.snooze_button(inv.value)
    return await schedule.snooze(svc, await _clicked(svc, inv, crisis_id), inv.user.email, kind, minutes)


async def crisis_checkin_done(svc: Services, inv):
    crisis_id, _ = rules.button_value(inv.value)
    return await schedule.checkin_done(svc, await _clicked(svc, inv, crisis_id), inv.user.email)


async def crisis_extend(svc: Services, inv):
    crisis_id, _ = rules.button_value(inv.value)
    return await schedule.extend(svc, await _clicked(svc, inv, crisis_id), inv.user.email, keep_working=True)


async def crisis_stop_today(svc: Services, inv):
    crisis_id, _ = rules.button_value(inv.value)
    return await schedule.extend(svc, await _clicked(svc, inv, crisis_id), inv.user.email, keep_working=False)


async def crisis_review(svc: Services, inv):
    return await end.open_review(svc, inv.user.email, inv.value)


WORKFLOW = Workflow("crisis",
    commands=(Command("crisis", "start", "Start a crisis: convene the Crisis Management Group (§4.3).",
                      usage="start [account] [what is happening]", fn=crisis_start),
              Command("crisis", "approver", "Appoint the one approver for every post during the crisis.",
                      usage="approver @person", fn=crisis_approver),
              Command("crisis", "note", "Add a line to the crisis timeline.", usage="note <text>", fn=crisis_note),
              Command("crisis", "status", "Show the crisis card, the group and the checklist so far.", usage="status",
                      fn=crisis_status),
              Command("crisis", "list", "List the active crises.", usage="list", fn=crisis_list),
              Command("crisis", "add", "Add someone to the Crisis Management Group.", usage="add @person",
                      fn=crisis_add),
              Command("crisis", "remove", "Take someone out of the Crisis Management Group.", usage="remove @person",
                      fn=crisis_remove),
              Command("crisis", "checkins", "Change how often the room is asked to listen again (hours).",
                      usage="checkins <hours>", fn=crisis_checkins),
              Command("crisis", "end", "End the crisis (the Communications Team or the approver only).", usage="end",
                      fn=crisis_end),
              Command("crisis", "report", "The crisis's timeline, checklist and review as a Markdown file.",
                      usage="report", fn=crisis_report)),
    shortcuts=(Shortcut("crisis_from_message", "Start a crisis",
                        "Convene the Crisis Management Group about this message (§4.3).", fn=crisis_from_message),
               Shortcut("crisis_add_to_timeline", "Add to crisis timeline",
                        "Put this message, its author and time on a crisis's timeline.", fn=crisis_add_to_timeline)),
    actions=(Action("crisis.tick", crisis_tick), Action("crisis.untick", crisis_untick),
             Action("crisis.snooze", crisis_snooze), Action("crisis.checkin_done", crisis_checkin_done),
             Action("crisis.extend", crisis_extend), Action("crisis.stop_today", crisis_stop_today),
             Action("crisis.review", crisis_review)),
    forms=(OnSubmit(messages.TIMELINE_FORM, crisis_timeline_submitted), OnSubmit(start.FORM_ID, crisis_start_submitted),
           OnSubmit(end.REVIEW_FORM, crisis_review_submitted)),
    sweeps=(Sweep("crisis", Every(5), schedule.sweep),),
    posting_state=(state.crisis_posting_state,),
    access_given=(convene.stop_new_administrators,),
    cli=(crisis_cli.add_parser,),
    receipts=(Receipt(convene.STOP_SENT, convene.stop_sent), Receipt(end.RESUME_SENT, end.resume_sent)),
    jobs=(Job(start.CONVENE_JOB, start.convene_job),))
