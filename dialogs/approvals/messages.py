"""What the approval card says: the card with its progress and questions, status lines, the small forms."""
from __future__ import annotations

from datetime import datetime

from chat.messages import Button, Buttons, Form, Header, Input, Message, Note, Text, message
from chat.quoting import inert
from chat.services import Services
from chat.wording import display_names, when
from storage.models.accounts import ApprovalRequest

from .rules import INFO, PENDING, REJECTED, RequestKind, RequestKinds, people_in, steps_of


def progress(svc: Services, req: ApprovalRequest, nm: dict) -> list[str]:
    lines = []
    for i, step in enumerate(steps_of(req)):
        done = [h for h in req.history if h["step"] == i]
        if done:
            h = done[-1]
            verb = step.done if h["outcome"] == "approved" else "rejected"
            mark = "✅" if h["outcome"] == "approved" else "❌"
            line = f"{mark} *{step.title}* ({step.section}): {verb} by {nm.get(h['by'], h['by'])} " \
                   f"at {when(svc, datetime.fromisoformat(h['at']))}"
            if h.get("reason"):
                line += f": “{inert(h['reason'])}”"
            if h.get("confirmed"):     # stored as "budget_code: 4410-XY"; shown in words, "budget code 4410-XY"
                key, _, value = h["confirmed"].partition(": ")
                line += f" ({key.replace('_', ' ')} {inert(value)})" if value else f" ({key})"
        elif i == req.step and req.state == PENDING:
            line = f"⏳ *{step.title}* ({step.section}): waiting since {when(svc, req.step_started_at)}"
        elif i == req.step and req.state == INFO:
            line = f"❓ *{step.title}* ({step.section}): {nm.get(req.question_by)} asked for more " \
                   f"information at {when(svc, req.question_at)}; waiting for the requester's answer"
        else:
            line = f"◻️ *{step.title}* ({step.section}): not yet"
        lines.append(line)
    return lines


def thread(svc: Services, req: ApprovalRequest, nm: dict) -> list[str]:
    lines = []
    for t in req.thread:
        lines.append(f"*Question from {nm.get(t['by'], t['by'])}:* {inert(t['q'])}\n*Answer "
                     f"({when(svc, datetime.fromisoformat(t['answered_at']))}):* {inert(t['a'])}")
    if req.state == INFO and req.question:
        lines.append(f"*Question from {nm.get(req.question_by)}:* {inert(req.question)}")
    return lines


async def card(svc: Services, wf: RequestKind, req: ApprovalRequest, card_step: int | None,
               lead: str | None = None) -> Message:
    """The approvers' card. Buttons only on a card for the step now awaited, while it is awaited."""
    return render_card(svc, wf, req, card_step, await display_names(svc, people_in(req)), lead)


def render_card(svc: Services, wf: RequestKind, req: ApprovalRequest, card_step: int | None, nm: dict,
                lead: str | None = None) -> Message:
    """The card with the names already known (`nm`), so it can be written inside the change's transaction."""
    blocks: list = [Header(f"{wf.noun.capitalize()} {wf.ref(req)}: {wf.title(req)}")]
    if lead:
        blocks.append(Text(lead))
    blocks += wf.summary(req, nm)
    blocks.append(Text("\n".join(progress(svc, req, nm))))
    blocks += [Text(t) for t in thread(svc, req, nm)]
    if req.state == REJECTED:
        blocks.append(Text(f"❌ *Rejected* by {nm.get(req.decided_by)} at {when(svc, req.decided_at)}."))
    elif req.state == wf.final_state:
        blocks.append(Text(f"✅ *{wf.final_state.capitalize()}* by {nm.get(req.decided_by)} at "
                           f"{when(svc, req.decided_at)}."))
    if card_step == req.step and req.state == PENDING:
        step = steps_of(req)[req.step]
        value = f"{req.id}:{req.step}"
        blocks.append(Buttons(Button(step.approve, "approval.approve", value, "primary"),
                              Button("Reject", "approval.reject", value, "danger"),
                              Button("Ask for more information", "approval.ask", value)))
        blocks.append(Note(f"Requested by {nm.get(req.requester)}. Only {step.label} can decide this step "
                           f"({step.section}); nobody decides their own request."))
    return message(*blocks, text=f"{wf.noun.capitalize()} {wf.ref(req)}: {wf.title(req)}")


def status_line(svc: Services, wf: RequestKind, req: ApprovalRequest, nm: dict) -> str:
    step = steps_of(req)[min(req.step, len(req.steps) - 1)]
    if req.state == PENDING:
        return f"waiting for {step.label} ({step.section}) since {when(svc, req.step_started_at)}"
    if req.state == INFO:
        return f"{nm.get(req.question_by, req.question_by)} asked you a question: “{inert(req.question)}”"
    if req.state == REJECTED:
        return (f"rejected by {nm.get(req.decided_by, req.decided_by)} at {when(svc, req.decided_at)}: "
                f"“{inert(req.reason)}”")
    return f"{wf.final_state} by {nm.get(req.decided_by, req.decided_by)} at {when(svc, req.decided_at)}"


def reason_form(value: str, ref: str) -> Form:
    return Form("approval_reject", f"Reject {ref}"[:24], (
        Input("reason", "Why are you rejecting it?", "long_text",
              hint="The requester will see this, so say what would need to change."),),
        submit="Reject", private=value)


def question_form(value: str) -> Form:
    return Form("approval_ask", "Ask for more info", (
        Input("question", "What do you need to know?", "long_text",
              hint="This goes to the requester; their answer comes back to the approvers."),),
        submit="Send question", private=value)


def answer_form(kinds: RequestKinds, req) -> Form:
    return Form("approval_answer", f"Answer {kinds.ref(req)}", (Input("answer", "Your answer", "long_text"),),
                submit="Send answer", private=str(req.id), intro=(Text(f"*The question:* {inert(req.question)}"),))


def confirm_form(kinds: RequestKinds, req, step, value: str) -> Form:
    return Form("approval_confirm", f"Approve {kinds.ref(req)}",
                (kinds.of(req).confirm_input(req, step),), submit="Approve", private=value)
