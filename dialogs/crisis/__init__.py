"""The crisis workflow (§4.3 of the Social Media Policy): convene the Crisis Management Group and run the crisis
to its review. No Slack or Teams code here: rooms, invitations and pins go through svc.notifier.

Modules: texts (the policy's wording), repo (storage), people (the group, account administrators), cards
(messages), start (command, form, bad day), convene (room, group, STOP), room (which crisis, permissions, card
updates), during (approver, checklist, timeline, membership), schedule (check-ins, 5pm, review chase), end (end
and review), report (Markdown), state (the posting-state provider).
"""
from .people import ADMINISTRATOR_SOURCES, account_administrators, administrator_source

__all__ = ["account_administrators", "administrator_source", "ADMINISTRATOR_SOURCES"]
