"""What the reports say: the monthly summary for the Communications Team and the review reminder."""
from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from chat.commands import typed
from chat.messages import Header, Message, Note, Text, message
from chat.quoting import inert
from chat.services import Services
from chat.wording import count as plural
from dialogs.check.rules import label as checker_label
from policy.sections import load_pack

from .rules import Monthly, TOP_CATEGORIES, VERDICTS, how_long, month_name, next_month


def category_label(category: str) -> str:
    """The checker's own words for its categories."""
    return checker_label(category)


def command(platform: str | None, text: str) -> str:
    """How a person types a command where the message is read (`/smpolicy ...` in Slack)."""
    return f"`{typed('smpolicy', text, platform)}`"


def monthly_message(m: Monthly, platform: str | None = None) -> Message:
    name = month_name(m.first)
    blocks: list = [Header(f"Monthly summary: {name}")]
    if m.checks:
        verdicts = " · ".join(f"{VERDICTS.get(v, v)} {n}" for v, n in sorted(
            m.verdicts.items(), key=lambda kv: list(VERDICTS).index(kv[0]) if kv[0] in VERDICTS else 9))
        text = f"*Posts checked (“Is this OK to post?”):* {m.checks}: {verdicts}"
        if m.categories:
            top = m.categories.most_common(TOP_CATEGORIES)
            text += "\nMost common findings: " + " · ".join(f"{category_label(c)} {n}" for c, n in top)
        text += (f"\nReported wrong (“This verdict is wrong”): {m.reported_wrong} of {m.checks} checks, "
                 f"a disagreement rate of {m.reported_wrong / m.checks:.1%}")
        blocks.append(Text(text))
    else:
        blocks.append(Text("*Posts checked:* none this month."))
    lines = []
    waiting = []
    for label, r in m.requests.items():
        if r.approved or r.rejected:
            line = f"• {label}: {r.approved} approved, {r.rejected} turned down"
            if len(r.waits) == 1:
                line += f"; decided in {how_long(r.waits[0])}"
            elif r.waits:
                line += f"; typically decided in {how_long(median(r.waits))}, longest {how_long(max(r.waits))}"
            lines.append(line)
        if r.open_at_end:
            noun = label.split(" (")[0].lower()
            waiting.append(f"{r.open_at_end} {noun[:-1] if r.open_at_end == 1 else noun}")
    text = "*Requests decided:* " + ("none this month." if not lines else "\n" + "\n".join(lines))
    if waiting:
        text += "\nStill waiting for a decision at the end of the month: " + ", ".join(waiting) + "."
    blocks.append(Text(text))
    crisis = (f"*Crises (4.3):* {m.crises_started} started, {m.crises_ended} ended, {m.reviews_done} post-crisis "
              f"{'review' if m.reviews_done == 1 else 'reviews'} completed; {m.crises_active_at_end or 'none'} still active at the end of the month.")
    blocks.append(Text(crisis))
    answered = m.foi_on_time + m.foi_late + m.foi_unknown
    foi = f"*Information requests (8.1):* {m.foi_new} new; {answered} answered"
    if answered:
        foi += f", {m.foi_on_time} on time and {m.foi_late} late"
        foi += f" ({m.foi_unknown} without a recorded due date)" if m.foi_unknown else ""
    foi += f"; {m.foi_closed_otherwise} closed without needing an answer." if m.foi_closed_otherwise else "."
    blocks.append(Text(foi))
    if m.pauses:
        blocks.append(Text("*Mourning pauses (4.4):* " + "; ".join(inert(p) for p in m.pauses)))   # reasons typed
    last = next_month(m.first) - timedelta(days=1)
    export = command(platform, f"audit export {m.first.isoformat()} {last.isoformat()}")
    blocks.append(Note(f"From the audit trail ({plural(m.events, 'event')} in {name}). Every event: {export} (6.2)."))
    return message(*blocks, text=f"Monthly summary: {name}")


def review_message(svc: Services, approved: date, due: date) -> Message:
    pack = load_pack()
    version = pack.policy_version
    return message(
        Header("Time to review the Social Media Policy"),
        Text(f"The policy is “reviewed by the Senior Communications Officer annually from the date of last "
             f"approval” (6.1). It was last approved on {approved:%-d %B %Y}, so its review was due on "
             f"{due:%-d %B %Y}."),
        Text("Please review it (the policy, its appendices and the bot's policy pack, which quotes it) and have "
             "it re-approved. When it's done, record it with `/smpolicy policy-review done` (in Teams, "
             "`policy-review done`) so next year's reminder counts from the new date."),
        Note(f"Current text: {version}. 6.1 Authorisation, approval dates and review dates."),
        text="Time to review the Social Media Policy (6.1)")
