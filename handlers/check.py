""""Is this OK to post?": the message shortcut, `/smpolicy check`, and sign-off from a verdict (4.2)."""
from __future__ import annotations

import logging
from dataclasses import replace

from chat.messages import (Button, Buttons, CopyText, Fields, Form, Header, Input, Message, MessageRef, Note, Text,
                           message)
from chat.posting import posting_state
from chat.registry import Action, Command, OnSubmit, Shortcut, Workflow
from chat.replies import Ephemeral, FormErrors, OpenForm
from dialogs import signoff
from dialogs.checking import label, parse_check_args, run_check
from policy.checker import POSTING_CHECKLIST, PHOTO_CHECKLIST
from policy.image_location import gps_from_image

log = logging.getLogger(__name__)

HEADLINES = {
    "stop": "Stop – please don't post this as it is",
    "sign_off": "Get sign-off before you post this",
    "ok": "This looks OK to post",
}


def verdict_message(result, profile: str, source: str = "") -> Message:
    blocks: list = [Header(HEADLINES[result.verdict])]
    serious = [f for f in result.findings if f.severity != "advice"]
    advice = [f for f in result.findings if f.severity == "advice"]
    if serious:
        blocks.append(Text("\n".join(f"• *{label(f.category)}* ({f.section}): {f.message}" for f in serious)))
    elif result.verdict == "ok":
        blocks.append(Text("I found nothing in it that the policy asks you to stop or get signed off. "
                           "Run through the posting checklist (4.2) before it goes out."))
    if advice:
        blocks.append(Text("\n".join(f"ℹ️ *{label(f.category)}* ({f.section}): {f.message}" for f in advice)))
    buttons = []
    if result.verdict != "ok":
        buttons.append(Button("Ask for sign-off", "check.signoff", source, style="primary"))
    has_photo = any(item in result.checklist for item in PHOTO_CHECKLIST)
    buttons.append(Button("Show the posting checklist", "check.checklist", "photo" if has_photo else ""))
    if any(f.category == "foi_request" for f in result.findings):
        buttons.append(Button("Forward as FOI request", "check.foi", source))
    blocks.append(Buttons(*buttons))
    blocks.append(Note(f"Checked as *{profile}* against {result.policy_version}. I don't keep the text I check."))
    return message(*blocks, text=HEADLINES[result.verdict])


def _images(inv) -> list:
    return [f for f in inv.files if (f.mimetype or "").startswith("image/")]


async def _image_gps(svc, inv, images) -> tuple[float, float] | None:
    """Location data in the first attached photo that has any (Slack files are fetched with the bot token)."""
    sender = svc.notifier.senders.get(inv.platform)
    if sender is None or not hasattr(sender, "download"):
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


def _source(inv) -> str:
    """Ids only: where the checked message lives, so a button can fetch it again if the person asks."""
    if inv.platform == "slack" and inv.channel and inv.message_time:
        return f"slack|{inv.channel}|{inv.message_time}"
    return ""


async def _source_text(svc, source: str, viewer) -> str | None:
    """The checked message's text, fetched again for the person who clicked, and only if they can see that
    conversation themselves (the button's value could name any channel: never read one for them with the
    bot's own access)."""
    parts = source.split("|")
    if len(parts) != 3 or parts[0] != "slack" or viewer.platform != "slack":
        return None
    sender = svc.notifier.senders.get("slack")
    return await sender.fetch_message(parts[1], parts[2], viewer=viewer.user_id) if sender else None


async def check_command(svc, inv):
    profile, account, text = parse_check_args(inv.args)
    images = _images(inv)
    result, used = await run_check(svc, text=text, actor=inv.user.email, platform=inv.platform,
                                   channel=inv.channel, profile=profile, account=account,
                                   has_image=bool(images), image_gps=await _image_gps(svc, inv, images))
    return Ephemeral(verdict_message(result, used))


async def is_this_ok(svc, inv):
    images = _images(inv)
    text = inv.text or ""
    if not text.strip() and not images:
        return Ephemeral(message(Text("That message has no text or photo for me to check.")))
    result, used = await run_check(svc, text=text or " ", actor=inv.user.email, platform=inv.platform,
                                   channel=inv.channel, has_image=bool(images),
                                   image_gps=await _image_gps(svc, inv, images))
    return Ephemeral(verdict_message(result, used, _source(inv)))


async def show_checklist(svc, inv):
    items = list(POSTING_CHECKLIST) + (list(PHOTO_CHECKLIST) if inv.value == "photo" else [])
    return Ephemeral(message(Header("Before you post (4.2)"), Text("\n".join(f"☐ {item}" for item in items))))


async def forward_as_foi(svc, inv):
    found = svc.registry.shortcuts.get("forward_foi")
    if found is None:
        return Ephemeral(message(Text("FOI forwarding isn't switched on here yet: please email the request to "
                                      "Information Management today (8.1).")))
    text = await _source_text(svc, inv.value, inv.user)
    return await found.fn(svc, replace(inv, kind="shortcut", command="forward_foi", text=text))


def signoff_form(draft: str | None, errors: dict | None = None) -> Form:
    return Form(
        "signoff_request", "Ask for sign-off",
        (Input("draft", "Your draft", "long_text", initial=draft,
               hint="Edit it if you have changed it since the check."),
         Input("approver", "Who should sign it off?", "person", required=False,
               hint="Leave empty to send it to your manager, the crisis approver during a crisis, "
                    "or the Communications Team."),
         Input("note", "Anything they should know?", "long_text", required=False)),
        submit="Send", errors=tuple((errors or {}).items()),
    )


async def open_signoff(svc, inv):
    return OpenForm(signoff_form(await _source_text(svc, inv.value, inv.user)))


def approver_card(row, requester_label: str, note: str | None) -> Message:
    blocks = [Header("Sign-off requested (4.2)"),
              Fields([("Requested by", requester_label), ("Checker said", HEADLINES[row.verdict]),
                      ("Findings", ", ".join(label(c) for c in row.categories) or "none")])]
    if row.draft:
        blocks.append(CopyText(row.draft, label="The draft"))
    if note:
        blocks.append(Text(f"*Note from the requester:* {note}"))
    blocks.append(Buttons(Button("Approve", "signoff.approve", str(row.id), style="primary"),
                          Button("Decline", "signoff.decline", str(row.id), style="danger")))
    return message(*blocks, text=f"{requester_label} asks you to sign off a post")


def decided_card(row, svc) -> Message:
    when = row.decided_at.astimezone(svc.config.tz).strftime("%d %b %Y at %H:%M")
    outcome = "Approved" if row.state == "approved" else "Declined"
    blocks = [Header(f"Sign-off: {outcome.lower()}"),
              Fields([("Requested by", row.requester), ("Decided by", row.decided_by), ("When", when)])]
    if row.reason:
        blocks.append(Text(f"*Reason:* {row.reason}"))
    return message(*blocks, text=f"{outcome} by {row.decided_by}")


async def submit_signoff(svc, inv):
    draft = (inv.values.get("draft") or "").strip()
    if not draft:
        return FormErrors({"draft": "Paste the draft you want signed off."}, form=signoff_form(None))
    requester = inv.user.email
    chosen = await svc.directory.email_of(inv.values.get("approver")) if inv.values.get("approver") else None
    if inv.values.get("approver") and not chosen:
        return FormErrors({"approver": "I can't find that person's email address. Try their address instead."},
                          form=signoff_form(draft))
    if chosen and chosen == requester:
        return FormErrors({"approver": "You can't sign off your own post: choose someone else (4.2)."},
                          form=signoff_form(draft))
    state = await posting_state(svc)
    approver = chosen or signoff.default_approver(svc, requester, state.crisis_approver)
    # Check again: the draft may have changed since the verdict, and the approver should see today's answer.
    result, _ = await run_check(svc, text=draft, actor=requester, platform=inv.platform, channel=inv.channel)
    row = await signoff.create(svc, requester=requester, approver=approver, draft=draft, verdict=result.verdict,
                               categories=result.categories)
    card = approver_card(row, inv.user.label if inv.user.name else requester, inv.values.get("note"))
    if approver == signoff.COMMS_TEAM:
        refs = await svc.notifier.post("comms_team", card)
        sent_to = "the Communications Team"
    else:
        ref = await svc.notifier.dm(approver, card)
        refs = [ref] if ref else []
        sent_to = approver
    for ref in refs:
        await signoff.add_card(svc, row.id, {"platform": ref.platform, "channel": ref.channel,
                                             "message_id": ref.message_id})
    if not refs:
        return Ephemeral(message(Text(f"I saved your request but couldn't reach {sent_to} in Slack or Teams. "
                                      "Please ask them directly, or ask the Communications Team.")))
    return Ephemeral(message(Text(f"Sent to {sent_to} for sign-off. I'll tell you when they decide.")))


async def _announce(svc, row) -> None:
    card = decided_card(row, svc)
    for ref in row.cards:
        try:
            await svc.notifier.update(MessageRef(ref["platform"], ref["channel"], ref["message_id"]), card)
        except Exception as exc:
            log.warning("could not update a sign-off card: %s", type(exc).__name__)
    verdict = "approved" if row.state == "approved" else "declined"
    text = f"Your post was {verdict} by {row.decided_by}."
    if row.reason:
        text += f" Their reason: {row.reason}"
    await svc.notifier.dm(row.requester, message(Text(text)))


def _already(row, svc) -> Ephemeral:
    when = row.decided_at.astimezone(svc.config.tz).strftime("%d %b %Y at %H:%M")
    return Ephemeral(message(Text(f"This was already {row.state} by {row.decided_by} on {when}.")))


def _request_id(value: str) -> int:
    from chat.errors import BadInput

    try:
        request_id = int(value)
    except ValueError:
        request_id = 0
    if not 0 < request_id < 2**31:   # the id column's range: a forged value must not reach the database
        raise BadInput("That button is out of date. Ask the requester to send it again.")
    return request_id


async def approve(svc, inv):
    row, applied = await signoff.decide(svc, _request_id(inv.value), inv.user.email, True, None)
    if not applied:
        return _already(row, svc)
    await _announce(svc, row)
    return None


def decline_form(request_id: int) -> Form:
    return Form("signoff_decline", "Decline sign-off",
                (Input("reason", "Why? The requester will see this", "long_text"),), submit="Decline",
                private=str(request_id))


async def open_decline(svc, inv):
    row = await signoff.get(svc, _request_id(inv.value))
    if row.state != "pending":
        return _already(row, svc)
    signoff.ensure_may_decide(svc, row, inv.user.email)
    return OpenForm(decline_form(row.id))


async def submit_decline(svc, inv):
    reason = (inv.values.get("reason") or "").strip()
    request_id = _request_id(inv.private)
    if not reason:
        return FormErrors({"reason": "Please say why, so they know what to change."}, form=decline_form(request_id))
    row, applied = await signoff.decide(svc, request_id, inv.user.email, False, reason)
    if not applied:
        return _already(row, svc)
    await _announce(svc, row)
    return None


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
        Action("check.foi", forward_as_foi),
        Action("check.signoff", open_signoff),
        Action("signoff.approve", approve),
        Action("signoff.decline", open_decline),
    ),
    forms=(
        OnSubmit("signoff_request", submit_signoff),
        OnSubmit("signoff_decline", submit_decline),
    ),
)
