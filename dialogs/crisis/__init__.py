"""The crisis workflow (§4.3 of the Social Media Policy): convene the Crisis Management Group and run the crisis
to its review. No Slack or Teams code here: rooms, invitations and pins go through svc.notifier.

    rules      pure decisions: the group, which crisis a command names, button values
    store      storage: crises, members, ticks, the timeline (each change with its event)
    flow       what the group does during a crisis: the approver, membership, the checklist, the timeline
    messages   the policy's wording and every card and prompt
    start      the command, the form and the "bad day" check; convene: the room, the group, the STOP messages
    room       which crisis a command means, who may act on it, keeping the room's cards up to date
    people     who administers an account (the accounts register), people's names, people named in commands
    schedule   check-ins, the 5pm question, the review chase; end: ending and the post-crisis review
    report     the crisis as Markdown; state: the posting-state provider (every post needs the approver)
"""
from .people import account_administrators

__all__ = ["account_administrators"]
