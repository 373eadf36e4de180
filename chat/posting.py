"""What the database says about posting right now: a mourning pause (4.4), a crisis on an account (4.3).

The pause and crisis workflows each register a provider here; the checker and the boost form ask
`posting_state()` and never need to know which tables hold the answer.
"""
from __future__ import annotations

from typing import Awaitable, Callable

from policy.checker import PostingState

Provider = Callable[..., Awaitable[dict]]
PROVIDERS: list[Provider] = []


def provider(fn: Provider) -> Provider:
    """async fn(svc, account: str | None) -> dict of PostingState fields (empty when nothing applies)."""
    PROVIDERS.append(fn)
    return fn


async def posting_state(svc, account: str | None = None) -> PostingState:
    from chat.registry import load_all

    load_all()  # providers register when their workflow's handlers are imported
    fields: dict = {}
    for fn in PROVIDERS:
        fields.update(await fn(svc, account) or {})
    return PostingState(**fields)
