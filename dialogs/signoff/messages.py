"""What sign-off says: the form, the approver's card, the card once decided, the decline form."""
from __future__ import annotations

from chat.messages import Button, Buttons, CopyText, Fields, Form, Header, Input, Message, Note, Text, message
from chat.quoting import inert
from chat.services import Services
from dialogs.check.messages import HEADLINES
from dialogs.check.rules import label

REQUEST_FORM = "signoff_request"
FORM_DRAFT_LIMIT = 3000   # Slack pre-fills a form field with at most 3,000 characters (views.open refuses more)
NO_ACCOUNT = "none"
DECLINE_FORM = "signoff_decline"


def signoff_form(draft: str | None, errors: dict | None = None, *, accounts: tuple = (), account: str | None = None,
                 full_length: int | None = None, private: str = "") -> Form:
    """`accounts`: (key, name) pairs to choose from when the draft does not say which account it is for (a crisis
    on one of them sends it to that crisis's approver, 4.3). `full_length`: the draft was longer than the form
    holds, so it shows the start."""
    intro: tuple = ()
    if full_length:
        intro = (Note(f"Your draft is {full_length:,} characters and this form holds {FORM_DRAFT_LIMIT:,}, so it "
                      "shows the start. "
                      + ("Leave it as it is and the approver gets the whole draft; or shorten it here."
                         if private else "Shorten it here, or paste the rest into the note.")),)
    inputs = [Input("draft", "Your draft", "long_text", initial=draft,
                    hint="Edit it if you have changed it since the check.")]
    if accounts:
        inputs.append(Input("account", "Which account is it for?", "choice", required=False, initial=account,
                            options=(*accounts, (NO_ACCOUNT, "Another account")),
                            hint="During a crisis on an account, its posts go to the crisis approver (4.3)."))
    inputs += [Input("approver", "Who should sign it off?", "person", required=False,
                     hint="Leave empty to send it to your manager, the crisis approver during a crisis, "
                          "or the Communications Team."),
               Input("note", "Anything they should know?", "long_text", required=False)]
    return Form(REQUEST_FORM, "Ask for sign-off", tuple(inputs), submit="Send", errors=tuple((errors or {}).items()),
                intro=intro, private=private)


def trimmed(draft: str | None) -> tuple[str | None, int | None]:
    """A draft cut to what the form holds, and its full length when it had to be cut."""
    if draft and len(draft) > FORM_DRAFT_LIMIT:
        return draft[:FORM_DRAFT_LIMIT], len(draft)
    return draft, None


def post_label(draft: str | None) -> str:
    """Which post a message is about, in a few words: “Join us at the library on…”."""
    words = " ".join((draft or "").split())
    return f"“{inert(words[:57].rstrip())}…”" if len(words) > 60 else f"“{inert(words)}”"


def approver_card(row, requester_label: str, note: str | None, *, deputy_for: str | None = None,
                  after_crisis: str | None = None) -> Message:
    """`deputy_for`: the crisis approver's name, when they wrote the post and it comes to a deputy instead.
    `after_crisis`: the account whose crisis ended while this waited with its approver."""
    blocks = [Header("Sign-off requested (4.2)")]
    crisis_account, after_crisis = inert(row.crisis_account), inert(after_crisis)
    if crisis_account and deputy_for:
        blocks.append(Text(f"*{crisis_account} is in a crisis, and this post is by its one approver, {deputy_for}. "
                           "Nobody signs off their own post (4.2), so it comes to you as a crisis deputy approver "
                           "(4.3).* Nothing goes out on it without your say-so."))
    elif crisis_account:
        blocks.append(Text(f"*{crisis_account} is in a crisis, and you are its one approver (4.3).* Nothing goes "
                           "out on it without your say-so."))
    elif after_crisis:
        blocks.append(Text(f"*This was written during the crisis on {after_crisis}, which has now ended,* so it "
                           "comes to you as an ordinary sign-off (4.2). Please check it still reads right now."))
    fields = [("Requested by", requester_label), ("Checker said", HEADLINES[row.verdict]),
              ("Findings", ", ".join(label(c) for c in row.categories) or "none")]
    if row.account_name:
        fields.insert(1, ("Account", row.account_name))
    blocks.append(Fields(fields))
    if row.draft:
        blocks.append(CopyText(row.draft, label="The draft"))
    if note:
        blocks.append(Text(f"*Note from the requester:* {inert(note)}"))
    blocks.append(Buttons(Button("Approve", "signoff.approve", str(row.id), style="primary"),
                          Button("Decline", "signoff.decline", str(row.id), style="danger")))
    return message(*blocks, text=f"{requester_label} asks you to sign off a post")


def _when(at, svc: Services) -> str:
    return at.astimezone(svc.config.tz).strftime("%d %b %Y at %H:%M")


def decided_card(row, svc: Services, names: dict, post: str) -> Message:
    outcome = "Approved" if row.state == "approved" else "Declined"
    decider = names.get(row.decided_by, row.decided_by)
    blocks = [Header(f"Sign-off: {outcome.lower()}"),
              Fields([("Post", post), ("Requested by", names.get(row.requester, row.requester)),
                      ("Decided by", decider), ("When", _when(row.decided_at, svc))])]
    if row.reason:
        blocks.append(Text(f"*Reason:* {inert(row.reason)}"))
    return message(*blocks, text=f"{outcome} by {decider}: {post}")


def outcome_message(row, svc: Services, names: dict, post: str) -> Message:
    """The requester's DM: which post, who decided, and why if declined."""
    verdict = "approved" if row.state == "approved" else "declined"
    text = (f"Your post {post}, sent for sign-off on {_when(row.created_at, svc)}, was {verdict} by "
            f"{names.get(row.decided_by, row.decided_by)}.")
    if row.reason:
        text += f" Their reason: {inert(row.reason)}"
    return message(Text(text))


def rerouted_card(post: str, account: str, sent_to: str) -> Message:
    """The crisis approver's card once the crisis has ended: the request has gone the usual way."""
    account = inert(account)
    return message(Header("Sign-off: back to the usual route"),
                   Text(f"The crisis on {account} has ended, so {post} no longer needs the crisis approver (4.3). It "
                        f"has gone to {sent_to} as an ordinary sign-off (4.2): nothing more for you to do."),
                   text=f"The crisis on {account} has ended: {post} has gone to {sent_to}")


def rerouted_message(post: str, account: str, sent_to: str) -> Message:
    """The requester's DM when their waiting sign-off leaves the crisis approver."""
    account = inert(account)
    return message(Text(f"The crisis on {account} has ended while your post {post} was waiting for the crisis "
                        f"approver, so I've sent it to {sent_to} instead, the usual way (4.2). Please check it still "
                        "reads right now the crisis is over; if it doesn't, ask for sign-off again with the new "
                        "wording."))


def already_decided(row, svc: Services, names: dict | None = None) -> Message:
    who = (names or {}).get(row.decided_by, row.decided_by)
    return message(Text(f"This was already {row.state} by {who} on {_when(row.decided_at, svc)}."))


def decline_form(request_id: int) -> Form:
    return Form(DECLINE_FORM, "Decline sign-off",
                (Input("reason", "Why? The requester will see this", "long_text"),), submit="Decline",
                private=str(request_id))
