"""`/smpolicy boost`: ask for a Facebook post to be boosted (2.7); refused during a mourning pause (4.4)."""
from __future__ import annotations

from chat.messages import Text, message
from chat.registry import Command, OnSubmit, Workflow
from chat.replies import Ephemeral, OpenForm
from chat.services import Services
from dialogs.boost import flow, messages


async def boost_command(svc: Services, inv):
    refusal = await flow.paused(svc)
    if refusal:
        return Ephemeral(message(Text(refusal)))
    return OpenForm(messages.boost_form())


async def boost_submitted(svc: Services, inv):
    return await flow.submit(svc, inv.user, inv.values, inv.request_key)


WORKFLOW = Workflow("boost",
    commands=(Command("smpolicy", "boost", "Ask for a Facebook post to be boosted: budget holder, then Comms (2.7).",
                      usage="boost", fn=boost_command),),
    forms=(OnSubmit("boost_request", boost_submitted),))
