"""`/smpolicy audit export FROM TO [csv|jsonl]` (`audit export ...` in Teams): the audit trail as a file (6.2)."""
from __future__ import annotations

from chat.registry import Command, Workflow
from chat.services import Services
from dialogs.audit import flow

from .cli import audit as audit_cli


async def audit_command(svc: Services, inv):
    return await flow.export_for_chat(svc, inv.user.email, inv.args, inv.platform)


WORKFLOW = Workflow("audit",
    commands=(Command("smpolicy", "audit",
                      "Communications Team: export the audit trail between two dates as a file (6.2).",
                      usage="audit export FROM TO [csv|jsonl]", fn=audit_command),),
    cli=(audit_cli.add_parser,))
