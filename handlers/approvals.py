"""The approval card shared by account requests and boosts: its buttons and small forms, `/smpolicy status`,
and the daily chaser.

Reject and Ask open a small form, and so does Approve when the step confirms a detail (a boost's budget code).
The kinds of request the card serves are listed here, once (KINDS; dialogs/approvals/rules.py).
"""
from __future__ import annotations

from datetime import time

from chat.commands import typed
from chat.errors import NotFound
from chat.messages import Text, message
from chat.registry import Action, Command, Daily, OnSubmit, Receipt, Sweep, Workflow
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from dialogs.accounts.flow import ACCOUNT_REQUEST
from dialogs.approvals import flow, messages, rules, store
from dialogs.boost.flow import BOOST_REQUEST

KINDS = rules.RequestKinds(ACCOUNT_REQUEST, BOOST_REQUEST)


async def status(svc: Services, inv):
    lines = await flow.status_for(svc, KINDS, inv.user.email) if inv.user.email else []
    if not lines:
        account, boost = (typed("smpolicy", c, inv.platform) for c in ("request-account", "boost"))
        return Ephemeral(message(Text(f"You have no account or boost requests. Start one with `{account}` "
                                      f"(2.5) or `{boost}` (2.7).")))
    return Ephemeral(message(Text("*Your requests*\n" + "\n".join(f"• {line}" for line in lines))))


# --- the approval card ---------------------------------------------------------------------------------------

async def approval_button(svc: Services, inv):
    # A platform's retry of the same click never gets here (the inbox knows its key); a re-run after a crash or a
    # second real click meets the conditional UPDATE and is told who decided.
    verb, actor = inv.command.split(".", 1)[1], inv.user.email
    if verb == "answer":
        req = await store.load(svc, rules.parse_value(inv.value)[0])
        if actor != req.requester:
            return Ephemeral(message(Text("Only the person who made the request can answer its question.")))
        if req.state != rules.INFO:
            return Ephemeral(message(Text("That question has already been answered.")))
        return OpenForm(messages.answer_form(KINDS, req))
    req, step, _ = await flow.prepare(svc, KINDS, actor, inv.value)  # refuses the unauthorised and the late
    if verb == "approve":
        if step.confirm:
            return OpenForm(messages.confirm_form(KINDS, req, step, inv.value))
        return Ephemeral(message(Text(await flow.approve(svc, KINDS, actor, inv.value))))
    if verb == "reject":
        return OpenForm(messages.reason_form(inv.value, KINDS.ref(req)))
    if verb == "ask":
        return OpenForm(messages.question_form(inv.value))
    raise NotFound("That button no longer does anything.")


async def _written(svc: Services, inv, field: str, fn, make_form):
    text = (inv.values.get(field) or "").strip()
    if not text:
        return FormErrors({field: "Please write something here: the other person will read it."},
                          form=await make_form())
    return Ephemeral(message(Text(await fn(svc, KINDS, inv.user.email, inv.private, text))))


async def reject_submitted(svc: Services, inv):
    async def again():
        return messages.reason_form(inv.private, KINDS.ref(await store.load(svc, rules.parse_value(inv.private)[0])))
    return await _written(svc, inv, "reason", flow.reject, again)


async def ask_submitted(svc: Services, inv):
    async def again():
        return messages.question_form(inv.private)
    return await _written(svc, inv, "question", flow.ask, again)


async def answer_submitted(svc: Services, inv):
    async def again():
        return messages.answer_form(KINDS, await store.load(svc, rules.parse_value(inv.private)[0]))
    return await _written(svc, inv, "answer", flow.answer, again)


async def confirm_submitted(svc: Services, inv):
    req, step, _ = await flow.prepare(svc, KINDS, inv.user.email, inv.private)
    confirmed = (inv.values.get(step.confirm) or "").strip()
    if not confirmed:
        return FormErrors({step.confirm: "Please confirm this before approving."},
                          form=messages.confirm_form(KINDS, req, step, inv.private))
    return Ephemeral(message(Text(await flow.approve(svc, KINDS, inv.user.email, inv.private, confirmed))))


async def chase_approvals(svc: Services, now):
    await flow.chase(svc, KINDS, now)


WORKFLOW = Workflow("approvals",
    commands=(Command("smpolicy", "status", "Where each of your account and boost requests stands.", usage="status",
                      fn=status),),
    actions=(Action("approval.", approval_button, prefix=True),),
    forms=(OnSubmit("approval_reject", reject_submitted), OnSubmit("approval_ask", ask_submitted),
           OnSubmit("approval_answer", answer_submitted), OnSubmit("approval_confirm", confirm_submitted)),
    sweeps=(Sweep("approval_chasers", Daily(time(9, 30), working_days_only=True), chase_approvals),),
    receipts=(Receipt(flow.CARD_SENT, flow.card_sent),))
