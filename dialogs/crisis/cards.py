"""What the crisis workflow shows people, as neutral messages: the crisis card, the checklists, the prompts.

Builders only: they take what storage holds and return `chat.messages.Message`; nothing here sends or stores.
"""
from __future__ import annotations

from datetime import datetime

from chat.messages import Button, Buttons, CopyText, Divider, Fields, Header, Message, Note, Text, message

from . import texts
from .texts import SECTION


def cmd(platform: str, rest: str) -> str:
    """A crisis command as the person types it on their platform."""
    return f"/crisis {rest}" if platform == "slack" else f"crisis {rest}"


def when(at: datetime | None, tz) -> str:
    if at is None:
        return "–"
    return at.astimezone(tz).strftime("%a %-d %b %Y, %H:%M")


def every(minutes: int) -> str:
    """'every hour', 'every 2 hours', 'every 1.5 hours'."""
    hours = minutes / 60
    return "every hour" if hours == 1 else f"every {hours:g} hours"


def clock(at: datetime, tz) -> str:
    return at.astimezone(tz).strftime("%H:%M")


def account_names(crisis) -> str:
    names = [a["name"] for a in crisis.accounts or []]
    if len(names) <= 1:
        return names[0] if names else "the account"
    return ", ".join(names[:-1]) + " and " + names[-1]


def room_label(crisis) -> str:
    if crisis.room_id and crisis.platform == "slack" and crisis.room_id.startswith(("C", "G")):
        return f"<#{crisis.room_id}>"
    return crisis.room_name


def crisis_card(crisis, tz, *, starter: str, approver: str | None, ended_by: str | None = None) -> Message:
    """The pinned card: status, accounts, approver, started by, started at."""
    active = crisis.status == "active"
    status = "🔴 Active" if active else f"✅ Ended by {ended_by or 'the group'}, {when(crisis.ended_at, tz)}"
    approver_text = approver or f"Not yet appointed – `{cmd(crisis.platform, 'approver @person')}`"
    blocks = [
        Header(f"Crisis {crisis.id}: {account_names(crisis)}"),
        Fields([("Status", status), ("Accounts", account_names(crisis)), ("Approver for every post", approver_text),
                ("Started by", starter), ("Started at", when(crisis.started_at, tz)),
                ("Room", room_label(crisis))]),
        Text(f"*What is happening:* {crisis.summary}" + (f"\n<{crisis.link}|The message it started from>"
                                                         if crisis.link else "")),
    ]
    if active:
        blocks.append(Note(f"Crisis management, {SECTION}. Nothing is posted on {account_names(crisis)} without the "
                           f"approver. `{cmd(crisis.platform, 'note <text>')}` adds to the timeline; "
                           f"`{cmd(crisis.platform, 'status')}` shows this card again."))
    return message(*blocks, text=f"Crisis {crisis.id}: {account_names(crisis)} ({'active' if active else 'ended'})")


def listening_message(crisis) -> Message:
    return message(
        Text(f"*Step 1: post this listening response on {account_names(crisis)}, once, then STOP posting and "
             f"replying* ({SECTION}). Silence makes people think we are afraid to answer or ignoring them; this buys "
             "the group time to assess the situation."),
        CopyText(texts.LISTENING_RESPONSE, label="Listening response, ready to copy"),
        text="The listening response, ready to copy")


def information_message(crisis) -> Message:
    items = "\n".join(f"• {q}" for q in texts.INFORMATION_CHECKLIST)
    return message(
        Text(f"*Step 2: listen and gather information* ({SECTION}): capture everything before deciding next steps."),
        Text(items),
        Note(f"Add what you find to the timeline: `{cmd(crisis.platform, 'note <what you found>')}`, or use "
             "*Add to crisis timeline* on any message."),
        text="Gather information while you listen")


def checklist_card(crisis, ticks: dict, tz) -> Message:
    """The response checklist the group ticks; who ticked each item and when is shown beside it."""
    active = crisis.status == "active"
    blocks: list = [Header("Response checklist (§4.3)"),
                    Text("The listening response is only a holding statement. Before any response is posted, "
                         "the group works through these; tick each one as you agree it.")]
    for key, label in texts.RESPONSE_CHECKLIST:
        value = f"{crisis.id}:{key}"
        done = ticks.get(key)
        if done:
            blocks.append(Text(f"✅ *{label}*\n_Ticked by {done.ticked_by_name}, {when(done.ticked_at, tz)}_"))
            if active:
                blocks.append(Buttons(Button("Untick", "crisis.untick", value)))
        else:
            blocks.append(Text(f"⬜ {label}"))
            if active:
                blocks.append(Buttons(Button("Tick", "crisis.tick", value, style="primary")))
    blocks.append(Note(f"{len(ticks)} of {len(texts.RESPONSE_CHECKLIST)} done. Plan ahead: what follow-up questions "
                       "might come, can you answer them now or publish FAQs?"))
    return message(*blocks, text=f"Response checklist: {len(ticks)} of {len(texts.RESPONSE_CHECKLIST)} done")


def checkin_message(crisis) -> Message:
    value = str(crisis.id)
    return message(
        Text(texts.CHECKIN.format(s=SECTION, add=cmd(crisis.platform, "add @person"),
                                  remove=cmd(crisis.platform, "remove @person"))),
        Buttons(Button("Done: listened and reviewed", "crisis.checkin_done", value, style="primary"),
                Button("Snooze 30 minutes", "crisis.snooze", f"{value}:checkin:30"),
                Button("Snooze 1 hour", "crisis.snooze", f"{value}:checkin:60")),
        text="Crisis check-in: back to listening, and review the group")


def evening_message(crisis) -> Message:
    value = str(crisis.id)
    return message(
        Text(texts.EVENING.format(s=SECTION)),
        Buttons(Button("Keep working tonight", "crisis.extend", value, style="primary"),
                Button("Stop for today", "crisis.stop_today", value),
                Button("Snooze 30 minutes", "crisis.snooze", f"{value}:evening:30")),
        text="A crisis does not end at 5pm: keep working tonight?")


def decided(prompt: Message, line: str) -> Message:
    """A prompt after someone answered it: the question stays, the buttons go, who did what is shown."""
    kept = tuple(b for b in prompt.blocks if not isinstance(b, Buttons))
    return Message(prompt.text, (*kept, Note(line)))


def group_lines(members, labels=texts.ROLE_LABELS) -> tuple[list[str], list[str], list[str]]:
    """(in the room, could not be added, removed) as lines 'Name (role)' and 'Name (role): reason'."""
    inside, failed, removed = [], [], []
    for m in members:
        label = f"{m.name} ({labels.get(m.role, m.role)})"
        if m.status == "in_room":
            inside.append(label)
        elif m.status == "failed":
            failed.append(f"{label}: {m.reason}")
        else:
            removed.append(label)
    return inside, failed, removed


def status_message(crisis, tz, *, card: Message, members, ticks: dict) -> Message:
    inside, failed, removed = group_lines(members)
    lines = [f"*In the group:* {', '.join(inside) or 'nobody yet'}"]
    if failed:
        lines.append("*Could not be added:*\n" + "\n".join(f"• {f}" for f in failed))
    if removed:
        lines.append(f"*Removed:* {', '.join(removed)}")
    lines.append(f"*Response checklist:* {len(ticks)} of {len(texts.RESPONSE_CHECKLIST)} ticked")
    if crisis.status == "active" and crisis.next_checkin_at:
        lines.append(f"*Next check-in:* {when(crisis.next_checkin_at, tz)} (in working hours)")
    return Message(card.text, (*card.blocks, Divider(), Text("\n".join(lines))))


def review_request(crisis, tz, reminder: bool) -> Message:
    lead = "Reminder: the post-crisis review is still to do. " if reminder else ""
    return message(
        Header(f"Post-crisis review: crisis {crisis.id}"),
        Text(lead + texts.REVIEW_INTRO.format(accounts=account_names(crisis), ended=when(crisis.ended_at, tz),
                                              s=SECTION)),
        Buttons(Button("Fill in the review", "crisis.review", str(crisis.id), style="primary")),
        Note("I'll remind you each working day until one of you has completed it."),
        text=f"Post-crisis review for crisis {crisis.id}")
