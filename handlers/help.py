"""`/smpolicy help` and `/crisis help` (`help` in Teams), and the button that runs a typed command again.

A command typed in a DM that opens a form (`foi`, `request-account`) answers with an "Open the form" button
(chat/dispatch.py): Slack opens a form only from a click, so the click runs the same command again."""
from dataclasses import replace

from chat.commands import command_parts
from chat.dispatch import RUN_AGAIN, help_message
from chat.registry import Action, Command, Workflow
from chat.replies import Ephemeral
from chat.services import Services


async def smpolicy_help(svc: Services, inv):
    return Ephemeral(help_message(svc.registry, inv.platform))


async def crisis_help(svc: Services, inv):
    return Ephemeral(help_message(svc.registry, inv.platform, family="crisis"))


async def run_again(svc: Services, inv):
    family, name, args = command_parts(inv.value)
    command = svc.registry.find_command(family, name)
    if command is None:
        return Ephemeral(help_message(svc.registry, inv.platform, lead="That button is out of date."))
    return await command.fn(svc, replace(inv, kind="command", family=family, command=name, args=args, value=""))


WORKFLOW = Workflow("help",
    commands=(Command("smpolicy", "help", "List everything I can do, one line each.", usage="help", fn=smpolicy_help),
              Command("crisis", "help", "List the crisis commands.", usage="help", fn=crisis_help)),
    actions=(Action(RUN_AGAIN, run_again),))
