"""`/smpolicy ask <question>` and `/smpolicy section <ref>` (`ask ...`, `section ...` in Teams).

`ask` quotes the two or three most relevant sections briefly with their numbers and says what to do next;
when nothing in the policy answers, it says so and names how to reach the Communications Team (3.3: "Never
be afraid to say 'I don't know'... No dead-end conversations"). `section` shows one section in full.
"""
from __future__ import annotations

import re

from chat.messages import Header, Message, Note, Text, message
from chat.registry import Command, Workflow
from chat.replies import Ephemeral
from policy.search import ask as search
from policy.search import load_commands
from policy.sections import Section, children, get_section, load_pack, load_sections

CHUNK = 2500             # characters per text block: under Slack's 3000, and split at paragraph ends
FLOW_CHART = "4.3"       # the policy's crisis flow chart was lost in extraction (policy/README.md)


# --- how sections and commands are written for a person -------------------------------------------------------

def cite(s: Section) -> str:
    """How the bot cites a section: "3.4", "8.2 2.5" (Fire appendix), "MG 5.4" (guidance for Members)."""
    return s.id.replace("/", " ")


def document_title(s: Section) -> str:
    pack = load_pack()
    doc = pack.documents.get(s.document, {})
    title = doc.get("title") or ("Social Media guidance for Members" if s.document == "members_guidance"
                                 else "Social Media Policy")
    version = " ".join(v for v in (doc.get("version"), f"({doc['date']})" if doc.get("date") else None) if v)
    return f"{title} {version}".strip()


def for_platform(text: str, platform: str) -> str:
    """Commands as the person types them: `/smpolicy boost` in Slack, `boost` in Teams."""
    if platform == "slack":
        return text
    return text.replace("/smpolicy ", "").replace("/crisis ", "crisis ")


def _prefix(platform: str) -> str:
    return "/smpolicy " if platform == "slack" else ""


def _house_style(text: str) -> str:
    """The pack's text in our mrkdwn: list items as bullets, **bold** as *bold*."""
    text = re.sub(r"\*\*([^*\n]+)\*\*", r"*\1*", text)
    return "\n".join("• " + line[2:] if line.startswith("- ") else line for line in text.split("\n"))


def _chunks(text: str, limit: int = CHUNK) -> list[str]:
    """Whole paragraphs per block where they fit; a paragraph longer than a block is cut at a sentence end."""
    out: list[str] = []
    current = ""
    for para in text.split("\n"):
        while len(para) > limit:
            cut = para.rfind(". ", 0, limit)
            cut = cut + 1 if cut > limit // 2 else limit
            if current:
                out.append(current)
                current = ""
            out.append(para[:cut].strip())
            para = para[cut:].strip()
        if current and len(current) + 1 + len(para) > limit:
            out.append(current)
            current = para
        else:
            current = f"{current}\n{para}" if current else para
    if current.strip():
        out.append(current)
    return [c.strip("\n") for c in out if c.strip()]


# --- where to go when the policy has no answer --------------------------------------------------------------------

def comms_contact(svc, platform: str) -> str:
    """How to reach the Communications Team, from the organisation file (their channel, their address)."""
    ways = []
    channel = svc.config.channel("comms_team", platform)
    if channel and platform == "slack":
        ways.append(f"in <#{channel}>")
    elif channel:
        ways.append("in the Communications Team's channel")
    if svc.config.comms_team_email:
        email = svc.config.comms_team_email
        ways.append(f"by email at <mailto:{email}|{email}>" if platform == "slack" else f"by email at {email}")
    return " or ".join(ways)


def dont_know(svc, platform: str) -> Message:
    contact = comms_contact(svc, platform)
    how = f" Ask them {contact}." if contact else ""
    return message(
        Text("*I don't know.* I couldn't find anything in the policy that answers that, and I'd rather say so "
             "than guess (3.3)."),
        Text(f"Please ask the Communications Team: they own the policy and answer questions about it (2.1).{how}"),
        Note(f"You could also try other words, or read the contents with `{_prefix(platform)}section`."),
        text="I don't know: please ask the Communications Team")


# --- /smpolicy ask --------------------------------------------------------------------------------------------------

def answer_message(svc, question: str, platform: str) -> Message:
    answer = search(question)
    if not answer.known:
        return dont_know(svc, platform)
    blocks: list = [Text("*What the policy says*")]
    for hit in answer.hits:
        blocks.append(Text(f"*{cite(hit.section)} {hit.section.title}*\n“{hit.snippet}”"))
    if answer.command_hint:
        blocks.append(Text(f"*What to do:* {for_platform(answer.command_hint, platform)}"))
    top = answer.hits[0].section
    contact = comms_contact(svc, platform)
    blocks.append(Note(f"Read it in full: `{_prefix(platform)}section {cite(top)}`. From the "
                       f"{document_title(top)}. Not what you needed? Ask the Communications Team"
                       f"{' ' + contact if contact else ''}."))
    return message(*blocks, text=f"{cite(top)} {top.title}")


async def ask_command(svc, inv):
    question = inv.args.strip()
    if not question:
        p = _prefix(inv.platform)
        return Ephemeral(message(Text(
            f"What would you like to know? For example `{p}ask can I pay to promote a post?` or "
            f"`{p}ask photo of children at an event`.")))
    return Ephemeral(answer_message(svc, question[:1000], inv.platform))


# --- /smpolicy section ------------------------------------------------------------------------------------------

def contents(platform: str, lead: str | None = None) -> Message:
    sections = load_sections().values()
    policy = " · ".join(f"{s.id} {s.title}" for s in sections if s.parent is None and s.document == "policy")
    members = " · ".join(f"{s.id} {s.title}" for s in sections if s.parent is None
                         and s.document == "members_guidance")
    p = _prefix(platform)
    blocks = [Text(lead)] if lead else []
    blocks += [Text(f"*Social Media Policy:* {policy}"), Text(f"*Guidance for Members:* {members}"),
               Note(f"Show one in full with `{p}section 3.4`, the Fire and Rescue appendix with "
                    f"`{p}section 8.2 2.5`, the Members guidance with `{p}section MG 5.4`.")]
    return message(*blocks, text=lead or "The policy's sections")


def section_message(s: Section, platform: str) -> Message:
    p = _prefix(platform)
    blocks: list = [Header(f"{cite(s)} {s.title}")]
    blocks += [Text(c) for c in _chunks(_house_style(s.text.strip()))]
    subs = children(s.id)
    if subs:
        lead = "This section is a heading; its sub-sections are:" if not s.text.strip() else "Sub-sections:"
        blocks.append(Text(f"*{lead}*\n" + "\n".join(f"• `{p}section {cite(c)}` {c.title}" for c in subs)))
    if s.id == FLOW_CHART:
        blocks.append(Note("The policy's flow chart for this process is not reproduced here; the text above "
                           "describes the same steps."))
    hint = load_commands().get(s.id, {}).get("hint")
    if hint:
        blocks.append(Text(f"*What to do:* {for_platform(hint, platform)}"))
    blocks.append(Note(f"{document_title(s)}, section {cite(s)}."))
    return message(*blocks, text=f"{cite(s)} {s.title}")


async def section_command(svc, inv):
    ref = inv.args.strip()
    if not ref:
        return Ephemeral(contents(inv.platform, "Which section? Here are the contents:"))
    found = get_section(ref)
    if found is None:
        p = _prefix(inv.platform)
        shown = ref if len(ref) <= 40 else ref[:39] + "…"
        return Ephemeral(contents(inv.platform, (
            f"I can't find section “{shown}”. Give its number as the policy writes it, for example "
            f"`{p}section 3.4`, `{p}section 8.2 2.5` (Fire and Rescue appendix) or `{p}section MG 5.4` "
            f"(guidance for Members). To search by topic, use `{p}ask <your question>`.")))
    return Ephemeral(section_message(found, inv.platform))


WORKFLOW = Workflow(
    "ask",
    commands=(
        Command("smpolicy", "ask", "Ask a question about the social media policy; I quote the sections that answer it.",
                usage="ask <your question>", fn=ask_command),
        Command("smpolicy", "section", "Show a section of the policy in full, e.g. 3.4 or MG 5.4.",
                usage="section <number>", fn=section_command),
    ),
)
