"""What a boost request says: the form, the approval card's summary, the budget code to confirm."""
from __future__ import annotations

from datetime import date

from chat.messages import Fields, Form, Input, PersonRef, Text
from chat.quoting import inert
from dialogs.approvals.rules import Step
from storage.models.accounts import ApprovalRequest


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


def title(req: ApprovalRequest) -> str:
    d = req.details
    start, end = date.fromisoformat(d["start"]), date.fromisoformat(d["end"])
    return f"£{d['amount']} boost, {start.day} {start:%b} to {end.day} {end:%b %Y}"


def summary(req: ApprovalRequest, nm: dict) -> list:
    d = req.details
    return [Fields([("Post", inert(d["link"])), ("Locations", inert(d["locations"])),
                    ("Interests", inert(d["interests"]) or "–"),
                    ("Dates", f"{d['start']} to {d['end']}"), ("Amount", f"£{d['amount']}"),
                    ("Budget holder", nm.get(d["budget_holder"], d["budget_holder"])),
                    ("Budget code", inert(d["budget_code"])), ("Requested by", nm.get(req.requester, req.requester))]),
            Text(f"*What it is for*\n{inert(d['aim'])}")]


def confirm_input(req: ApprovalRequest, step: Step) -> Input:
    return Input("budget_code", "Budget code to charge", initial=req.details.get("budget_code"),
                 hint="Check it, or correct it, before approving the spend (2.7).")
