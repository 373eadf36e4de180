"""Reporting a suspected information security breach from a checker verdict (2.10): the verdict's button and
its email to Information Management (an outbox job) and the sweep that retries one that did not go. The button
itself is put on a verdict by handlers/check.py."""
from __future__ import annotations

from chat.registry import Action, Every, Job, Sweep, Workflow
from chat.replies import Ephemeral
from chat.services import Services
from dialogs.security import flow, messages


async def report_button(svc: Services, inv):
    return Ephemeral(await flow.report(svc, inv.user, inv.platform, inv.value))


WORKFLOW = Workflow("security",
    actions=(Action(messages.REPORT_ACTION, report_button),),
    sweeps=(Sweep("security_report_retry", Every(15), flow.retry_sweep),),
    jobs=(Job(flow.EMAIL_JOB, flow.email_job),))
