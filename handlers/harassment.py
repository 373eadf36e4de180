"""Online harassment (3.9): the "Report harassment" shortcut on a message (a Teams message action), the
`/smpolicy harassment` command (`harassment` in Teams) that opens the same form, and `/smpolicy blocked`, the
Communications Team's blocked-accounts list."""
from __future__ import annotations

from chat.registry import Command, Job, OnSubmit, Shortcut, Workflow
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from dialogs.harassment import flow, messages


async def from_message(svc: Services, inv):
    return OpenForm(flow.form_for(inv.text))


async def harassment_command(svc: Services, inv):
    return OpenForm(flow.form_for(inv.args.strip() or None))


async def blocked_command(svc: Services, inv):
    return Ephemeral(await flow.list_blocked(svc, inv.user.email))


async def submitted(svc: Services, inv):
    result = await flow.submit(svc, inv.user, inv.values, inv.request_key)
    return result if isinstance(result, FormErrors) else Ephemeral(result)


WORKFLOW = Workflow("harassment",
    commands=(Command("smpolicy", "harassment",
                      "Report online harassment or bullying: your manager, HR and the Communications Team are told "
                      "(3.9).", usage="harassment", fn=harassment_command),
              Command("smpolicy", "blocked", "Communications Team: accounts reported for harassment, to block on "
                      "every channel (3.9).", usage="blocked", fn=blocked_command)),
    shortcuts=(Shortcut("report_harassment", "Report harassment",
                        "Tell your manager and the Communications Team about abuse in this message (3.9).",
                        fn=from_message),),
    forms=(OnSubmit(messages.FORM_ID, submitted),),
    jobs=(Job(flow.EMAIL_JOB, flow.hr_email_job),))
