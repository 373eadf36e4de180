"""Where entry points declare themselves: commands, message shortcuts, buttons, forms and scheduled sweeps.

A workflow adds a module under handlers/ and decorates its functions; nothing else needs editing. The help
text, the Slack app manifest and the Teams app manifest are generated from this registry, so they cannot
drift from what the bot really answers.
"""
from __future__ import annotations

import difflib
import importlib
import pkgutil
from dataclasses import dataclass, field
from datetime import time
from typing import Awaitable, Callable

FAMILIES = ("smpolicy", "crisis")

Handler = Callable[..., Awaitable[object]]


@dataclass(frozen=True)
class Command:
    family: str
    name: str
    summary: str
    usage: str
    fn: Handler
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shortcut:
    callback_id: str
    title: str
    description: str
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


@dataclass
class Registry:
    commands: dict[tuple[str, str], Command] = field(default_factory=dict)
    shortcuts: dict[str, Shortcut] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)
    action_prefixes: dict[str, Handler] = field(default_factory=dict)
    forms: dict[str, Handler] = field(default_factory=dict)
    sweeps: dict[str, Sweep] = field(default_factory=dict)
    banners: list[Handler] = field(default_factory=list)

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


REGISTRY = Registry()


def command(family: str, name: str, summary: str, usage: str | None = None, aliases: tuple[str, ...] = ()):
    """`/smpolicy <name> ...` in Slack, `<name> ...` in Teams (`crisis <name> ...` for the crisis family)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown command family {family!r}")

    def wrap(fn: Handler) -> Handler:
        key = (family, name)
        if key in REGISTRY.commands:
            raise ValueError(f"command {family} {name} registered twice")
        REGISTRY.commands[key] = Command(family, name, summary, usage or name, fn, aliases)
        return fn

    return wrap


def shortcut(callback_id: str, title: str, description: str):
    """A message shortcut in Slack; a message-extension action in Teams."""
    def wrap(fn: Handler) -> Handler:
        REGISTRY.shortcuts[callback_id] = Shortcut(callback_id, title, description, fn)
        return fn

    return wrap


def action(action_id: str, prefix: bool = False):
    """A button. With prefix=True every action id starting with `action_id` comes here."""
    def wrap(fn: Handler) -> Handler:
        (REGISTRY.action_prefixes if prefix else REGISTRY.actions)[action_id] = fn
        return fn

    return wrap


def form(form_id: str):
    """A form's submission; return FormErrors to show errors beside the fields and change nothing."""
    def wrap(fn: Handler) -> Handler:
        REGISTRY.forms[form_id] = fn
        return fn

    return wrap


def sweep(name: str, schedule: Daily | Every):
    def wrap(fn: Handler) -> Handler:
        REGISTRY.sweeps[name] = Sweep(name, schedule, fn)
        return fn

    return wrap


def banner(fn: Handler) -> Handler:
    """async fn(services) -> str | None: a line put on top of every reply (a mourning pause, say)."""
    REGISTRY.banners.append(fn)
    return fn


_loaded = False


def load_all() -> Registry:
    """Import every module in handlers/ once so their decorators run."""
    global _loaded
    if not _loaded:
        import handlers

        for info in pkgutil.iter_modules(handlers.__path__):
            if info.name != "registry" and not info.name.startswith("_"):
                importlib.import_module(f"handlers.{info.name}")
        _loaded = True
    return REGISTRY
