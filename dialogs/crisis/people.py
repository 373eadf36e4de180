"""Who the Crisis Management Group is (§4.3), who administers an account, and naming people in commands.

"The group should be made up of a member of the Communications Team, your manager, maybe the service lead in
some cases the cabinet member or local councillor." Everyone is configured by email (the organisation file)
and resolved to a platform id only when a room is convened.
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from chat.errors import BadInput
from chat.messages import PersonRef
from chat.services import Services
from chat.wording import display_name
from dialogs.register import store as register

from .rules import unique

log = logging.getLogger(__name__)


# --- account administrators: the accounts register ---------------------------------------------------------------

async def register_ids(svc: Services, account: dict) -> list[int]:
    """The accounts register's ids for an affected account, found once when the crisis starts (5.5)."""
    try:
        return await register.account_ids_named(svc, account.get("key") or account["name"])
    except SQLAlchemyError:  # a register that cannot be read must not stop the STOP messages going out
        log.exception("could not read the accounts register for %s", account.get("name"))
        return []


async def account_administrators(svc: Services, account: dict) -> list[str]:
    """Emails of everyone who administers an affected account: the register's administrators of the entries the
    crisis follows (`register_ids`), and the organisation file's service lead, as the policy asks them into the
    group. The form's "administrators" field is added by the caller."""
    found: list[str] = []
    contacts = svc.config.accounts.get(account.get("key") or "")
    if contacts and contacts.service_lead:
        found.append(contacts.service_lead)
    try:
        found.extend(await register.administrators_of_ids(svc, account.get("register_ids") or []))
    except SQLAlchemyError:
        log.exception("could not read the accounts register for %s", account.get("name"))
    return unique([e.lower() for e in found if e])


def follows(crisis, account_id: int) -> bool:
    """Whether the crisis is on this register entry (by its id, never its name)."""
    return any(account_id in (a.get("register_ids") or []) for a in crisis.accounts or [])


# --- the group ---------------------------------------------------------------------------------------------------

async def name_of(svc: Services, email: str | None) -> str:
    """A person's name for messages (an id a platform gave without an email shows as the id)."""
    if not email:
        return "someone"
    if ":" in email and "@" not in email:
        return email.split(":", 1)[1]
    return await display_name(svc, email.lower())


# --- people named in commands ----------------------------------------------------------------------------------

async def person_in(svc: Services, platform: str, text: str) -> tuple[str, PersonRef]:
    """(email, person) for the first person named in `text`: a Slack mention (<@U123|name>) or an email."""
    person = await svc.directory.person_named_in(text)
    if person is not None and person.email:
        return person.email, person
    if person is not None:
        raise BadInput("I couldn't find an email address for that person in Slack, so I can't include them. "
                       "Try their email address instead.")
    if platform == "slack":
        raise BadInput("Please name the person with an @mention (for example `@Sam Staff`) or their email address.")
    raise BadInput("Please give the person's email address, for example `name@example.gov.uk`.")
