"""Facebook boosting and paid advertising (2.7): budget holder, then the Communications Team, then arranged.

The budget holder approves and confirms the budget code; the Communications Team checks the fit with the
strategy and arranges it. Nothing is boosted during a mourning pause (4.4).
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from chat.replies import Ephemeral, FormErrors
from chat.messages import Fields, Form, Input, PersonRef, Text, message
from chat.posting import posting_state
from storage.events import record_event
from storage.models.accounts import ApprovalRequest

from . import approvals
from .approvals import RequestKind, Step
from chat.errors import BadInput, NotAllowed

URL = re.compile(r"^https?://\S+\.\S+$", re.I)
AMOUNT = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})*|\d+)(\.\d{1,2})?$")


async def paused(svc) -> str | None:
    """The refusal to show during a mourning pause, or None."""
    reason = (await posting_state(svc)).pause_reason
    if not reason:
        return None
    return (f"Boosts are on hold: {reason}. Nothing should be promoted while posting is paused (4.4). Please "
            "ask again when the pause ends.")


def boost_form(errors: dict | None = None, values: dict | None = None, holder: PersonRef | None = None) -> Form:
    v = values or {}
    return Form("boost_request", "Boost a post", (
        Input("link", "Link to the post", initial=v.get("link"), placeholder="https://www.facebook.com/…"),
        Input("aim", "What the boost is for", "long_text", initial=v.get("aim")),
        Input("locations", "Audience: locations", initial=v.get("locations"),
              hint="Where it should reach, e.g. “Ipswich and 10 miles around”."),
        Input("interests", "Audience: interests", required=False, initial=v.get("interests")),
        Input("start", "First day", "date", initial=v.get("start")),
        Input("end", "Last day", "date", initial=v.get("end")),
        Input("amount", "Amount (£)", initial=v.get("amount"), placeholder="150"),
        Input("budget_holder", "Budget holder", "person", initial=holder,
              hint="They approve the spend and confirm the budget code (2.7)."),
        Input("budget_code", "Budget code", initial=v.get("budget_code")),
    ), submit="Send request", intro=(Text(
        "Boosts are arranged by the Communications Team once your budget holder has approved the spend (2.7)."),),
        errors=tuple((errors or {}).items()))


def _amount(raw: str) -> float | None:
    found = AMOUNT.match((raw or "").strip())
    if not found:
        return None
    value = float((found.group(1) + (found.group(2) or "")).replace(",", ""))
    return value if 0 < value <= 100_000 else None


async def submit(svc, user: PersonRef, values: dict):
    refusal = await paused(svc)
    if refusal:
        return Ephemeral(message(Text(refusal)))
    requester = user.email
    if not requester:
        raise BadInput("I couldn't find your email address, so I can't file this. Please try again in a minute.")
    text = {k: (values.get(k) or "").strip() for k in ("link", "aim", "locations", "interests", "amount",
                                                       "budget_code")}
    start, end = values.get("start"), values.get("end")
    holder = await svc.directory.email_of(values.get("budget_holder"))
    errors: dict[str, str] = {}
    if not URL.match(text["link"]):
        errors["link"] = "Paste the link to the post you want boosted, starting https://."
    if not text["aim"]:
        errors["aim"] = "Say what the boost is for, so the Communications Team can check it fits the strategy (2.7)."
    if not text["locations"]:
        errors["locations"] = "Say where the boost should reach (2.7)."
    if not isinstance(start, date):
        errors["start"] = "Choose the first day."
    elif start < svc.today():
        errors["start"] = "The first day can't be in the past."
    if not isinstance(end, date):
        errors["end"] = "Choose the last day."
    elif isinstance(start, date) and end < start:
        errors["end"] = "The last day must be on or after the first day."
    amount = _amount(text["amount"])
    if amount is None:
        errors["amount"] = "Give the amount in pounds, e.g. 150 or 150.00."
    budget_holders = svc.config.members("budget_holders")
    if not holder:
        errors["budget_holder"] = "Choose the budget holder who approves the spend (2.7)."
    elif holder == requester:
        errors["budget_holder"] = "Choose another budget holder: nobody approves their own request."
    elif budget_holders and holder not in budget_holders:
        errors["budget_holder"] = (f"{svc.config.display_name(holder)} isn't listed as a budget holder. Choose one, "
                                   "or ask the Communications Team to add them (2.7).")
    if not text["budget_code"]:
        errors["budget_code"] = "Give the budget code the Communications Team should charge (2.7)."
    if not errors.get("link"):
        waiting = await _waiting_for(svc, requester, text["link"])
        if waiting:  # a second press of Submit, or a retried delivery
            errors["link"] = f"You already asked for this post to be boosted ({waiting}); `status` shows where it is."
    if errors:
        return FormErrors(errors, form=boost_form(errors, {**text, "start": start, "end": end},
                                                  values.get("budget_holder")))
    nm = await approvals.names(svc, [holder])
    comms = dict(role="comms_team", also=("head_of_comms",), channel="comms_team")
    steps = [Step("budget", "Budget holder's approval", f"{nm[holder]} (the budget holder)", "2.7", person=holder,
                  approve="Approve and confirm code", confirm="budget_code"),
             Step("comms", "Fit with the strategy", "the Communications Team", "2.7", **comms),
             Step("arrange", "Boost arranged", "the Communications Team", "2.7", approve="Mark as arranged",
                  done="arranged", **comms)]
    details = {**text, "amount": f"{amount:.2f}", "start": start.isoformat(), "end": end.isoformat(),
               "budget_holder": holder}
    now = svc.now()
    async with svc.db.transaction() as s:
        req = ApprovalRequest(kind="boost", requester=requester, state=approvals.PENDING, step=0,
                              steps=[st.dump() for st in steps], details=details, history=[], thread=[],
                              created_at=now, step_started_at=now)
        s.add(req)
        await s.flush()
        await record_event(s, at=now, actor=requester, subject_kind="boost_request", subject_id=req.id,
                           action="submitted", to_state="pending:budget",
                           details={"amount": details["amount"], "budget_code": details["budget_code"]})
    await approvals.announce(svc, BOOST_REQUEST, req)
    return Ephemeral(message(Text(
        f"Thanks: your boost request {BOOST_REQUEST.ref(req)} has gone to {nm[holder]} to approve the spend, then to "
        f"the Communications Team, who will arrange it (2.7). `status` shows where it stands.")))


async def _waiting_for(svc, requester: str, link: str) -> str | None:
    async with svc.db.sessions() as s:
        for req in await s.scalars(select(ApprovalRequest).where(
                ApprovalRequest.kind == "boost", ApprovalRequest.requester == requester,
                ApprovalRequest.state.in_(approvals.OPEN))):
            if req.details.get("link") == link:
                return BOOST_REQUEST.ref(req)
    return None


def _title(req: ApprovalRequest) -> str:
    d = req.details
    start, end = date.fromisoformat(d["start"]), date.fromisoformat(d["end"])
    return f"£{d['amount']} boost, {start.day} {start:%b} to {end.day} {end:%b %Y}"


def _summary(req: ApprovalRequest, nm: dict) -> list:
    d = req.details
    return [Fields([("Post", d["link"]), ("Locations", d["locations"]), ("Interests", d["interests"] or "–"),
                    ("Dates", f"{d['start']} to {d['end']}"), ("Amount", f"£{d['amount']}"),
                    ("Budget holder", nm.get(d["budget_holder"], d["budget_holder"])),
                    ("Budget code", d["budget_code"]), ("Requested by", nm.get(req.requester, req.requester))]),
            Text(f"*What it is for*\n{d['aim']}")]


async def _guard(svc, req: ApprovalRequest, step: Step) -> None:
    if step.key != "budget":
        refusal = await paused(svc)
        if refusal:
            raise NotAllowed(refusal)


def _confirm_input(req: ApprovalRequest, step: Step) -> Input:
    return Input("budget_code", "Budget code to charge", initial=req.details.get("budget_code"),
                 hint="Check it, or correct it, before approving the spend (2.7).")


async def _after_arranged(svc, req: ApprovalRequest, actor: str) -> None:
    nm = await approvals.names(svc, [actor])
    done = (f"arranged by {nm[actor]} at {approvals.when(svc, req.decided_at)}, charged to budget code "
            f"{req.details['budget_code']} (2.7).")
    for email, text in ((req.requester, f"Your boost {BOOST_REQUEST.ref(req)} ({_title(req)}) was {done}"),
                        (req.details["budget_holder"], f"The boost you approved, {BOOST_REQUEST.ref(req)} "
                                                       f"({_title(req)}), was {done}")):
        try:
            await svc.notifier.dm(email, message(Text(text)))
        except Exception:
            pass  # the card in the channel shows the same


BOOST_REQUEST = RequestKind(kind="boost", prefix="BR", noun="boost request", final_state="arranged", title=_title,
                            summary=_summary, after_final=_after_arranged, guard=_guard, confirm_input=_confirm_input)
