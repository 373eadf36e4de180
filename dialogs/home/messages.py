"""What the Home tab shows: one neutral message, each part read from the workflow that owns it."""
from __future__ import annotations

from chat.dispatch import RUN_AGAIN   # runs a command from a click, so the form it opens can open
from chat.messages import Button, Buttons, Divider, Header, Message, Note, Text, message
from dialogs.check.messages import OPEN_FORM_ACTION


def start_buttons() -> Buttons:
    return Buttons(Button("Check a post", OPEN_FORM_ACTION, style="primary"),
                   Button("Request an account", RUN_AGAIN, "smpolicy request-account"),
                   Button("Forward an FOI request", RUN_AGAIN, "smpolicy foi"))


def home_message(*, pause: Message, waiting: list[tuple[str, Buttons]], mine: list[str],
                 cases: list[tuple[str, Buttons]], crises: list[str], no_email: bool) -> Message:
    blocks: list = [Header("Social media policy"), *pause.blocks, start_buttons(), Divider()]
    if no_email:
        blocks.append(Text("I couldn't find your email address, so I can't show what is waiting for you. "
                           "Ask the Communications Team to check your details in the organisation file."))
        return message(*blocks, text="Social media policy")
    blocks.append(Text("*Waiting for your decision* (2.5, 2.7, 4.2)"))
    if not waiting:
        blocks.append(Note("Nothing is waiting for your decision."))
    for line, buttons in waiting:
        blocks += [Text(line), buttons]
    blocks += [Divider(), Text("*Your requests*")]
    blocks += [Text("\n".join(f"• {line}" for line in mine))] if mine else [Note("You have no requests waiting.")]
    blocks += [Divider(), Text("*Your FOI cases* (8.1)")]
    if not cases:
        blocks.append(Note("No open cases are yours."))
    for line, buttons in cases:
        blocks += [Text(line), buttons]
    blocks += [Divider(), Text("*Crises you're in* (4.3)")]
    blocks += [Text("\n".join(f"• {line}" for line in crises))] if crises else [Note("None.")]
    return message(*blocks, text="Social media policy")
