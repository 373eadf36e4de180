"""`/smpolicy help` and `/crisis help` (`help` in Teams)."""
from chat.dispatch import help_message
from chat.registry import Command, Workflow
from chat.replies import Ephemeral
from chat.services import Services


async def smpolicy_help(svc: Services, inv):
    return Ephemeral(help_message(svc.registry, inv.platform))


async def crisis_help(svc: Services, inv):
    return Ephemeral(help_message(svc.registry, inv.platform, family="crisis"))


WORKFLOW = Workflow("help",
    commands=(Command("smpolicy", "help", "List everything I can do, one line each.", usage="help", fn=smpolicy_help),
              Command("crisis", "help", "List the crisis commands.", usage="help", fn=crisis_help)))
