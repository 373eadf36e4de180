"""What an active crisis means for "Is this OK to post?" (§4.3): every post on an affected account needs the
one approver's sign-off. The crisis workflow declares this provider (handlers/crisis.py), so the checker never
reads crisis tables."""
from __future__ import annotations

from chat.services import Services

from . import store
from .rules import slug


def _names_for(account: dict) -> set[str]:
    return {slug(account.get("key") or ""), slug(account.get("name") or "")} - {"", "account"}


async def crisis_posting_state(svc: Services, account: str | None) -> dict:
    """{crisis_approver, crisis_account} when `account` (a key or a name) is in an active crisis.

    The approver is given as their email address: exact in the checker's message, and what the sign-off
    workflow needs to send the request to them (dialogs/signoff/rules.default_approver)."""
    if not account:
        return {}  # without an account we cannot tell which crisis a draft belongs to
    wanted = slug(account)
    for crisis in await store.active(svc.db):
        for affected in crisis.accounts or []:
            if wanted in _names_for(affected):
                approver = crisis.approver or "the Crisis Management Group (no approver appointed yet)"
                return {"crisis_approver": approver, "crisis_account": affected["name"]}
    return {}
