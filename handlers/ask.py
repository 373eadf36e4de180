"""`/smpolicy ask <question>` and `/smpolicy section <ref>` (`ask ...`, `section ...` in Teams).

`ask` quotes the two or three most relevant sections briefly with their numbers and says what to do next;
when nothing in the policy answers, it says so and names how to reach the Communications Team (3.3: "Never
be afraid to say 'I don't know'... No dead-end conversations"). `section` shows one section in full.
"""
from __future__ import annotations

from chat.registry import Command, Workflow
from chat.replies import Ephemeral
from chat.services import Services
from dialogs.ask import messages
from policy.sections import get_section


async def ask_command(svc: Services, inv):
    question = inv.args.strip()
    if not question:
        return Ephemeral(messages.ask_prompt(inv.platform))
    profile = svc.config.profile_for(inv.user.email, inv.channel)   # 8.2 5.3 is the fire service's own
    return Ephemeral(messages.answer_message(svc, question[:1000], inv.platform, profile))


async def section_command(svc: Services, inv):
    ref = inv.args.strip()
    if not ref:
        return Ephemeral(messages.contents(inv.platform, "Which section? Here are the contents:"))
    found = get_section(ref)
    if found is None:
        return Ephemeral(messages.no_such_section(ref, inv.platform))
    return Ephemeral(messages.section_message(found, inv.platform))


WORKFLOW = Workflow("ask",
    commands=(Command("smpolicy", "ask",
                      "Ask a question about the social media policy; I quote the sections that answer it.",
                      usage="ask <your question>", fn=ask_command),
              Command("smpolicy", "section", "Show a section of the policy in full, e.g. 3.4 or MG 5.4.",
                      usage="section <number>", fn=section_command)))
