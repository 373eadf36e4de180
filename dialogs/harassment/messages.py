"""What a harassment report says (3.9): the form, the manager's DM, the Communications Team's notice (the
offending account only: never who was targeted or what was said, as a channel has more readers), the email to
HR, what the reporter is told, and the blocked-accounts list."""
from __future__ import annotations

from chat.commands import typed
from chat.mail import Email
from chat.messages import Form, Header, Input, Message, Note, Text, message
from chat.quoting import inert

from .rules import MAX_DETAILS, PLATFORM_NAMES, PLATFORMS

FORM_ID = "harassment_report"
SECTION = "3.9"


def account_words(platform: str, handle: str) -> str:
    return f"*{inert(handle)}* on {PLATFORM_NAMES.get(platform, platform)}"


def report_form(*, platform: str | None = None, handle: str | None = None, details: str | None = None) -> Form:
    return Form(FORM_ID, "Report harassment", (
        Input("platform", "Where did it happen?", "choice", options=PLATFORMS, initial=platform),
        Input("handle", "The account's name or handle", initial=handle, placeholder="@jo_bloggs",
              hint="As the platform shows it. The Communications Team blocks it across our channels (3.9)."),
        Input("details", "What happened (optional)", "long_text", required=False,
              initial=(details or "")[:MAX_DETAILS] or None,
              hint="Goes to your manager and HR in their message; it is not stored and not posted to a channel."),
    ), submit="Report", intro=(Text(
        "If you're being bullied, harassed or discriminated against on social media, the policy says to speak to "
        "your manager or Human Resources straight away, and to tell the Communications Team so they can alert "
        "the other channels (3.9). This form does both."),))


def manager_dm(reporter_label: str, platform: str, handle: str, details: str, ref: str) -> Message:
    blocks = [Header("Online harassment reported"),
              Text(f"{reporter_label}, who reports to you, has reported harassment or bullying from "
                   f"{account_words(platform, handle)} ({ref}). The policy asks managers to support them (3.9): "
                   "please speak to them today. The Bullying and Harassment policy is on mySCC under Ask HR.")]
    if details:
        blocks.append(Text(f"*What they said happened:*\n{inert(details)}"))
    blocks.append(Note("The Communications Team has been told, to warn the other channels and block the account."))
    return message(*blocks, text=f"{reporter_label} has reported online harassment")


def comms_notice(platform: str, handle: str, ref: str, reports: int, new: bool, platform_for_commands: str | None
                 ) -> Message:
    seen = ("It is new to the blocked-accounts list." if new else
            f"It was reported before: {reports} reports so far.")
    return message(
        Header("Online harassment reported"),
        Text(f"A member of staff has reported harassment or bullying from {account_words(platform, handle)} "
             f"({ref}). Please alert the administrators of our other channels to possible abuse from this account, "
             f"and block it from all our channels (3.9). {seen}"),
        Note(f"The blocked-accounts list: `{typed('smpolicy', 'blocked', platform_for_commands)}`. Who reported "
             "it and what was said went to their manager, not to this channel."),
        text="Online harassment reported")


def hr_email(*, to: str, reporter_label: str, manager_label: str | None, platform: str, handle: str,
             details: str, ref: str, message_id: str | None) -> Email:
    lines = ["A member of staff has reported online harassment or bullying through the social media policy bot "
             "(3.9).", "",
             f"Reference:     {ref}",
             f"Reported by:   {reporter_label}",
             f"Their manager: {manager_label or 'not in the organisation file'}",
             f"Account:       {handle} on {PLATFORM_NAMES.get(platform, platform)}"]
    if details:
        lines += ["", "What they said happened:", details]
    lines += ["", "The Communications Team has been asked to alert the other channels and block the account."]
    return Email(to=(to,), subject=f"[{ref}] Online harassment reported (3.9)", body="\n".join(lines),
                 message_id=message_id)


def reported(ref: str, platform: str, handle: str, told: list[str], not_told: list[str]) -> Message:
    blocks = [Text(f"*{ref}*: thank you for reporting it. I've told {', '.join(told)} (3.9). "
                   f"{account_words(platform, handle)} is on the Communications Team's blocked-accounts list, and "
                   "they will alert the other channels and block it.")]
    if not_told:
        blocks.append(Text("*Not told:* " + " ".join(not_told)))
    blocks.append(Note("Don't reply to the account. If you feel unsafe, contact the police. The Bullying and "
                       "Harassment policy is on mySCC under Ask HR (3.9)."))
    return message(*blocks, text=f"{ref}: harassment reported")


def hr_not_sent_yet(ref: str, reason: str) -> Message:
    return message(Text(f"*{ref}*: the email to Human Resources hasn't gone yet ({reason}). I'll keep trying, but "
                        "the policy says to speak to your manager or Human Resources straight away, so please "
                        "contact HR yourself as well (3.9)."))


def hr_sent_later(ref: str, hr: str) -> Message:
    return message(Text(f"*{ref}* has now been emailed to Human Resources ({hr}) (3.9)."))


def already() -> Message:
    return message(Text("That report was already sent (3.9): nobody was told twice."))


def blocked_list(rows, day) -> Message:
    if not rows:
        return message(Text("The blocked-accounts list is empty: nobody has reported harassment through the bot "
                            "(3.9)."))
    lines = [f"• {account_words(r.platform, r.handle)} · {r.reports} report{'s' if r.reports != 1 else ''} · "
             f"last {day(r.last_reported_at)}" for r in rows[:100]]
    more = [Text(f"…and {len(rows) - 100} more.")] if len(rows) > 100 else []
    return message(Header(f"Blocked accounts ({len(rows)})"), Text("\n".join(lines)), *more,
                   Note("Persistent offenders and abusive accounts are blocked from all our channels to protect "
                        "staff (3.9)."), text=f"Blocked accounts ({len(rows)})")
