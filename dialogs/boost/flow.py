"""Facebook boosting and paid advertising (2.7): budget holder, then the Communications Team, then arranged.

The budget holder approves and confirms the budget code; the Communications Team checks the fit with the
strategy and arranges it. Nothing is boosted during a mourning pause (4.4)."""
from __future__ import annotations

from datetime import date

from chat.commands import typed
from chat.errors import BadInput, NotAllowed
from chat.messages import PersonRef, Text, message
from chat.quoting import inert
from chat.posting import posting_state
from chat.replies import Ephemeral, FormErrors
from chat.services import Services
from chat.wording import display_names, when
from dialogs.approvals import store as approval_store
from dialogs.approvals.flow import queue_announce
from dialogs.approvals.rules import RequestKind, Step
from storage.claims import Repeated
from storage.models.accounts import ApprovalRequest

from .messages import boost_form, confirm_input, summary, title
from .rules import URL, pounds
from .store import waiting_for


async def paused(svc: Services) -> str | None:
    """The refusal to show during a mourning pause, or None."""
    reason = (await posting_state(svc)).pause_reason
    if not reason:
        return None
    return (f"Boosts are on hold: {reason}. Nothing should be promoted while posting is paused (4.4). Please "
            "ask again when the pause ends.")


async def submit(svc: Services, user: PersonRef, values: dict, request_key: str | None = None):
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
    amount = pounds(text["amount"])
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
        waiting = await waiting_for(svc, requester, text["link"])
        if waiting:  # a second press of Submit, or a retried delivery
            errors["link"] = (f"You already asked for this post to be boosted ({BOOST_REQUEST.ref(waiting)}); "
                              f"`{typed('smpolicy', 'status', user.platform)}` shows where it is.")
    if errors:
        return FormErrors(errors, form=boost_form(errors, {**text, "start": start, "end": end},
                                                  values.get("budget_holder")))
    nm = await display_names(svc, [holder, requester])
    comms = dict(role="comms_team", also=("head_of_comms",), channel="comms_team")
    steps = [Step("budget", "Budget holder's approval", f"{nm[holder]} (the budget holder)", "2.7", person=holder,
                  approve="Approve and confirm code", confirm="budget_code"),
             Step("comms", "Fit with the strategy", "the Communications Team", "2.7", **comms),
             Step("arrange", "Boost arranged", "the Communications Team", "2.7", approve="Mark as arranged",
                  done="arranged", **comms)]
    details = {**text, "amount": f"{amount:.2f}", "start": start.isoformat(), "end": end.isoformat(),
               "budget_holder": holder}
    try:
        req = await _file(svc, requester, steps, details, nm, request_key)
    except Repeated:
        return Ephemeral(message(Text(f"Your boost request was filed: `{typed('smpolicy', 'status', user.platform)}` shows where it stands.")))
    return Ephemeral(message(Text(
        f"Thanks: your boost request {BOOST_REQUEST.ref(req)} has gone to {nm[holder]} to approve the spend, then to "
        f"the Communications Team, who will arrange it (2.7). `{typed('smpolicy', 'status', user.platform)}` shows where it stands.")))


async def _file(svc: Services, requester: str, steps: list[Step], details: dict, nm: dict,
                request_key: str | None) -> ApprovalRequest:
    """File the request with its first card queued beside it; the same delivery run twice files it once."""
    async def first_card(session, req):
        await queue_announce(svc, session, BOOST_REQUEST, req, nm, notify=requester)
    return await approval_store.file(svc, kind="boost", requester=requester, steps=steps, details=details,
                                     event={"amount": details["amount"], "budget_code": details["budget_code"]},
                                     then=first_card, request_key=request_key)


async def guard(svc: Services, req: ApprovalRequest, step: Step) -> None:
    if step.key != "budget":
        refusal = await paused(svc)
        if refusal:
            raise NotAllowed(refusal)


async def after_arranged(svc: Services, session, req: ApprovalRequest, actor: str, nm: dict) -> None:
    """In the transaction that marks it arranged: the requester and the budget holder told, once."""
    done = (f"arranged by {nm.get(actor, actor)} at {when(svc, req.decided_at)}, charged to budget code "
            f"{inert(req.details['budget_code'])} (2.7).")
    for who, email, text in (
            ("requester", req.requester, f"Your boost {BOOST_REQUEST.ref(req)} ({title(req)}) was {done}"),
            ("holder", req.details["budget_holder"], f"The boost you approved, {BOOST_REQUEST.ref(req)} "
                                                     f"({title(req)}), was {done}")):
        await svc.outbox.dm(session, email, message(Text(text)), key=f"boost:{req.id}:arranged:{who}")


BOOST_REQUEST = RequestKind(kind="boost", prefix="BR", noun="boost request", final_state="arranged", title=title,
                            summary=summary, after_final=after_arranged, guard=guard, confirm_input=confirm_input)
