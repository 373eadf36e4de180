"""What sign-off says: the form, the approver's card, the card once decided, the decline form."""
from __future__ import annotations

from chat.messages import Button, Buttons, CopyText, Fields, Form, Header, Input, Message, Text, message
from chat.services import Services
from dialogs.check.messages import HEADLINES
from dialogs.check.rules import label

REQUEST_FORM = "signoff_request"
DECLINE_FORM = "signoff_decline"


def signoff_form(draft: str | None, errors: dict | None = None) -> Form:
    return Form(
        REQUEST_FORM, "Ask for sign-off",
        (Input("draft", "Your draft", "long_text", initial=draft,
               hint="Edit it if you have changed it since the check."),
         Input("approver", "Who should sign it off?", "person", required=False,
               hint="Leave empty to send it to your manager, the crisis approver during a crisis, "
                    "or the Communications Team."),
         Input("note", "Anything they should know?", "long_text", required=False)),
        submit="Send", errors=tuple((errors or {}).items()),
    )


def approver_card(row, requester_label: str, note: str | None) -> Message:
    blocks = [Header("Sign-off requested (4.2)"),
              Fields([("Requested by", requester_label), ("Checker said", HEADLINES[row.verdict]),
                      ("Findings", ", ".join(label(c) for c in row.categories) or "none")])]
    if row.draft:
        blocks.append(CopyText(row.draft, label="The draft"))
    if note:
        blocks.append(Text(f"*Note from the requester:* {note}"))
    blocks.append(Buttons(Button("Approve", "signoff.approve", str(row.id), style="primary"),
                          Button("Decline", "signoff.decline", str(row.id), style="danger")))
    return message(*blocks, text=f"{requester_label} asks you to sign off a post")


def decided_card(row, svc: Services) -> Message:
    when = row.decided_at.astimezone(svc.config.tz).strftime("%d %b %Y at %H:%M")
    outcome = "Approved" if row.state == "approved" else "Declined"
    blocks = [Header(f"Sign-off: {outcome.lower()}"),
              Fields([("Requested by", row.requester), ("Decided by", row.decided_by), ("When", when)])]
    if row.reason:
        blocks.append(Text(f"*Reason:* {row.reason}"))
    return message(*blocks, text=f"{outcome} by {row.decided_by}")


def already_decided(row, svc: Services) -> Message:
    when = row.decided_at.astimezone(svc.config.tz).strftime("%d %b %Y at %H:%M")
    return message(Text(f"This was already {row.state} by {row.decided_by} on {when}."))


def decline_form(request_id: int) -> Form:
    return Form(DECLINE_FORM, "Decline sign-off",
                (Input("reason", "Why? The requester will see this", "long_text"),), submit="Decline",
                private=str(request_id))
