"""Everything an FOI case says to people: the form, the confirmation with the customer replies (8.1), the email
to Information Management, the channel notices, the daily DM and summary, and `foi list`. Plain British English;
each cites its section. Builders only: nothing here sends or stores."""
from __future__ import annotations

from datetime import date

from chat.commands import typed
from chat.mail import Email
from chat.messages import (Button, Buttons, CopyText, Divider, Fields, Form, Header, Input, Message, Note, PersonRef,
                           Text, message)
from chat.quoting import inert

from .rules import KIND_LABELS, PLATFORMS, SHORT_KIND, VISIBILITY, day_text, rule_text, short_day, standing


def help_message(platform: str | None) -> Message:
    """`foi` with nothing the bot knows after it: what each subcommand does, as the person types it."""
    def cmd(text: str) -> str:
        return f"`{typed('smpolicy', text, platform)}`"

    return message(Text(
        "*FOI, EIR and subject access requests* (8.1)\n"
        f"{cmd('foi')} – forward a request to Information Management (or use *Forward as FOI request* on the "
        "message)\n"
        f"{cmd('foi list')} – your open cases (Information Management: everyone's)\n"
        f"{cmd('foi show REF')} – one case, with the question and the requester's details\n"
        f"{cmd('foi done REF')} – the requester has had the answer; reminders stop\n"
        f"{cmd('foi reassign REF @person')} – hand a case to someone else\n"
        f"{cmd('foi clarify REF')} / {cmd('foi resume REF')} – stop the clock while you wait for the requester, "
        "restart it\n"
        f"{cmd('foi extend REF')} – EIR only: 40 working days for a complex and voluminous request\n"
        f"{cmd('foi holiday add YYYY-MM-DD NAME')} – Communications Team: add a proclaimed bank holiday"))


FORM_ID = "foi_form"
REASSIGN_FORM_ID = "foi_reassign"
X_LIMIT = 280
SFRS_NOTE = ("Fire and Rescue: don't discuss the incident details asked about on open social media (8.2 2.5: crew "
             "numbers, crews off the run, casualties, fatalities, exact locations, ILO or sensitive operational "
             "information). The FOI Team will answer formally.")
DOUBT_NOTE = ("If they would rather be answered on social media, the request is still valid and is handled in the "
              "same way (8.1). If in any doubt, contact the FOI Team at once: there are statutory time limits.")


def foi_form(today: date, *, question: str | None = None, link: str | None = None, kind: str = "foi",
             kind_why: str | None = None, owner: PersonRef | None = None, values: dict | None = None,
             sfrs: bool = False) -> Form:
    """The forwarding form; `values` (a submission being re-drawn with its errors) win over the defaults."""
    v = values or {}
    intro = [Text("A request for information made on social media is valid wherever it arrives, in public or in "
                  "a private message, and the legal time limit runs from the day it was received (8.1). I'll "
                  "email it to Information Management, tell the Communications Team and give you a reply to send "
                  "the customer.")]
    if kind_why:
        intro.append(Note(f"I've suggested *{SHORT_KIND[kind]}* because {kind_why}. Change it if that's wrong; "
                          "if unsure, choose FOI."))
    if sfrs:
        intro.append(Note(SFRS_NOTE))
    inputs = (
        Input("question", "The customer's question", "long_text", initial=v.get("question", question),
              hint="As they asked it. Leave out anything else from the thread."),
        Input("source_platform", "Where was it asked?", "choice", tuple(PLATFORMS.items()),
              initial=v.get("source_platform")),
        Input("visibility", "Public post or private message?", "choice",
              (("public", "A public post or comment"), ("private", "A private or direct message")),
              initial=v.get("visibility")),
        Input("link", "Link to the post or message", required=False, initial=v.get("link", link),
              placeholder="https://"),
        Input("requester_handle", "Their name or handle", required=False, initial=v.get("requester_handle"),
              placeholder="@name"),
        Input("requester_email", "Their email address, if they gave one", required=False,
              initial=v.get("requester_email")),
        Input("received", "Date received", "date", initial=v.get("received") or today,
              hint="The day it arrived, even a weekend: the time limit counts from then."),
        Input("kind", "Type of request", "choice", tuple(KIND_LABELS.items()), initial=v.get("kind") or kind),
        Input("owner", "Case owner", "person", required=False, initial=v.get("owner") or owner,
              hint="Who gets the daily reminder until it is answered. Leave as you to own it yourself."),
    )
    return Form(FORM_ID, "Forward FOI request", inputs, submit="Forward", intro=tuple(intro))


def reassign_form(ref: str, owner_label: str) -> Form:
    return Form(REASSIGN_FORM_ID, "Reassign FOI case", (
        Input("owner", "New owner", "person", hint=f"{ref} is owned by {owner_label} now."),), submit="Reassign",
        private=ref)


def source_text(case) -> str:
    return f"{PLATFORMS.get(case.source_platform, case.source_platform)}, {VISIBILITY.get(case.visibility, '')}"


def customer_replies(case, im_address: str | None) -> tuple[str, str]:
    """The two replies 8.1 suggests, with the organisation's own address (the full one and the X-length one)."""
    contact = im_address or "our Information Management Team"
    if case.requester_email:
        full = ("Thank you for your request. We have passed it to our Freedom of Information Team, who will be "
                "in contact with you shortly at the email address you gave us. If you have any questions in the "
                f"meantime, please contact {contact}.")
        short = "Thanks for the request. We've passed it to our FOI team, who will be in touch by email shortly."
        return full, short
    full = ("Thank you for your request. Our Freedom of Information Team will be in contact with you shortly. In "
            "the meantime you may wish to provide the Team with a direct email address to send the response to, "
            f"if you would like to do this please contact {contact} or reply to this message with an email "
            "address we can use.")
    if case.visibility == "private":
        short = ("Thanks for the request. Please reply with your email and we will pass that on to the FOI team "
                 "who will be in contact shortly.")
    else:
        short = ("Thanks for the request. Please DM us your email and we will pass that on to the FOI team who "
                 "will be in contact shortly.")
    return full, short


def case_fields(case, owner_label: str) -> Fields:
    due = day_text(case.due)
    return Fields([
        ("Type", KIND_LABELS[case.kind] + (" – extended" if case.extended else "")),
        ("Received", day_text(case.received)),
        ("Due", f"{due}\n{rule_text(case.kind, case.extended)}"),
        ("Owner", owner_label),
        ("Source", source_text(case)),
    ])


def confirmation(case, *, status: str, owner_label: str, im_address: str | None, reason: str | None = None,
                 overdue_words: str | None = None, sfrs: bool = False, duplicate: bool = False) -> Message:
    """What the forwarder sees: the case, whether the email went, and the replies to copy (8.1)."""
    ref = case.reference
    if status == "sent":
        head = f"{ref}: forwarded to Information Management"
        line = f"Emailed to {im_address} with a copy to the Communications Team."
    elif status == "sending":
        head = f"{ref}: saved and being emailed"
        line = ("The email to Information Management is on its way. If it doesn't go, I'll keep trying and tell "
                "you; nothing is lost.")
    else:
        head = f"{ref}: saved – email not yet sent"
        line = (f"I couldn't email Information Management just now ({reason or 'the mail server did not answer'})."
                " The case is saved as *not yet sent*; I'll keep trying every 15 minutes and tell you when it "
                "has gone. Nothing is lost. If it is urgent, forward the question to "
                f"{im_address or 'Information Management'} yourself as well (8.1).")
    if duplicate:
        line = "You forwarded this a moment ago, so this is the same case. " + line
    full, short = customer_replies(case, im_address)
    blocks = [Header(head), case_fields(case, owner_label), Text(line)]
    if overdue_words:
        blocks.append(Text(f"*This request is already {overdue_words}.* Tell Information Management today."))
    blocks += [Text("*Now reply to the customer* (8.1): thank them and tell them what happens next."),
               CopyText(full, label="Suggested reply"),
               CopyText(short, label="X (Twitter) length")]
    if sfrs:
        blocks.append(Note(SFRS_NOTE))
    blocks.append(Note(DOUBT_NOTE))
    return message(*blocks, text=head)


def email_for(case, *, to: str, cc: str | None, creator_label: str, owner_label: str, message_id: str | None,
              reply_to: str | None) -> Email:
    requester = ", ".join(p for p in (case.requester_handle, case.requester_email) if p) or "not given"
    subject = (f"[{case.reference}] {KIND_LABELS[case.kind]} request received on "
               f"{PLATFORMS.get(case.source_platform, case.source_platform)} – due {case.due.isoformat()}")
    body = "\n".join([
        "A request for information received on social media has been forwarded under the Social Media Policy, "
        "appendix 8.1.",
        "",
        f"Reference:     {case.reference}",
        f"Type:          {KIND_LABELS[case.kind]}",
        f"Received:      {day_text(case.received)}",
        f"Due:           {day_text(case.due)} ({rule_text(case.kind, case.extended)})",
        f"Source:        {source_text(case)}",
        f"Link:          {case.link or 'not given'}",
        f"Requester:     {requester}",
        f"Forwarded by:  {creator_label}",
        f"Case owner:    {owner_label}",
        "",
        "The question, as received:",
        "",
        case.question or "(removed)",
        "",
        "--",
        "Sent by the smpolicy bot. Reply to this email to reach the person who forwarded it. Please quote the "
        "reference above.",
    ])
    return Email(to=(to,), cc=(cc,) if cc else (), subject=subject, body=body, reply_to=reply_to,
                 message_id=message_id)


def announcement(case, *, creator_label: str, owner_label: str, im_address: str | None) -> Message:
    """For the Communications Team and Information Management channels: no question, no requester details."""
    head = f"{case.reference}: {SHORT_KIND[case.kind]} request from {PLATFORMS.get(case.source_platform, 'social media')}"
    return message(
        Header(head),
        Text(f"{creator_label} forwarded a request for information received as {VISIBILITY.get(case.visibility)}."
             f" It is due on *{day_text(case.due)}*."),
        Fields([("Reference", case.reference), ("Received", day_text(case.received)), ("Owner", owner_label)]),
        Note("The question, the link and the requester's details went by email to "
             f"{im_address or 'Information Management'}, not into chat. 8.1: tell the Communications Team about "
             "every request."),
        text=head)


def case_buttons(case) -> Buttons:
    buttons = [Button("Done", "foi.done", case.reference, "primary")]
    if case.kind == "eir" and not case.extended:
        buttons.append(Button("Extend (EIR)", "foi.extend", case.reference))
    buttons.append(Button("Reassign", "foi.reassign", case.reference))
    return Buttons(*buttons)


def case_line(case, standing_words: str, owner_label: str | None = None) -> str:
    kind = SHORT_KIND[case.kind] + (" (extended)" if case.extended else "")
    paused = " · clock stopped" if case.state == "clarifying" else ""
    who = f" · {owner_label}" if owner_label else ""
    return f"*{case.reference}* · {kind} · due {short_day(case.due)} · {standing_words}{paused}{who}"


def sent_later(case, im_address: str | None) -> Message:
    return message(Text(f"{case.reference} has now been emailed to {im_address or 'Information Management'} "
                        "(8.1). Nothing more to do about the email."))


def not_sent_yet(case, reason: str | None) -> Message:
    why = reason or "the mail server did not answer"
    return message(Text(f"The email for {case.reference} hasn't gone yet ({why}). The case is saved as *not yet "
                        "sent* and I'll keep trying; nothing is lost."))


def new_owner_dm(case, by_label: str) -> Message:
    return message(
        Text(f"{by_label} has made you the owner of *{case.reference}*, a "
             f"{KIND_LABELS[case.kind]} request due on *{day_text(case.due)}* (8.1). I'll remind you each working "
             "day at 09:00 until it is marked done."),
        case_buttons(case), text=f"You now own {case.reference}")


def due_changed_dm(changes: list[tuple[str, date, date]], why: str) -> Message:
    lines = "\n".join(f"*{ref}*: was {short_day(old)}, now *{short_day(new)}*" for ref, old, new in changes)
    return message(Text(f"{why}, so the due dates of your FOI cases have changed:\n{lines}"),
                   Note("Working days leave out weekends and bank holidays anywhere in the UK (FOIA s10(6))."),
                   text="Your FOI due dates have changed")


def case_details(case, owner_label: str, cal_standing: str) -> Message:
    """`foi show REF`, for the owner and Information Management: the case with its personal details, if kept."""
    if case.redacted_at is not None:
        held = [Note("The question, the link and the requester's details were removed under the retention "
                     "period; the reference, dates and outcome are kept.")]
    else:
        requester = ", ".join(p for p in (case.requester_handle, case.requester_email) if p) or "not given"
        held = [Fields([("Requester", inert(requester)), ("Link", inert(case.link) or "not given")]),
                CopyText(case.question or "", label="The question, as received")]
    state = {"open": cal_standing, "clarifying": "clock stopped while waiting for the requester",
             "closed": f"closed ({case.outcome})"}[case.state]
    emailed = "emailed" if case.email_state == "sent" else "not yet sent (the bot is retrying)"
    last = case_buttons(case) if case.state != "closed" else Note("Closed cases get no reminders.")
    return message(Header(f"{case.reference}: {state}"), case_fields(case, owner_label),
                   Text(f"Email to Information Management: {emailed}."), *held, last,
                   text=f"{case.reference}: {state}")


MAX_LISTED = 12        # cases with buttons in one DM (Slack allows 50 blocks a message)
MAX_LINES = 40         # lines in a list or summary


def digest_message(today: date, d, cal, platform: str | None = None) -> Message:
    """d: a digest.Digest. Every open case is named with its reference, due date and buttons, soonest due
    first (8.1: each has a statutory time limit); past MAX_LISTED the rest are counted and `foi list` shows
    them."""
    parts = []
    if d.n_overdue:
        parts.append(f"{d.n_overdue} overdue")
    if d.n_soon:
        parts.append(f"{d.n_soon} due within 5 working days")
    if d.later:
        parts.append(f"{d.later} due later")
    if d.paused:
        parts.append(f"{d.paused} with the clock stopped")
    open_cases = d.n_overdue + d.n_soon + d.later + d.paused
    head = f"Your FOI cases: {open_cases} open" + (f" ({', '.join(parts)})" if parts else "")
    blocks: list = [Header(head)]
    for case in d.listed[:MAX_LISTED]:
        blocks.append(Text(case_line(case, standing(case.due, today, cal).words())))
        blocks.append(case_buttons(case))
    hidden = open_cases - min(len(d.listed), MAX_LISTED)
    if hidden > 0:
        blocks.append(Text(f"…and {hidden} more, due later. `{typed('smpolicy', 'foi list', platform)}` shows "
                           "them all."))
    blocks.append(Note(f"{day_text(today)}. Requests have statutory time limits (8.1): FOI and EIR 20 working "
                       "days, subject access one calendar month. Press Done when the requester has had the answer."))
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
    # Posted to the channel on every platform it has, so both ways of typing it.
    blocks.append(Note(f"{day_text(today)}. Each owner also has their own reminder. `/smpolicy foi list` (in Teams, "
                       "`foi list`) shows every case."))
    return message(*blocks, text=head)


def list_message(today: date, cases: list, cal, name, everyone: bool, platform: str | None = None) -> Message:
    def cmd(text: str) -> str:
        return f"`{typed('smpolicy', text, platform)}`"

    who = "All open FOI cases" if everyone else "Your open FOI cases"
    if not cases:
        return message(Text(f"{who}: none. To forward a request, use {cmd('foi')} or the message shortcut "
                            "*Forward as FOI request* (8.1)."))
    shown = cases[:MAX_LINES]
    body = "\n".join(case_line(c, standing(c.due, today, cal).words(), name(c.owner_email) if everyone else None)
                     for c in shown)
    blocks = [Header(f"{who} ({len(cases)})"), Text(body)]
    if len(cases) > len(shown):
        blocks.append(Text(f"…and {len(cases) - len(shown)} more, due later."))
    blocks.append(Note(f"{cmd('foi done REF')} when answered · {cmd('foi reassign REF @person')} · "
                       f"{cmd('foi clarify REF')} stops the clock while you wait for the requester · "
                       f"{cmd('foi resume REF')} restarts it."))
    return message(*blocks, text=f"{who} ({len(cases)})")
