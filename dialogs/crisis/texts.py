"""Every fixed piece of wording the crisis workflow uses, taken from §4.3 of the Social Media Policy.

Kept as data in one place so the Communications Team can read (and another council can reword) what the bot
says without reading the workflow's code.
"""
from __future__ import annotations

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

BAD_DAY = (
    "From your answers this looks like a *bad day rather than a crisis*: none of the four signs in {s} applies. "
    "The policy is clear that not every bad day is a crisis.\n"
    "What usually helps instead (§4.2): read the original message again; ask whether you are the best person to "
    "reply, or whether to confirm receipt and pass it on; don't debate people's opinions; check whether someone "
    "else has already replied. If in any doubt, ask the Communications Team.\n"
    "If you still think this is a crisis, you know the situation best: tick the box below and send the form again."
).format(s=SECTION)

STOP_POSTING = (
    "*Please STOP posting on {accounts} now.* A crisis has been declared ({s}) by {starter}: {summary}\n"
    "Don't post, reply, delete anything or close the account. Post the listening response once if nobody has yet, "
    "then stay silent until the crisis approver says otherwise. The Crisis Management Group is working on it in "
    "{room}."
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
