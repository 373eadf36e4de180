"""What the crisis workflow says to people (§4.3): the policy's own wording, kept as data in one place so the
Communications Team can read (and another council can reword) it without reading the code, and the builders
that turn what storage holds into neutral messages: the crisis card, the checklists, the prompts. Nothing here
sends or stores."""
from __future__ import annotations

from datetime import datetime

from chat.commands import typed
from chat.messages import Button, Buttons, CopyText, Divider, Fields, Form, Header, Input, Message, Note, Text, message
from chat.quoting import inert, link

SECTION = "§4.3"

# The policy's own example, word for word (with its en dash).
LISTENING_RESPONSE = ("Thank you for bringing this to our attention, we are investigating and will respond as soon "
                      "as we are able – we are listening")

# The four signs that an account is in crisis (§4.3, "Crisis management").
INDICATORS: tuple[tuple[str, str], ...] = (
    ("only_topic", "It is the only thing people are talking about, and negatively"),
    ("emotive", "It is highly emotive or a high reputational risk"),
    ("legal", "It is legal in nature or has negative legal connotations"),
    ("press", "The press have picked it up and are reporting it negatively"),
)

# What to collect while listening (§4.3: "collect as much information ... as you can").
INFORMATION_CHECKLIST: tuple[str, ...] = (
    "Who is talking?",
    "How wide is their following?",
    "How often are they posting?",
    "Are others joining in?",
    "Which hashtags are being used?",
)

# The response phase's "things to consider" (§4.3), as keys the checklist card's buttons carry.
RESPONSE_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("format", "What format will the response take: a tweet, a post, a statement, a press release, all of these?"),
    ("voice", "Is this a political response or a service response? Who is speaking?"),
    ("answers", "Does it answer the questions asked?"),
    ("public", "Is the information in the public domain?"),
    ("empathy", "Does it show empathy towards the situation?"),
    ("plain", "Is it worded in plain English, avoiding council jargon?"),
    ("tone", "Does it need to sound empathetic or authoritative?"),
    ("websites", "Have we updated websites with the correct information?"),
    ("briefed", "Have all stakeholders been briefed (political ones too, in case they are door-stepped)?"),
    ("no_spin", "No spin: are we being transparent?"),
    ("sorry", "If we are sorry, have we said we are sorry?"),
)
RESPONSE_LABELS = dict(RESPONSE_CHECKLIST)

# The post-crisis evaluation (§4.3, "Post crisis"): (form input id, question).
REVIEW_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("what_happened", "What happened?"),
    ("why", "Why did the crisis occur?"),
    ("prevent", "What can be done to try to make sure it doesn't happen again?"),
    ("channel", "How has the account been left, in followers and reputation?"),
)
REVIEW_DECISIONS: tuple[tuple[str, str], ...] = (
    ("continue", "Carry on with the account"),
    ("rebrand", "Rebrand it"),
    ("start_again", "Start again with a new account"),
    ("close", "Close it"),
)

ROLE_LABELS = {
    "starter": "raised it",
    "comms": "Communications Team",
    "manager": "manager",
    "service_lead": "service lead",
    "cabinet_member": "cabinet member",
    "local_councillor": "local councillor",
    "approver": "approver",
    "added": "added",
}

# The typed start's answer; the summary (who was reached, the room) follows by DM once the group is convened.
CONVENING = ("Convening the Crisis Management Group for *{account}* now (%s): I'll message you with the room and "
             "who has been told to stop posting in a moment." % SECTION)

BAD_DAY = (
    "From your answers this looks like a *bad day rather than a crisis*: none of the four signs in {s} applies. "
    "The policy is clear that not every bad day is a crisis.\n"
    "What usually helps instead (§4.2): read the original message again; ask whether you are the best person to "
    "reply, or whether to confirm receipt and pass it on; don't debate people's opinions; check whether someone "
    "else has already replied. If in any doubt, ask the Communications Team.\n"
    "If you still think this is a crisis, you know the situation best: tick the box below and send the form again."
).format(s=SECTION)

STOP_POSTING = (
    "*Post the listening response below once, if nobody has yet, then STOP posting on {accounts} now.* A crisis "
    "has been declared ({s}) by {starter}: {summary}\n"
    "Don't post, reply, delete anything or close the account. Stay silent until you are told you may resume; during "
    "the crisis every post needs the approval of the one approver the group appoints. The Crisis Management Group "
    "is working on it in {room}."
)

RESUME_POSTING = (
    "The crisis on {accounts} has been ended by {who}, so you may resume posting as normal. Thank you for holding "
    "off. Keep listening for a while: if it flares up again, tell the Communications Team ({s})."
)

CHECKIN = (
    "*Check-in ({s}):* the listening response is only a holding statement. Go back to the listening phase: what is "
    "being said now, and is anything new for the group to consider? Then review the group's membership – the "
    "right people on day one may not be the right people on day two (`{add}`, `{remove}`)."
)

EVENING = (
    "*A crisis does not end at 5pm ({s}).* Does the group need to keep working beyond normal hours tonight? "
    "Decide together and say who will keep listening."
)

REVIEW_INTRO = (
    "The crisis on {accounts} ended on {ended}. As important as dealing with a crisis is the evaluation afterwards "
    "({s}, \"Post crisis\"): what happened, why, how to stop it happening again, and how the account has been "
    "left. The Communications Team can help with metrics and statistics."
)


def cmd(platform: str | None, rest: str) -> str:
    """A crisis command as the person types it on their platform."""
    return typed("crisis", rest, platform)


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
    names = [inert(a["name"]) for a in crisis.accounts or []]   # "Another account" is typed
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
        Text(f"*What is happening:* {inert(crisis.summary)}"
             + (f"\n{link(crisis.link, 'The message it started from')}" if crisis.link else "")),
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
        CopyText(LISTENING_RESPONSE, label="Listening response, ready to copy"),
        text="The listening response, ready to copy")


def stop_message(crisis, starter: str) -> Message:
    """The DM each administrator of an affected account gets at once (§4.3: "post a 'listening response' and
    then STOP posting/responding immediately")."""
    text = STOP_POSTING.format(accounts=account_names(crisis), s=SECTION, starter=starter,
                               summary=inert(crisis.summary), room=room_label(crisis))
    return message(Header("STOP posting: crisis declared"), Text(text),
                   CopyText(LISTENING_RESPONSE, label="Listening response, ready to copy"),
                   text=f"STOP posting on {account_names(crisis)}: a crisis has been declared")


def resume_message(crisis, who: str) -> Message:
    return message(Header("You may resume posting"),
                   Text(RESUME_POSTING.format(accounts=account_names(crisis), who=who, s=SECTION)),
                   text=f"You may resume posting on {account_names(crisis)}")


def information_message(crisis) -> Message:
    items = "\n".join(f"• {q}" for q in INFORMATION_CHECKLIST)
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
    for key, label in RESPONSE_CHECKLIST:
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
    blocks.append(Note(f"{len(ticks)} of {len(RESPONSE_CHECKLIST)} done. Plan ahead: what follow-up questions "
                       "might come, can you answer them now or publish FAQs?"))
    return message(*blocks, text=f"Response checklist: {len(ticks)} of {len(RESPONSE_CHECKLIST)} done")


def checkin_message(crisis) -> Message:
    value = str(crisis.id)
    return message(
        Text(CHECKIN.format(s=SECTION, add=cmd(crisis.platform, "add @person"),
                                  remove=cmd(crisis.platform, "remove @person"))),
        Buttons(Button("Done: listened and reviewed", "crisis.checkin_done", value, style="primary"),
                Button("Snooze 30 minutes", "crisis.snooze", f"{value}:checkin:30"),
                Button("Snooze 1 hour", "crisis.snooze", f"{value}:checkin:60")),
        text="Crisis check-in: back to listening, and review the group")


def evening_message(crisis) -> Message:
    value = str(crisis.id)
    return message(
        Text(EVENING.format(s=SECTION)),
        Buttons(Button("Keep working tonight", "crisis.extend", value, style="primary"),
                Button("Stop for today", "crisis.stop_today", value),
                Button("Snooze 30 minutes", "crisis.snooze", f"{value}:evening:30")),
        text="A crisis does not end at 5pm: keep working tonight?")


def decided(prompt: Message, line: str) -> Message:
    """A prompt after someone answered it: the question stays, the buttons go, who did what is shown."""
    kept = tuple(b for b in prompt.blocks if not isinstance(b, Buttons))
    return Message(prompt.text, (*kept, Note(line)))


def group_lines(members, labels=ROLE_LABELS) -> tuple[list[str], list[str], list[str]]:
    """(in the room, could not be added, removed) as lines 'Name (role)' and 'Name (role): reason'."""
    inside, failed, removed = [], [], []
    for m in members:
        label = f"{m.name} ({labels.get(m.role, m.role)})"
        if m.status == "in_room":
            inside.append(label)
        elif m.status == "failed":
            failed.append(f"{label}: {inert(m.reason)}")
        else:
            removed.append(label)
    return inside, failed, removed


def status_message(crisis, tz, *, card: Message, members, ticks: dict, next_checkin=None) -> Message:
    """`next_checkin`: when the next check-in really comes (schedule.next_checkin: the next working morning when
    it falls due out of hours)."""
    inside, failed, removed = group_lines(members)
    lines = [f"*In the group:* {', '.join(inside) or 'nobody yet'}"]
    if failed:
        lines.append("*Could not be added:*\n" + "\n".join(f"• {f}" for f in failed))
    if removed:
        lines.append(f"*Removed:* {', '.join(removed)}")
    lines.append(f"*Response checklist:* {len(ticks)} of {len(RESPONSE_CHECKLIST)} ticked")
    if crisis.status == "active" and (next_checkin or crisis.next_checkin_at):
        lines.append(f"*Next check-in:* {when(next_checkin or crisis.next_checkin_at, tz)} (in working hours)")
    return Message(card.text, (*card.blocks, Divider(), Text("\n".join(lines))))


def review_request(crisis, tz, reminder: bool) -> Message:
    lead = "Reminder: the post-crisis review is still to do. " if reminder else ""
    return message(
        Header(f"Post-crisis review: crisis {crisis.id}"),
        Text(lead + REVIEW_INTRO.format(accounts=account_names(crisis), ended=when(crisis.ended_at, tz),
                                              s=SECTION)),
        Buttons(Button("Fill in the review", "crisis.review", str(crisis.id), style="primary")),
        Note("I'll remind you each working day until one of you has completed it."),
        text=f"Post-crisis review for crisis {crisis.id}")


TIMELINE_FORM = "crisis_timeline"


def timeline_form(actives, text: str | None, link: str | None, private: str) -> Form:
    """"Add to crisis timeline" when the person is in several active crises: which one, and what to add."""
    return Form(TIMELINE_FORM, "Add to crisis timeline", (
        Input("crisis", "Which crisis?", "choice", options=tuple((str(c.id), f"{c.id}: {account_names(c)}")
                                                                 for c in actives)),
        Input("text", "What to add", "long_text", initial=(text or "")[:2900] or None),
        Input("link", "Link", required=False, initial=link)), submit="Add", private=private)
