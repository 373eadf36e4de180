"""What a workflow contributes, declared in one place, and the registry built from the explicit list of them.

Each workflow's entry-point module (handlers/<name>.py) ends with one `WORKFLOW = Workflow(...)` naming its
commands, message shortcuts, buttons, forms, scheduled sweeps, reply banners, posting-state providers,
command-line subcommands, outbox receipts and jobs. workflows.py lists the workflows; `Registry(workflows)` indexes
them. Nothing is registered by importing a module. The help text and the Slack and Teams app manifests are
generated from the registry, so they cannot drift from what the bot really answers.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import time
from typing import Awaitable, Callable, Iterable

FAMILIES = ("smpolicy", "crisis")

Handler = Callable[..., Awaitable[object]]   # async fn(svc, inv) -> reply | list of replies | None
Banner = Callable[..., Awaitable["str | None"]]   # async fn(svc) -> a line put on top of every reply, or None
PostingStateProvider = Callable[..., Awaitable[dict]]   # async fn(svc, account) -> PostingState fields
AccessGiven = Callable[..., Awaitable[None]]   # async fn(svc, session, account_id, emails): people just given access
CliParser = Callable[..., None]   # add_parser(subparsers): one `python -m bot <name>` subcommand


@dataclass(frozen=True)
class Command:
    """`/smpolicy <name> ...` in Slack, `<name> ...` in Teams (`crisis <name> ...` for the crisis family)."""
    family: str
    name: str
    summary: str
    usage: str
    fn: Handler
    aliases: tuple[str, ...] = ()

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"unknown command family {self.family!r}")


@dataclass(frozen=True)
class Shortcut:
    """A message shortcut in Slack; a message-extension action in Teams."""
    callback_id: str
    title: str
    description: str
    fn: Handler


@dataclass(frozen=True)
class Action:
    """A button. With prefix=True every action id starting with `action_id` comes here."""
    action_id: str
    fn: Handler
    prefix: bool = False


@dataclass(frozen=True)
class OnSubmit:
    """A form's submission; return FormErrors to show errors beside the fields and change nothing."""
    form_id: str
    fn: Handler


@dataclass(frozen=True)
class Daily:
    """Once a day at a local time; `working_days_only` skips weekends and UK bank holidays."""
    at: time
    working_days_only: bool = False


@dataclass(frozen=True)
class Every:
    minutes: int


@dataclass(frozen=True)
class Sweep:
    name: str
    schedule: Daily | Every
    fn: Handler   # async fn(services, now: aware datetime) -> None; must be idempotent


@dataclass(frozen=True)
class Receipt:
    """Run when the outbox has sent a message queued with `receipt=name`, in the transaction that records it as
    sent: async fn(svc, session, args: dict, ref: MessageRef | None). A workflow remembers where its card
    landed this way (to update it in place later)."""
    name: str
    fn: Handler


@dataclass(frozen=True)
class Job:
    """Slow work a change causes (an email, say), queued with `svc.outbox.job(session, name, args, key=...)` in
    the change's transaction and run after the acknowledgement, once, under the outbox's lease and back-off:
    async fn(svc, args: dict) -> None. It may run again after a crash, so it is idempotent; it raises
    chat.platforms.SendError to be tried again later."""
    name: str
    fn: Handler


@dataclass(frozen=True)
class Workflow:
    """Everything one workflow adds to the bot, in one declaration."""
    name: str
    commands: tuple[Command, ...] = ()
    shortcuts: tuple[Shortcut, ...] = ()
    actions: tuple[Action, ...] = ()
    forms: tuple[OnSubmit, ...] = ()
    sweeps: tuple[Sweep, ...] = ()
    banners: tuple[Banner, ...] = ()
    posting_state: tuple[PostingStateProvider, ...] = ()
    # Run in the transaction that gives people access to an account in the register (a crisis on it STOPs them).
    access_given: tuple[AccessGiven, ...] = ()
    cli: tuple[CliParser, ...] = ()
    receipts: tuple[Receipt, ...] = ()
    jobs: tuple[Job, ...] = ()
    on_text: Handler | None = None   # a message typed to the bot that names no command (a pasted draft)
    home: Handler | None = None      # async fn(svc, person: PersonRef) -> Message: the person's Home tab


class Registry:
    """The workflows' contributions indexed for dispatch, the scheduler, the manifests and the command line.

    Built once per process from the explicit list in workflows.py; a name claimed twice is an error at start-up."""

    def __init__(self, workflows: Iterable[Workflow] = ()):
        self.workflows: list[Workflow] = []
        self.commands: dict[tuple[str, str], Command] = {}
        self.shortcuts: dict[str, Shortcut] = {}
        self.actions: dict[str, Handler] = {}
        self.action_prefixes: dict[str, Handler] = {}
        self.forms: dict[str, Handler] = {}
        self.sweeps: dict[str, Sweep] = {}
        self.banners: list[Banner] = []
        self.posting_state: list[PostingStateProvider] = []
        self.access_given: list[AccessGiven] = []
        self.cli: list[CliParser] = []
        self.receipts: dict[str, Handler] = {}
        self.jobs: dict[str, Handler] = {}
        self.singles: dict[str, Handler] = {}    # on_text and home: one workflow each
        for workflow in workflows:
            self.add(workflow)

    def add(self, wf: Workflow) -> None:
        for cmd in wf.commands:
            _claim(self.commands, (cmd.family, cmd.name), cmd, f"command {cmd.family} {cmd.name}")
        for sc in wf.shortcuts:
            _claim(self.shortcuts, sc.callback_id, sc, f"shortcut {sc.callback_id}")
        for act in wf.actions:
            _claim(self.action_prefixes if act.prefix else self.actions, act.action_id, act.fn,
                   f"action {act.action_id}")
        for sub in wf.forms:
            _claim(self.forms, sub.form_id, sub.fn, f"form {sub.form_id}")
        for sw in wf.sweeps:
            _claim(self.sweeps, sw.name, sw, f"sweep {sw.name}")
        for rc in wf.receipts:
            _claim(self.receipts, rc.name, rc.fn, f"receipt {rc.name}")
        for job in wf.jobs:
            _claim(self.jobs, job.name, job.fn, f"job {job.name}")
        for name in ("on_text", "home"):
            if getattr(wf, name) is not None:
                _claim(self.singles, name, getattr(wf, name), name)
        self.banners += wf.banners
        self.posting_state += wf.posting_state
        self.access_given += wf.access_given
        self.cli += wf.cli
        self.workflows.append(wf)

    @property
    def on_text(self) -> Handler | None:
        return self.singles.get("on_text")

    @property
    def home(self) -> Handler | None:
        return self.singles.get("home")

    def find_command(self, family: str, name: str) -> Command | None:
        name = name.lower()
        found = self.commands.get((family, name))
        if found:
            return found
        for cmd in self.commands.values():
            if cmd.family == family and name in cmd.aliases:
                return cmd
        return None

    def family_commands(self, family: str) -> list[Command]:
        return sorted((c for c in self.commands.values() if c.family == family), key=lambda c: c.name)

    def suggest(self, family: str, name: str) -> str | None:
        names = [c.name for c in self.family_commands(family)]
        close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
        return close[0] if close else None

    def find_action(self, action_id: str) -> Handler | None:
        if action_id in self.actions:
            return self.actions[action_id]
        for prefix, fn in self.action_prefixes.items():
            if action_id.startswith(prefix):
                return fn
        return None


def _claim(table: dict, key, value, what: str) -> None:
    if key in table:
        raise ValueError(f"{what} is declared by two workflows")
    table[key] = value
