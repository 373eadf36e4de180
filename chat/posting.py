"""What the database says about posting right now: a mourning pause (4.4), a crisis on an account (4.3).

The pause and crisis workflows each declare a posting-state provider in their Workflow; the checker and the
boost form ask `posting_state()` and never need to know which tables hold the answer.
"""
from __future__ import annotations

from policy.checker import PostingState

from .services import Services


async def posting_state(svc: Services, account: str | None = None) -> PostingState:
    """Every provider's fields (each async fn(svc, account) -> dict, empty when nothing applies), combined."""
    fields: dict = {}
    for fn in svc.registry.posting_state:
        fields.update(await fn(svc, account) or {})
    return PostingState(**fields)
