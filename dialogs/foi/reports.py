"""The daily DM to an owner, the daily summary for Information Management, and `foi list`."""
from __future__ import annotations

from datetime import date

from chat.messages import Divider, Header, Message, Note, Text, message

from .rules import day_text, standing
from .texts import case_buttons, case_line

MAX_LISTED = 12        # cases with buttons in one DM (Slack allows 50 blocks a message)
MAX_LINES = 40         # lines in a list or summary


def digest_message(today: date, d, cal) -> Message:
    """d: a digest.Digest (the first cases to list, and the counts of each kind)."""
    parts = []
    if d.n_overdue:
        parts.append(f"{d.n_overdue} overdue")
    if d.n_soon:
        parts.append(f"{d.n_soon} due within 5 working days")
    head = "Your FOI cases: " + (", ".join(parts) if parts else "nothing due this week")
    blocks: list = [Header(head)]
    shown = 0
    for title, cases in (("Overdue", d.overdue), ("Due within 5 working days", d.soon)):
        if not cases or shown >= MAX_LISTED:
            continue
        blocks.append(Text(f"*{title}*"))
        for case in cases[:MAX_LISTED - shown]:
            blocks.append(Text(case_line(case, standing(case.due, today, cal).words())))
            blocks.append(case_buttons(case))
            shown += 1
    hidden = d.n_overdue + d.n_soon - shown
    rest = []
    if hidden:
        rest.append(f"{hidden} more overdue or due soon")
    if d.later:
        rest.append(f"{d.later} due later")
    if d.paused:
        rest.append(f"{d.paused} with the clock stopped while you wait for the requester")
    if rest:
        blocks.append(Text("Also open: " + "; ".join(rest) + ". `foi list` shows them all."))
    blocks.append(Note(f"{day_text(today)}. Requests have statutory time limits (8.1): FOI and EIR 20 working "
                       "days, subject access one month. Press Done when the requester has had the answer."))
    return message(*blocks, text=head)


def summary_message(today: date, counts: dict, worst: list, cal, name) -> Message:
    """One message a day for Information Management: the counts, then the worst cases first."""
    total = counts["total"]
    head = f"Open FOI cases: {total}"
    later = total - counts["overdue"] - counts["soon"] - counts["paused"]
    lines = [f"*{counts['overdue']}* overdue · *{counts['soon']}* due within 5 working days · "
             f"*{counts['paused']}* with the clock stopped · *{later}* due later"]
    if counts.get("unsent"):
        lines.append(f"*{counts['unsent']}* not yet emailed to you (the bot is retrying).")
    blocks: list = [Header(head), Text("\n".join(lines))]
    if worst:
        blocks += [Divider(), Text("\n".join(case_line(c, standing(c.due, today, cal).words(), name(c.owner_email))
                                             for c in worst))]
        more = counts["overdue"] + counts["soon"] - len(worst)
        if more > 0:
            blocks.append(Text(f"…and {more} more overdue or due soon."))
    blocks.append(Note(f"{day_text(today)}. Each owner also has their own reminder. `foi list` shows every case."))
    return message(*blocks, text=head)


def list_message(today: date, cases: list, cal, name, everyone: bool) -> Message:
    who = "All open FOI cases" if everyone else "Your open FOI cases"
    if not cases:
        return message(Text(f"{who}: none. To forward a request, use `foi` or the message shortcut "
                            "*Forward as FOI request* (8.1)."))
    shown = cases[:MAX_LINES]
    body = "\n".join(case_line(c, standing(c.due, today, cal).words(), name(c.owner_email) if everyone else None)
                     for c in shown)
    blocks = [Header(f"{who} ({len(cases)})"), Text(body)]
    if len(cases) > len(shown):
        blocks.append(Text(f"…and {len(cases) - len(shown)} more, due later."))
    blocks.append(Note("`foi done REF` when answered · `foi reassign REF @person` · `foi clarify REF` stops the "
                       "clock while you wait for the requester · `foi resume REF` restarts it."))
    return message(*blocks, text=f"{who} ({len(cases)})")
