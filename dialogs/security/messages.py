"""What a security report says: the verdict's button, the email to Information Management (the reference and
the kind of material, never the post or the secret) and what the reporter is told (2.10)."""
from __future__ import annotations

from chat.mail import Email
from chat.messages import Button, Message, Note, Text, message

from .rules import Offer, button_value, kinds_in_words

REPORT_ACTION = "security.report"
FORM_NAME = "Information Security Incident report form on mySCC"


def report_button(offer: Offer) -> Button:
    return Button("Report to Information Management", REPORT_ACTION, button_value(offer), style="danger")


def email_for(report, *, to: str, reporter_label: str, when: str, message_id: str | None) -> Email:
    body = "\n".join((
        "A suspected breach of information security, reported through the social media policy bot (2.10).",
        "",
        f"Reference:     {report.reference}",
        f"Reported by:   {reporter_label}",
        f"When:          {when}",
        f"What kind:     {kinds_in_words(report.categories)}",
        f"Where:         a draft post checked with the bot in {report.platform.capitalize()}",
        "",
        "The bot does not keep the text it checks, and this email does not include it or the secret. Please "
        "contact the reporter for the details, and ask them to complete the Information Security Incident "
        "report form if you need it.",
    ))
    return Email(to=(to,), subject=f"[{report.reference}] Suspected information security breach (2.10)",
                 body=body, message_id=message_id)


def section_for(profile: str) -> str:
    """The duty to report is 2.10's; the fire service's appendix says it again for its staff (8.2 3.1)."""
    return "8.2 3.1" if profile == "sfrs" else "2.10"


def reported(report, to: str, section: str = "2.10") -> Message:
    return message(Text(
        f"*{report.reference}* is saved, and I'm emailing Information Management ({to}) now that you've reported a "
        f"suspected information security breach: {kinds_in_words(report.categories)} ({section}). The email gives "
        "the reference, your name and the kind of material, not the post or the secret itself. I'll tell you when "
        "it has gone."),
        Note("Change the password or code now if it could have been seen. Information Management may ask you "
             f"to complete the {FORM_NAME}."),
        text=f"{report.reference}: reported to Information Management")


def already(report, to: str | None, by_label: str, when: str) -> Message:
    state = (f"emailed to Information Management ({to})" if report.email_state == "sent"
             else "saved; the email to Information Management hasn't gone yet and I'm still trying")
    return message(Text(f"This was already reported as *{report.reference}* by {by_label} at {when}: {state} "
                        "(2.10). Nothing more was sent."))


def not_sent(report, reason: str | None) -> Message:
    why = f" ({reason})" if reason else ""
    return message(Text(
        f"*{report.reference}* is saved, but the email to Information Management hasn't gone yet{why}. I'll keep "
        f"trying. If it's urgent, report it yourself now with the {FORM_NAME} (2.10)."))


def no_address() -> Message:
    return message(Text(
        "The organisation file doesn't name Information Management's address, so I can't email them. Report the "
        f"suspected breach yourself with the {FORM_NAME} (2.10), and ask an administrator to add "
        "`information_security_email` to the organisation file."))


def sent_later(report) -> Message:
    return message(Text(f"*{report.reference}* has now been emailed to Information Management (2.10)."))
