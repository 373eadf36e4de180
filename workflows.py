"""The workflows this bot runs: the one explicit list. app.py (the server) and `python -m bot` (the command line)
build their registry from it; a workflow is switched on by adding its handlers module's WORKFLOW here.

To add one, copy dialogs/foi/ and handlers/foi.py (docs/DEVELOPING.md).
"""
from __future__ import annotations

from chat import inbox
from chat.registry import Registry, Workflow
from handlers import (accounts, approvals, ask, audit, boost, check, crisis, feedback, foi, harassment, help, home,
                      housekeeping, pause, register, reports, security)

WORKFLOWS: tuple[Workflow, ...] = (
    inbox.WORKFLOW,         # the core's own sweep: work and messages a stopped process left unfinished
    approvals.WORKFLOW,     # the approval card shared by account requests and boosts (2.3, 2.5, 2.7)
    accounts.WORKFLOW,      # requesting an account, and its onboarding checklist (2.5, 5.2-5.6)
    ask.WORKFLOW,           # questions about the policy, and its sections in full
    audit.WORKFLOW,         # the audit trail as a file (6.2)
    boost.WORKFLOW,         # paid boosts (2.7)
    check.WORKFLOW,         # "Is this OK to post?" and sign-off (4.2)
    crisis.WORKFLOW,        # the crisis room (4.3)
    feedback.WORKFLOW,      # "This verdict is wrong": the Communications Team's review queue for the checker (4.2)
    foi.WORKFLOW,           # FOI, EIR and subject access requests (8.1)
    harassment.WORKFLOW,    # "Report harassment": manager, HR, the Communications Team, blocked accounts (3.9)
    help.WORKFLOW,
    home.WORKFLOW,          # each person's Home tab: what waits for them, their cases and requests
    housekeeping.WORKFLOW,  # request keys and reminder claims pruned after their retention
    pause.WORKFLOW,         # the mourning pause (4.4)
    register.WORKFLOW,      # the accounts register, leavers, yearly reviews (2.2, 5.5)
    reports.WORKFLOW,       # the monthly summary and the policy's yearly review (6.1)
    security.WORKFLOW,      # "Report to Information Management": suspected information security breaches (2.10)
)


def registry() -> Registry:
    return Registry(WORKFLOWS)
