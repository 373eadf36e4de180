"""`/smpolicy audit export FROM TO [csv|jsonl]` (`audit export ...` in Teams): the audit trail as a file (6.2)."""
from __future__ import annotations

from dialogs import audit

from chat.registry import command


@command("smpolicy", "audit", "Communications Team: export the audit trail between two dates as a file (6.2).",
         usage="audit export FROM TO [csv|jsonl]")
async def audit_command(svc, inv):
    return await audit.export_for_chat(svc, inv.user.email, inv.args, inv.platform)
