"""What the bot answers about the policy (`ask`, `section`): the sections quoted briefly with their numbers and
what to do next, a section in full, the contents, and "I don't know" with how to reach the Communications Team
(3.3: "Never be afraid to say 'I don't know'... No dead-end conversations")."""
from __future__ import annotations

from chat.commands import in_text, typed
from chat.messages import Header, Message, Note, Text, message
from chat.quoting import inert
from chat.services import Services
from policy.search import ask as search
from policy.search_pack import load_commands
from policy.sections import Section, children, load_pack, load_sections

from .rules import FLOW_CHART, about_deleting_a_public_post, chunks, cite, house_style


def document_title(s: Section) -> str:
    pack = load_pack()
    doc = pack.documents.get(s.document, {})
    title = doc.get("title") or ("Social Media guidance for Members" if s.document == "members_guidance"
                                 else "Social Media Policy")
    version = " ".join(v for v in (doc.get("version"), f"({doc['date']})" if doc.get("date") else None) if v)
    return f"{title} {version}".strip()


# --- where to go when the policy has no answer --------------------------------------------------------------------

def comms_contact(svc: Services, platform: str) -> str:
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


def dont_know(svc: Services, platform: str) -> Message:
    contact = comms_contact(svc, platform)
    how = f" Ask them {contact}." if contact else ""
    return message(
        Text("*I don't know.* I couldn't find anything in the policy that answers that, and I'd rather say so "
             "than guess (3.3)."),
        Text(f"Please ask the Communications Team: they own the policy and answer questions about it (2.1).{how}"),
        Note(f"You could also try other words, or read the contents with `{typed('smpolicy', 'section', platform)}`."),
        text="I don't know: please ask the Communications Team")


# 8.2 5.3, in the appendix's own terms, for a fire-service moderator asking about a member of the public's post.
DELETING_PUBLIC_POSTS = (
    "*When a post from the public may be deleted (8.2 5.3)*\n"
    "Only if it falls into one of these:\n"
    "• it breaks the law, for example abuse, harassment or abusive behaviour\n"
    "• it contains swearing\n"
    "• it names members of the public and links them to an incident\n"
    "• it is a hate crime, for example inappropriate language about ethnic groups: report it to Suffolk Hate Crime "
    "Services as well\n"
    "Each time, explain the reason for deleting it to the poster on the thread. If they could post it again without "
    "the swearing or the offending part, tell them that is an option. Don't delete posts just because they argue "
    "against the Service's policies (8.2 5.2)."
)


def answer_message(svc: Services, question: str, platform: str, profile: str = "staff") -> Message:
    answer = search(question)
    deleting = profile == "sfrs" and about_deleting_a_public_post(question)
    if not answer.known and not deleting:
        return dont_know(svc, platform)
    blocks: list = [Text(DELETING_PUBLIC_POSTS)] if deleting else []
    if not answer.known:
        return message(*blocks, Note(f"Read it in full: `{typed('smpolicy', 'section 8.2 5.3', platform)}`."),
                       text="8.2 5.3 When should a post be deleted?")
    blocks.append(Text("*What the policy says*"))
    for hit in answer.hits:
        blocks.append(Text(f"*{cite(hit.section)} {hit.section.title}*\n“{hit.snippet}”"))
    if answer.command_hint:
        blocks.append(Text(f"*What to do:* {in_text(answer.command_hint, platform)}"))
    top = answer.hits[0].section
    contact = comms_contact(svc, platform)
    blocks.append(Note(f"Read it in full: `{typed('smpolicy', f'section {cite(top)}', platform)}`. From the "
                       f"{document_title(top)}. Not what you needed? Ask the Communications Team"
                       f"{' ' + contact if contact else ''}."))
    return message(*blocks, text=f"{cite(top)} {top.title}")


def contents(platform: str, lead: str | None = None) -> Message:
    def cmd(text: str) -> str:
        return typed("smpolicy", text, platform)

    sections = load_sections().values()
    policy = " · ".join(f"{s.id} {s.title}" for s in sections if s.parent is None and s.document == "policy")
    members = " · ".join(f"{s.id} {s.title}" for s in sections if s.parent is None
                         and s.document == "members_guidance")
    blocks = [Text(lead)] if lead else []
    blocks += [Text(f"*Social Media Policy:* {policy}"), Text(f"*Guidance for Members:* {members}"),
               Note(f"Show one in full with `{cmd('section 3.4')}`, the Fire and Rescue appendix with "
                    f"`{cmd('section 8.2 2.5')}`, the Members guidance with `{cmd('section MG 5.4')}`.")]
    return message(*blocks, text=lead or "The policy's sections")


def section_message(s: Section, platform: str) -> Message:
    def cmd(text: str) -> str:
        return typed("smpolicy", text, platform)

    blocks: list = [Header(f"{cite(s)} {s.title}")]
    blocks += [Text(c) for c in chunks(house_style(s.text.strip()))]
    subs = children(s.id)
    if subs:
        lead = "This section is a heading; its sub-sections are:" if not s.text.strip() else "Sub-sections:"
        blocks.append(Text(f"*{lead}*\n" + "\n".join(f"• `{cmd(f'section {cite(c)}')}` {c.title}" for c in subs)))
    if s.id == FLOW_CHART:
        blocks.append(Note("The policy's flow chart for this process is not reproduced here; the text above "
                           "describes the same steps."))
    hint = load_commands().get(s.id, {}).get("hint")
    if hint:
        blocks.append(Text(f"*What to do:* {in_text(hint, platform)}"))
    blocks.append(Note(f"{document_title(s)}, section {cite(s)}."))
    return message(*blocks, text=f"{cite(s)} {s.title}")


def ask_prompt(platform: str) -> Message:
    """`ask` with no question."""
    return message(Text(
        f"What would you like to know? For example `{typed('smpolicy', 'ask can I pay to promote a post?', platform)}` "
        f"or `{typed('smpolicy', 'ask photo of children at an event', platform)}`."))


def no_such_section(ref: str, platform: str) -> Message:
    def cmd(text: str) -> str:
        return typed("smpolicy", text, platform)

    shown = inert(ref if len(ref) <= 40 else ref[:39] + "…")   # as they typed it
    return contents(platform, (
        f"I can't find section “{shown}”. Give its number as the policy writes it, for example "
        f"`{cmd('section 3.4')}`, `{cmd('section 8.2 2.5')}` (Fire and Rescue appendix) or `{cmd('section MG 5.4')}` "
        f"(guidance for Members). To search by topic, use `{cmd('ask <your question>')}`."))
