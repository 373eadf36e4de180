"""`/smpolicy boost`: ask for a Facebook post to be boosted (2.7); refused during a mourning pause (4.4)."""
from __future__ import annotations

from chat.replies import Ephemeral, OpenForm
from chat.messages import Text, message
from dialogs import boost

from chat.registry import command, form


@command("smpolicy", "boost", "Ask for a Facebook post to be boosted: budget holder, then Comms (2.7).",
         usage="boost")
async def boost_command(svc, inv):
    refusal = await boost.paused(svc)
    if refusal:
        return Ephemeral(message(Text(refusal)))
    return OpenForm(boost.boost_form())


@form("boost_request")
async def boost_submitted(svc, inv):
    return await boost.submit(svc, inv.user, inv.values)
