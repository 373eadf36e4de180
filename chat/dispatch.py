"""The one door from a platform into the workflows: find the handler, call it, make replies safe to send."""
from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from . import logcontext
from .commands import command_parts, in_text, typed
from .errors import WorkflowError
from .messages import Button, Buttons, Message, Text, message
from .quoting import inert
from .registry import Registry
from .replies import Ephemeral, FormErrors, InChannel, Invocation, OpenForm, UpdateOriginal

if TYPE_CHECKING:
    from .services import Services

log = logging.getLogger(__name__)

RUN_AGAIN = "help.run"          # a button that runs a typed command again, from a click that can open forms
BUTTON_VALUE_MOST = 2000        # Slack's limit on a button's value
# A typed message this short is a command, even a mistyped one ("stauts"), not a draft to check.
COMMAND_LIKE = re.compile(r"^\s*/?[\w-]+(\s+[\w@.<>|-]+){0,2}\s*$")

SORRY = ("Sorry, something went wrong on our side and nothing was changed. Please try again in a minute; "
         "if it keeps happening, tell the Communications Team.")


def help_message(registry: Registry, platform: str, family: str | None = None, lead: str | None = None) -> Message:
    lines = []
    for fam in ("smpolicy", "crisis"):
        if family and fam != family:
            continue
        for cmd in registry.family_commands(fam):
            lines.append(f"`{typed(fam, cmd.usage, platform)}` – {cmd.summary}")
    # One family's help (`/crisis help`) lists that family's commands only; the message actions are the bot's.
    shortcuts = [] if family else [f"*{s.title}* – {s.description}" for s in registry.shortcuts.values()]
    blocks = []
    if lead:
        blocks.append(Text(lead))
    title = "*The crisis commands* (4.3)" if family == "crisis" else "*What I can do*"
    blocks.append(Text(title + "\n" + "\n".join(lines)))
    if shortcuts:
        where = "the message's ⋯ menu" if platform == "slack" else "the message's ⋯ menu, under Actions"
        blocks.append(Text(f"*On any message* ({where})\n" + "\n".join(shortcuts)))
    return message(*blocks, text=lead or "What I can do")


async def dispatch(svc: Services, inv: Invocation) -> list:
    return await _safely(svc, inv, lambda: _route(svc, inv))


async def _safely(svc: Services, inv: Invocation, work) -> list:
    if logcontext.request_id.get() is None and inv.request_key:   # recovered work: its delivery's key
        logcontext.request_id.set(inv.request_key[:32])
    started, outcome = time.perf_counter(), "done"
    try:
        result = await work()
    except WorkflowError as exc:
        # Refusals write commands as Slack has them ("`/smpolicy status`"): shown as this platform types them.
        result, outcome = Ephemeral(message(Text(in_text(exc.message, inv.platform)))), "refused"
    except Exception:
        log.exception("handler failed for %s %s/%s", inv.platform, inv.kind, inv.command)
        result, outcome = Ephemeral(message(Text(SORRY))), "failed"
    # What happened, never what was typed: the platform, the kind of interaction, the outcome and the time.
    log.info("%s %s %s in %.0f ms", inv.platform, inv.kind, outcome, (time.perf_counter() - started) * 1000)
    replies = [] if result is None else list(result) if isinstance(result, (list, tuple)) else [result]
    if inv.kind == "form" and inv.values:
        replies = [_keep_what_was_entered(r, inv.values) for r in replies]
    banner = await svc.notifier.banner()
    if banner:
        replies = [_with_banner(r, banner) for r in replies]
    return replies


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _keep_what_was_entered(reply, values: dict):
    """A form shown again with its errors keeps everything the person entered: a field its workflow left empty
    is filled from the submission, and a person or people field always shows who was picked (the workflow's
    own starting value, the person's manager say, would undo their choice). Teams draws the form again; Slack
    keeps its own."""
    if not isinstance(reply, FormErrors) or reply.form is None:
        return reply
    inputs = []
    for inp in reply.form.inputs:
        entered = values.get(inp.id)
        if not _empty(entered) and (inp.kind in ("person", "people") or _empty(inp.initial)):
            inp = replace(inp, initial=entered)
        inputs.append(inp)
    return replace(reply, form=replace(reply.form, inputs=tuple(inputs)))


async def _route(svc: Services, inv: Invocation):
    registry = svc.registry
    if inv.kind == "message":
        return await _typed(svc, inv)
    if inv.kind == "command":
        name = inv.command.lower()
        family = inv.family if inv.family != "smpolicy" else None   # `/crisis help`: the crisis commands
        if name in ("", "help"):
            return Ephemeral(help_message(registry, inv.platform, family=family))
        cmd = registry.find_command(inv.family, name)
        if cmd is None:
            guess = registry.suggest(inv.family, name)
            lead = f"I don't know `{typed(inv.family, inert(name), inv.platform)}`."   # as they typed it
            if guess:
                lead += f" Did you mean `{typed(inv.family, guess, inv.platform)}`?"
            return Ephemeral(help_message(registry, inv.platform, family=family, lead=lead))
        logcontext.workflow.set(logcontext.workflow_of(cmd.fn))
        return await cmd.fn(svc, inv)
    if inv.kind == "shortcut":
        found = registry.shortcuts.get(inv.command)
        if found is None:
            return Ephemeral(message(Text("That shortcut is not one I know any more. Try "
                                          f"`{typed('smpolicy', 'help', inv.platform)}`.")))
        logcontext.workflow.set(logcontext.workflow_of(found.fn))
        return await found.fn(svc, inv)
    if inv.kind == "action":
        fn = registry.find_action(inv.command)
        if fn is None:
            return Ephemeral(message(Text("That button no longer does anything. Try "
                                          f"`{typed('smpolicy', 'help', inv.platform)}`.")))
        logcontext.workflow.set(logcontext.workflow_of(fn))
        return await fn(svc, inv)
    if inv.kind == "form":
        fn = registry.forms.get(inv.command)
        if fn is None:
            return Ephemeral(message(Text("That form has expired. Please start again.")))
        logcontext.workflow.set(logcontext.workflow_of(fn))
        return await fn(svc, inv)
    raise ValueError(f"unknown invocation kind {inv.kind}")


async def _typed(svc: Services, inv: Invocation):
    """A message typed to the bot (a DM, an @mention): a command when it names one, as the slash command would
    run it; otherwise the workflow that takes free text (a pasted draft) has it."""
    text = (inv.text or "").strip()
    family, name, args = command_parts(text)
    known = name in ("", "help") or svc.registry.find_command(family, name) is not None
    if not known and svc.registry.on_text is not None and not COMMAND_LIKE.match(text):
        return await svc.registry.on_text(svc, inv)
    command = replace(inv, kind="command", family=family, command=name, args=args)
    result = await _route(svc, command)
    replies = [] if result is None else list(result) if isinstance(result, (list, tuple)) else [result]
    if inv.kind == "form" and inv.values:
        replies = [_keep_what_was_entered(r, inv.values) for r in replies]
    return [_form_button(r, family, f"{name} {args}".strip(), inv.platform) if isinstance(r, OpenForm) else r
            for r in replies]


def _form_button(reply: OpenForm, family: str, command: str, platform: str) -> Ephemeral:
    """A typed message cannot open a form (Slack opens one only from a click): offer a button that runs the
    same command again, from the click."""
    title = reply.form.title
    value = f"{family} {command}"
    if len(value) > BUTTON_VALUE_MOST:
        return Ephemeral(message(Text(f"*{title}*: type `{typed(family, command.split()[0], platform)}` "
                                      "to open the form.")))
    return Ephemeral(message(Text(f"*{title}*: press the button to open the form."),
                             Buttons(Button("Open the form", RUN_AGAIN, value, "primary")), text=title))


def _with_banner(reply, banner: str):
    if isinstance(reply, (Ephemeral, InChannel, UpdateOriginal)):
        return type(reply)(reply.message.with_banner(banner))
    return reply
