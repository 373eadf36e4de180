"""What an active crisis means for "Is this OK to post?" (§4.3): every post on an affected account needs the
one approver's sign-off. The crisis workflow declares this provider (handlers/crisis.py), so the checker never
reads crisis tables."""
from __future__ import annotations

from chat.services import Services

from . import store


def _plain(name: str | None) -> str:
    return " ".join((name or "").split()).lower()


def key_of(account: str, accounts) -> str | None:
    """The organisation file's key for `account`, given as its key or as its name exactly (any case or spacing)."""
    if account in accounts:
        return account
    return next((key for key, contacts in accounts.items() if _plain(contacts.name) == _plain(account)), None)


def affects(affected: dict, account: str, accounts) -> bool:
    """An account the organisation file lists matches only by its key; one it does not list ("Another account" in
    the start form) only by the same name, exactly. Never a similar name."""
    key = key_of(account, accounts)
    if key is not None:
        return affected.get("key") == key
    return not affected.get("key") and _plain(affected.get("name")) == _plain(account)


async def crisis_posting_state(svc: Services, account: str | None) -> dict:
    """{crisis_approver, crisis_account, crisis_id} when `account` (a key, or a name the organisation file does
    not list) is in an active crisis.

    The approver is given as their email address: exact in the checker's message, and what the sign-off
    workflow needs to send the request to them (dialogs/signoff/rules.default_approver)."""
    if not account:
        return {}  # without an account we cannot tell which crisis a draft belongs to
    for crisis in await store.active(svc.db):
        for affected in crisis.accounts or []:
            if affects(affected, account, svc.config.accounts):
                approver = crisis.approver or "the Crisis Management Group (no approver appointed yet)"
                return {"crisis_approver": approver, "crisis_account": affected["name"], "crisis_id": crisis.id}
    return {}
