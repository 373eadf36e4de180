"""What "Is this OK to post?" says: the verdict with each finding and its section, and the posting checklist."""
from __future__ import annotations

from chat.commands import in_text
from chat.messages import Button, Buttons, Form, Header, Input, Message, Note, Text, message
from chat.quoting import inert
from policy.checker import PHOTO_CHECKLIST, PHOTO_CHECKLIST_SFRS, POSTING_CHECKLIST, POSTING_CHECKLIST_SFRS

from .rules import label, signoff_value

HEADLINES = {
    "stop": "Stop – please don't post this as it is",
    "sign_off": "Get sign-off before you post this",
    "ok": "This looks OK to post",
}


def verdict_message(result, profile: str, source: str = "", extra: tuple[Button, ...] = (),
                    draft: str | None = None, account: str | None = None, platform: str | None = None,
                    notes: tuple[str, ...] = ()) -> Message:
    """`extra`: buttons another workflow adds to every verdict (dialogs/feedback: "This verdict is wrong",
    dialogs/security: "Report to Information Management").
    `draft`: the person's own text, carried by "Ask for sign-off" where the message cannot be fetched again.
    `notes`: rules.advice_lines for this person. The pack's commands are written as `platform` types them."""
    blocks: list = [Header(HEADLINES[result.verdict])]
    serious = [f for f in result.findings if f.severity != "advice"]
    advice = [f for f in result.findings if f.severity == "advice"]

    def said(f) -> str:
        # The person's own words, quoted back to them alone: never a mention, a link or formatting.
        words = [inert(w) for w in (f.words(draft) if draft else ())]
        raised = f" Words that raised it: {', '.join(f'“{w}”' for w in words)}." if words else ""
        return f"*{label(f.category)}* ({f.section}): {in_text(f.message, platform)}{raised}"

    if serious:
        blocks.append(Text("\n".join(f"• {said(f)}" for f in serious)))
    elif result.verdict == "ok":
        blocks.append(Text("I found nothing in it that the policy asks you to stop or get signed off. "
                           "Run through the posting checklist (4.2) before it goes out."))
    if advice:
        blocks.append(Text("\n".join(f"ℹ️ {said(f)}" for f in advice)))
    if notes:
        blocks.append(Text("\n".join(f"ℹ️ {line}" for line in notes)))
    buttons = []
    # During a mourning pause nothing is posted (4.4), so there is nothing to sign off.
    if result.verdict != "ok" and "mourning_pause" not in result.categories:
        buttons.append(Button("Ask for sign-off", "check.signoff", signoff_value(source, draft, account), style="primary"))
    buttons.append(Button("Show the posting checklist", "check.checklist", checklist_kind(result.checklist)))
    if any(f.category == "foi_request" for f in result.findings):
        buttons.append(Button("Forward as FOI request", "check.foi", source))
    buttons += extra
    blocks.append(Buttons(*buttons))
    blocks.append(Note(f"Checked as *{profile}* against {result.policy_version}. I don't keep the text I check."))
    return message(*blocks, text=HEADLINES[result.verdict])


PASTED_ACTION = "check.pasted"
OPEN_FORM_ACTION = "check.open"
DRAFT_FORM = "check_draft"


def draft_form() -> Form:
    return Form(DRAFT_FORM, "Is this OK to post?", (
        Input("draft", "Your draft post", "long_text",
              hint="Paste it as it will go out. I check it against the policy (4.2) and don't keep it."),),
        submit="Check it")


def offer_message(button_value: str, ask_command: str) -> Message:
    """The answer to a draft pasted to the bot: offer the check (4.2) rather than guess what was meant.
    `button_value` names the message (or holds the draft where the platform cannot read it back)."""
    return message(Text("Would you like me to check this against the Social Media Policy before it goes out "
                        "(4.2)?"),
                   Buttons(Button("Check this post", PASTED_ACTION, button_value, style="primary")),
                   Note(f"To ask a question about the policy instead, type `{ask_command}`."),
                   text="Shall I check this post?")


CHECKLIST_KINDS = ("", "photo", "sfrs", "photo_sfrs")   # what the checklist button carries


def checklist_kind(checklist) -> str:
    """Which checklist a verdict's button shows: the fire service's (its additions, 8.2 5.1) or the council's,
    with or without the photo checklist."""
    fire = any(item in checklist for item in POSTING_CHECKLIST_SFRS + PHOTO_CHECKLIST_SFRS)
    photo = any(item in checklist for item in PHOTO_CHECKLIST_SFRS + PHOTO_CHECKLIST)
    return "_".join(part for part, on in (("photo", photo), ("sfrs", fire)) if on)


def checklist_message(with_photo: bool, fire_service: bool = False) -> Message:
    """The posting checklist, with the fire service's additions for its staff (8.2 2.2, 5.1, 5.2, 6.3); with a
    photo, the council's photo checklist (2.9) or the fire service's (8.2 4.2, 4.3), which makes permission a
    requirement."""
    photos = PHOTO_CHECKLIST_SFRS if fire_service else PHOTO_CHECKLIST
    items = (list(POSTING_CHECKLIST) + (list(POSTING_CHECKLIST_SFRS) if fire_service else [])
             + (list(photos) if with_photo else []))
    return message(Header("Before you post (4.2)"), Text("\n".join(f"☐ {item}" for item in items)))
