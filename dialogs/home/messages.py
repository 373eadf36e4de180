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
    blocks += _with_buttons("*Waiting for your decision* (2.5, 2.7, 4.2)", waiting,
                            "Nothing is waiting for your decision.")
    blocks += [Divider(), *_listed("*Your requests*", mine, "You have no requests waiting.")]
    blocks += [Divider(), *_with_buttons("*Your FOI cases* (8.1)", cases, "No open cases are yours.")]
    blocks += [Divider(), *_listed("*Crises you're in* (4.3)", crises, "None.")]
    return message(*blocks, text="Social media policy")


def _with_buttons(title: str, rows: list[tuple[str, Buttons]], empty: str) -> list:
    """A part of Home whose every line has its own buttons."""
    blocks: list = [Text(title)]
    if not rows:
        blocks.append(Note(empty))
    for line, buttons in rows:
        blocks += [Text(line), buttons]
    return blocks


def _listed(title: str, lines: list[str], empty: str) -> list:
    """A part of Home that is a list of lines."""
    return [Text(title), Text("\n".join(f"• {line}" for line in lines)) if lines else Note(empty)]
