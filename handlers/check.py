""""Is this OK to post?": the message shortcut, `/smpolicy check`, and sign-off from a verdict (4.2).

Thin: each entry point resolves who and what (the draft, its photos, the message a button names, the approver
picked) and calls one function in dialogs/check or dialogs/signoff."""
from __future__ import annotations

import logging
from dataclasses import replace

from chat.commands import typed
from chat.dispatch import BUTTON_VALUE_MOST
from chat.errors import BadInput
from chat.messages import Text, message
from chat.registry import Action, Command, OnSubmit, Receipt, Shortcut, Workflow
from chat.replies import Ephemeral, FormErrors, OpenForm
from chat.services import Services
from dialogs.check import messages, rules
from dialogs.check.flow import run_check
from dialogs.check.rules import parse_check_args
from dialogs.feedback import messages as feedback_messages
from dialogs.feedback.rules import button_value
from dialogs.foi.rules import suggest_kind
from dialogs.security import messages as security_messages
from dialogs.security.rules import offer_for
from dialogs.signoff import flow as signoff, messages as signoff_messages
from policy.image_location import gps_from_image

log = logging.getLogger(__name__)


def _images(inv) -> list:
    return [f for f in inv.files if (f.mimetype or "").startswith("image/")]


async def _image_gps(svc: Services, inv, images) -> tuple[float, float] | None:
    """Location data in the first attached photo that has any (Slack files are fetched with the bot token)."""
    sender = svc.notifier.reader(inv.platform)
    if sender is None:
        return None
    for image in images[:3]:
        if not image.url:
            continue
        try:
            gps = gps_from_image(await sender.download(image.url))
        except Exception as exc:  # a photo we cannot read is not a reason to refuse a verdict
            log.warning("could not read an attached photo: %s", type(exc).__name__)
            continue
        if gps:
            return gps
    return None


async def _source_text(svc: Services, source: str, viewer) -> str | None:
    """The checked message's text, fetched again for the person who clicked, and only if they can see that
    conversation themselves (the button's value could name any channel: never read one for them with the
    bot's own access)."""
    parts = source.split("|")
    if len(parts) != 3 or parts[0] != "slack" or viewer.platform != "slack":
        return None
    sender = svc.notifier.reader("slack")
    return await sender.fetch_message(parts[1], parts[2], viewer=viewer.user_id) if sender else None


def _feedback(svc: Services, profile: str, has_image: bool, source: str = "", draft: str | None = None) -> tuple:
    """"This verdict is wrong" on the verdict, when that workflow is installed (dialogs/feedback). It carries
    where the message lives, or the draft where it cannot be fetched again; nothing is stored."""
    if svc.registry.find_action(feedback_messages.OPEN_ACTION) is None:
        return ()
    return (feedback_messages.wrong_button(button_value(profile, has_image, source, draft)),)


def _extra(svc: Services, result, profile: str, has_image: bool, source: str = "", draft: str | None = None) -> tuple:
    """The buttons other workflows add to a verdict: "Report to Information Management" when the checker found a
    password, code or confidential material (2.10: users must report suspected breaches), and "This verdict is
    wrong"."""
    buttons: tuple = ()
    offer = offer_for(result.categories)
    if offer is not None and svc.registry.find_action(security_messages.REPORT_ACTION) is not None:
        buttons += (security_messages.report_button(offer),)
    return buttons + _feedback(svc, profile, has_image, source, draft)


def _notes(svc: Services, result, profile: str, email: str | None, text: str) -> tuple[str, ...]:
    person = svc.config.people.get(email or "")
    foi_kind = suggest_kind(text)[0] if "foi_request" in result.categories else None
    return tuple(rules.advice_lines(result.categories, profile, person.profile if person else None, foi_kind))


async def check_command(svc: Services, inv):
    profile, account, text = parse_check_args(inv.args)
    return await _verdict(svc, inv, text, profile, account)


async def _verdict(svc: Services, inv, text: str, profile: str | None = None, account: str | None = None,
                   source: str = ""):
    images = _images(inv)
    result, used = await run_check(svc, text=text, actor=inv.user.email, platform=inv.platform,
                                   channel=inv.channel, profile=profile, account=account,
                                   has_image=bool(images), image_gps=await _image_gps(svc, inv, images))
    return Ephemeral(messages.verdict_message(result, used, source,
                                              extra=_extra(svc, result, used, bool(images), source, text),
                                              draft=text, account=account, platform=inv.platform,
                                              notes=_notes(svc, result, used, inv.user.email, text)))


async def offer_check(svc: Services, inv):
    """A draft pasted to the bot in a DM or an @mention: offer to check it. The button names the message,
    which is read again when clicked; where the platform cannot read it back the draft rides in the button."""
    text = (inv.text or "").strip()
    source = rules.source_of(inv.platform, inv.channel, inv.message_time)
    if not source and len(text) > BUTTON_VALUE_MOST:
        return await _verdict(svc, inv, text)     # too long to carry: check it now
    return Ephemeral(messages.offer_message(source or text, typed("smpolicy", "ask <question>", inv.platform)))


async def open_draft_form(svc: Services, inv):
    return OpenForm(messages.draft_form())


async def draft_submitted(svc: Services, inv):
    text = (inv.values.get("draft") or "").strip()
    if not text:
        return FormErrors({"draft": "Paste the post you'd like me to check."}, form=messages.draft_form())
    return await _verdict(svc, inv, text)


async def check_pasted(svc: Services, inv):
    if inv.value.startswith("slack|"):
        text, source = await _source_text(svc, inv.value, inv.user), inv.value
    else:
        text, source = inv.value, ""
    if not (text or "").strip():
        raise BadInput("I can't read that message any more. Paste the draft again, or use "
                       f"`{typed('smpolicy', 'check <draft>', inv.platform)}`.")
    return await _verdict(svc, replace(inv, files=[]), text, source=source)


async def is_this_ok(svc: Services, inv):
    images = _images(inv)
    text = inv.text or ""
    if not text.strip() and not images:
        return Ephemeral(message(Text("That message has no text or photo for me to check.")))
    result, used = await run_check(svc, text=text or " ", actor=inv.user.email, platform=inv.platform,
                                   channel=inv.channel, has_image=bool(images),
                                   image_gps=await _image_gps(svc, inv, images))
    source = rules.source_of(inv.platform, inv.channel, inv.message_time)
    return Ephemeral(messages.verdict_message(result, used, source,
                                              extra=_extra(svc, result, used, bool(images), source, text),
                                              draft=text, platform=inv.platform,
                                              notes=_notes(svc, result, used, inv.user.email, text)))


async def show_checklist(svc: Services, inv):
    kind = inv.value if inv.value in messages.CHECKLIST_KINDS else ""
    return Ephemeral(messages.checklist_message(with_photo=kind.startswith("photo"),
                                                fire_service=kind.endswith("sfrs")))


async def forward_as_foi(svc: Services, inv):
    found = svc.registry.shortcuts.get("forward_foi")
    if found is None:
        return Ephemeral(message(Text("FOI forwarding isn't switched on here yet: please email the request to "
                                      "Information Management today (8.1).")))
    text = await _source_text(svc, inv.value, inv.user) or inv.text
    return await found.fn(svc, replace(inv, kind="shortcut", command="forward_foi", text=text))


async def open_signoff(svc: Services, inv):
    source, draft, account = rules.signoff_source(inv.value)
    if source:
        draft = await _source_text(svc, source, inv.user)
    # Teams cannot fetch a message again, but sends the one its dialog was opened on with every click in it.
    draft = draft or inv.text
    return await signoff.open_form(svc, draft, source, account)


async def submit_signoff(svc: Services, inv):
    picked = inv.values.get("approver")
    chosen = await svc.directory.email_of(picked) if picked else None
    values = dict(inv.values)
    whole = await _source_text(svc, inv.private, inv.user) if inv.private else None
    if whole and signoff.is_trimmed_from(values.get("draft"), whole):
        values["draft"] = whole   # the form showed the start of a long draft: the approver gets all of it
    return await signoff.request(svc, inv.user, inv.platform, inv.channel, values, chosen, inv.request_key)


def _request_id(value: str) -> int:
    try:
        request_id = int(value)
    except ValueError:
        request_id = 0
    if not 0 < request_id < 2**31:   # the id column's range: a forged value must not reach the database
        raise BadInput("That button is out of date. Ask the requester to send it again.")
    return request_id


async def approve(svc: Services, inv):
    return await signoff.approve(svc, _request_id(inv.value), inv.user.email)


async def open_decline(svc: Services, inv):
    return await signoff.open_decline(svc, _request_id(inv.value), inv.user.email)


async def submit_decline(svc: Services, inv):
    request_id = _request_id(inv.private)
    return await signoff.decline(svc, request_id, inv.user.email, inv.values.get("reason") or "")


WORKFLOW = Workflow(
    "check",
    commands=(
        Command("smpolicy", "check", "Check a draft post: stop, get sign-off, or OK – and what to do.",
                usage="check [--as staff|sfrs|member|personal] <draft>", fn=check_command),
    ),
    shortcuts=(
        Shortcut("is_this_ok", "Is this OK to post?",
                 "Check this message against the Social Media Policy before it goes out.",
                 fn=is_this_ok),
    ),
    actions=(
        Action("check.checklist", show_checklist),
        Action(messages.PASTED_ACTION, check_pasted),
        Action(messages.OPEN_FORM_ACTION, open_draft_form),
        Action("check.foi", forward_as_foi),
        Action("check.signoff", open_signoff),
        Action("signoff.approve", approve),
        Action("signoff.decline", open_decline),
    ),
    forms=(
        OnSubmit(messages.DRAFT_FORM, draft_submitted),
        OnSubmit(signoff_messages.REQUEST_FORM, submit_signoff),
        OnSubmit(signoff_messages.DECLINE_FORM, submit_decline),
    ),
    receipts=(
        Receipt(signoff.CARD_SENT, signoff.card_sent),
    ),
    on_text=offer_check,
)
