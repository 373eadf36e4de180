"""The approval card shared by account requests and boosts: its buttons and small forms, `/smpolicy status`,
and the daily chaser.

Reject and Ask open a small form, and so does Approve when the step confirms a detail (a boost's budget code).
The kinds of request the card serves are listed here, once (dialogs/approvals.py).
"""
from __future__ import annotations

from datetime import time

from chat.errors import NotFound
from chat.messages import Form, Input, Text, message
from chat.registry import Action, Command, Daily, OnSubmit, Sweep, Workflow
from chat.replies import Ephemeral, FormErrors, OpenForm
from dialogs import accounts, approvals, boost
from storage.claims import first_delivery

KINDS = approvals.RequestKinds(accounts.ACCOUNT_REQUEST, boost.BOOST_REQUEST)


async def _first_delivery(svc, inv) -> bool:
    """A platform retry of the same click is dropped here; a second real click meets the conditional UPDATE."""
    return not inv.request_key or await first_delivery(svc.db, inv.request_key, svc.now())


async def status(svc, inv):
    lines = await approvals.status_for(svc, KINDS, inv.user.email) if inv.user.email else []
    if not lines:
        return Ephemeral(message(Text("You have no account or boost requests. Start one with `request-account` "
                                      "(2.5) or `boost` (2.7).")))
    return Ephemeral(message(Text("*Your requests*\n" + "\n".join(f"• {line}" for line in lines))))


# --- the approval card ---------------------------------------------------------------------------------------

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


def answer_form(req) -> Form:
    return Form("approval_answer", f"Answer {KINDS.ref(req)}", (Input("answer", "Your answer", "long_text"),),
                submit="Send answer", private=str(req.id), intro=(Text(f"*The question:* {req.question}"),))


def confirm_form(req, step, value: str) -> Form:
    return Form("approval_confirm", f"Approve {KINDS.ref(req)}",
                (KINDS.of(req).confirm_input(req, step),), submit="Approve", private=value)


async def approval_button(svc, inv):
    if not await _first_delivery(svc, inv):
        return None
    verb, actor = inv.command.split(".", 1)[1], inv.user.email
    if verb == "answer":
        req = await approvals.load(svc, approvals.parse_value(inv.value)[0])
        if actor != req.requester:
            return Ephemeral(message(Text("Only the person who made the request can answer its question.")))
        if req.state != approvals.INFO:
            return Ephemeral(message(Text("That question has already been answered.")))
        return OpenForm(answer_form(req))
    req, step, _ = await approvals.prepare(svc, KINDS, actor, inv.value)  # refuses the unauthorised and the late
    if verb == "approve":
        if step.confirm:
            return OpenForm(confirm_form(req, step, inv.value))
        return Ephemeral(message(Text(await approvals.approve(svc, KINDS, actor, inv.value))))
    if verb == "reject":
        return OpenForm(reason_form(inv.value, KINDS.ref(req)))
    if verb == "ask":
        return OpenForm(question_form(inv.value))
    raise NotFound("That button no longer does anything.")


async def _written(svc, inv, field: str, fn, make_form):
    text = (inv.values.get(field) or "").strip()
    if not text:
        return FormErrors({field: "Please write something here: the other person will read it."},
                          form=await make_form())
    return Ephemeral(message(Text(await fn(svc, KINDS, inv.user.email, inv.private, text))))


async def reject_submitted(svc, inv):
    async def again():
        return reason_form(inv.private, KINDS.ref(await approvals.load(svc, approvals.parse_value(inv.private)[0])))
    return await _written(svc, inv, "reason", approvals.reject, again)


async def ask_submitted(svc, inv):
    async def again():
        return question_form(inv.private)
    return await _written(svc, inv, "question", approvals.ask, again)


async def answer_submitted(svc, inv):
    async def again():
        return answer_form(await approvals.load(svc, approvals.parse_value(inv.private)[0]))
    return await _written(svc, inv, "answer", approvals.answer, again)


async def confirm_submitted(svc, inv):
    req, step, _ = await approvals.prepare(svc, KINDS, inv.user.email, inv.private)
    confirmed = (inv.values.get(step.confirm) or "").strip()
    if not confirmed:
        return FormErrors({step.confirm: "Please confirm this before approving."},
                          form=confirm_form(req, step, inv.private))
    return Ephemeral(message(Text(await approvals.approve(svc, KINDS, inv.user.email, inv.private, confirmed))))


async def chase_approvals(svc, now):
    await approvals.chase(svc, KINDS, now)


WORKFLOW = Workflow(
    "approvals",
    commands=(
        Command("smpolicy", "status", "Where each of your account and boost requests stands.",
                usage="status", fn=status),
    ),
    actions=(
        Action("approval.", approval_button, prefix=True),
    ),
    forms=(
        OnSubmit("approval_reject", reject_submitted),
        OnSubmit("approval_ask", ask_submitted),
        OnSubmit("approval_answer", answer_submitted),
        OnSubmit("approval_confirm", confirm_submitted),
    ),
    sweeps=(
        Sweep("approval_chasers", Daily(time(9, 30), working_days_only=True), chase_approvals),
    ),
)
