"""`/smpolicy help` and `/crisis help` (`help` in Teams)."""
from chat.dispatch import help_message
from chat.replies import Ephemeral

from chat.registry import command


@command("smpolicy", "help", "List everything I can do, one line each.")
async def smpolicy_help(svc, inv):
    return Ephemeral(help_message(inv.platform))


@command("crisis", "help", "List the crisis commands.")
async def crisis_help(svc, inv):
    return Ephemeral(help_message(inv.platform, family="crisis"))
