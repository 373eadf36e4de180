""""This verdict is wrong" entry points: the button on every verdict, the report and review forms, the
Communications Team's `feedback` list and Review button, the daily purge and `python -m bot check feedback`."""
from __future__ import annotations

from datetime import time

from chat.errors import BadInput
from chat.messages import Form
from chat.registry import Action, Command, Daily, OnSubmit, Receipt, Sweep, Workflow
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from dialogs.feedback import flow, messages
from dialogs.feedback.rules import parse_button_value

from .cli import feedback as feedback_cli


async def _source_text(svc: Services, source: str, viewer) -> str | None:
    """The checked Slack message, fetched again only for someone who can see that conversation themselves."""
    parts = source.split("|")
    if len(parts) != 3 or parts[0] != "slack" or viewer.platform != "slack" or not viewer.user_id:
        return None
    reader = svc.notifier.reader("slack")
    return await reader.fetch_message(parts[1], parts[2], viewer=viewer.user_id) if reader else None


async def open_report(svc: Services, inv):
    checked = parse_button_value(inv.value)
    if checked is None:
        raise BadInput("That button is out of date. Check the draft again and use the new verdict's button.")
    draft = await _source_text(svc, checked.source, inv.user) if checked.source else checked.draft
    return OpenForm(flow.report_form(svc, checked, draft))


async def report_submitted(svc: Services, inv):
    result = await flow.submit_report(svc, inv.user, inv.platform, inv.values, inv.private, inv.request_key)
    return result if isinstance(result, FormErrors) else Ephemeral(result)


async def review_button(svc: Services, inv):
    result = await flow.open_review(svc, inv.user.email, inv.value)
    return OpenForm(result) if isinstance(result, Form) else Ephemeral(result)


async def review_submitted(svc: Services, inv):
    result = await flow.submit_review(svc, inv.user.email, inv.private, inv.values)
    return result if isinstance(result, FormErrors) else Ephemeral(result)


async def feedback_command(svc: Services, inv):
    return Ephemeral(await flow.list_pending(svc, inv.user.email))


WORKFLOW = Workflow("feedback",
    commands=(Command("smpolicy", "feedback",
                      "Communications Team: checker verdicts people reported wrong, to review (4.2).",
                      usage="feedback", fn=feedback_command),),
    actions=(Action(messages.OPEN_ACTION, open_report), Action(messages.REVIEW_ACTION, review_button)),
    forms=(OnSubmit(messages.REPORT_FORM, report_submitted), OnSubmit(messages.REVIEW_FORM, review_submitted)),
    sweeps=(Sweep("feedback_purge", Daily(time(2, 30)), flow.purge),),
    receipts=(Receipt(flow.CARD_SENT, flow.card_sent),),
    cli=(feedback_cli.add_parser,))
