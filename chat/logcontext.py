"""What a log line is about: the request, the workflow and the case reference, carried in context variables.

The edge sets the request id as a delivery arrives, dispatch sets the workflow as it finds the handler, and a
workflow that makes or finds a case says its reference (`about("FOI-2026-0001")`). bot/logs.py puts them on
every line. Ids and references only: never a person's name, email or what they typed.
"""
from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("smpolicy_request_id", default=None)
workflow: ContextVar[str | None] = ContextVar("smpolicy_workflow", default=None)
reference: ContextVar[str | None] = ContextVar("smpolicy_reference", default=None)

_ALL = (request_id, workflow, reference)


def about(ref: str | None) -> None:
    """The case this work is about, from here to the end of the request (FOI-2026-0001, a request's id)."""
    reference.set(str(ref) if ref is not None else None)


def start(request: str | None, flow: str | None = None) -> None:
    """A new delivery or job: its id, its workflow where known, and no reference yet."""
    request_id.set(request)
    workflow.set(flow)
    reference.set(None)


def snapshot() -> tuple:
    return tuple(var.get() for var in _ALL)


def restore(values: tuple) -> None:
    for var, value in zip(_ALL, values):
        var.set(value)


def workflow_of(fn) -> str | None:
    """The workflow a handler or sweep belongs to, from where it is defined (handlers/foi.py -> foi)."""
    parts = (getattr(fn, "__module__", None) or "").split(".")
    if len(parts) >= 2 and parts[0] in ("handlers", "dialogs"):
        return parts[1]
    return parts[0] or None
