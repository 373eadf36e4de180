"""A crisis as Markdown: the card's facts, the group, the timeline, the checklist and the review (§4.3).

Built from the event log (the timeline is exactly what was recorded, in order) and the crisis tables; used by
`/crisis report` (a file in the room) and `python -m bot crisis report ID`.
"""
from __future__ import annotations

from datetime import datetime

from chat.messages import Text, UploadFile, message
from chat.replies import Ephemeral
from chat.services import Services

from . import messages, room, store
from .people import name_of


def _md(text) -> str:
    """One line of someone's text, safe inside a Markdown table cell or list item."""
    return " ".join(str(text or "").split()).replace("|", "\\|")


async def _describe(svc: Services, event, names) -> str:
    d = event.details or {}
    labels = messages.RESPONSE_LABELS
    action = event.action
    if action == "started":
        signs = d.get("indicators")
        sign_text = ("started straight from the command" if signs is None else
                     "none of the four signs applied; started anyway" if not signs else
                     "signs: " + "; ".join(dict(messages.INDICATORS).get(s, s) for s in signs))
        return f"Crisis started on {', '.join(d.get('accounts', []))}: {_md(d.get('summary'))} ({sign_text})"
    if action == "note":
        extra = []
        if d.get("author"):
            extra.append(f"message by {_md(d['author'])}")
        if d.get("posted_at"):
            extra.append(f"posted {messages.when(datetime.fromisoformat(d['posted_at']), svc.config.tz)}")
        if d.get("link"):
            extra.append(f"[link]({d['link']})")
        return f"Note: {_md(d.get('text'))}" + (f" ({', '.join(extra)})" if extra else "")
    if action in ("member_added", "member_not_invited", "member_removed"):
        role = messages.ROLE_LABELS.get(d.get("role"), d.get("role"))
        verb = {"member_added": "joined the group", "member_not_invited": "could not be added",
                "member_removed": "left the group"}[action]
        reason = f": {_md(d['reason'])}" if d.get("reason") and action != "member_removed" else ""
        return f"{_md(d.get('name'))} ({role}) {verb}{reason}"
    if action == "approver_set":
        return f"Approver for every post: {await names(d.get('approver'))}"
    if action in ("ticked", "unticked"):
        return f"{'Ticked' if action == 'ticked' else 'Unticked'}: {labels.get(d.get('item'), d.get('item'))}"
    if action in ("stop_sent", "resume_sent"):
        what = "Told to STOP posting" if action == "stop_sent" else "Told they may resume posting"
        return f"{what}: {await names(d.get('person'))}"
    if action in ("review_requested", "review_chased"):
        people = ", ".join([await names(p) for p in d.get("to", [])])
        return f"Post-crisis review {'sent' if action == 'review_requested' else 'reminder sent'} to {people}"
    fixed = {
        "room_created": f"Room {_md(d.get('room'))} created, crisis card pinned",
        "room_failed": f"The room could not be created: {_md(d.get('reason'))}",
        "checkin_sent": "Check-in: back to listening, review the group",
        "checkin_done": "Check-in answered: listened again and reviewed the group",
        "evening_prompt_sent": "5pm: asked whether to keep working beyond normal hours",
        "extended": "Agreed to keep working beyond normal hours",
        "stopped_today": "Stopped for the day",
        "snoozed": f"Snoozed the {d.get('prompt', 'prompt')}",
        "checkins_changed": f"Check-ins {messages.every(int(d.get('minutes', 120)))}",
        "ended": "Crisis ended",
        "review_completed": "Post-crisis review completed",
        "review_updated": "Post-crisis review updated",
    }
    return fixed.get(action, action.replace("_", " ").capitalize())


async def markdown(svc: Services, crisis_id: int) -> str:
    crisis = await store.get(svc.db, crisis_id)
    if crisis is None:
        raise LookupError(f"there is no crisis {crisis_id}")
    tz = svc.config.tz
    cache: dict = {}

    async def names(email):
        if email not in cache:
            cache[email] = "the bot" if email in (None, "system") else await name_of(svc, email)
        return cache[email]

    out = [f"# Crisis {crisis.id}: {messages.account_names(crisis)}", ""]
    facts = [("Status", "active" if crisis.status == "active" else f"ended {messages.when(crisis.ended_at, tz)} by "
                                                                    f"{await names(crisis.ended_by)}"),
             ("Room", crisis.room_name), ("Started", f"{messages.when(crisis.started_at, tz)} by "
                                                     f"{await names(crisis.started_by)}"),
             ("Approver", await names(crisis.approver) if crisis.approver else "none appointed"),
             ("What was happening", _md(crisis.summary))]
    if crisis.link:
        facts.append(("Where it started", crisis.link))
    out += [f"- **{k}:** {v}" for k, v in facts]
    out += ["", "Policy: Social Media Policy §4.3, crisis management.", "", "## Crisis Management Group", ""]
    for m in await store.members(svc.db, crisis.id):
        state = {"in_room": "in the group", "removed": "removed"}.get(m.status, f"not added: {_md(m.reason)}")
        out.append(f"- {_md(m.name)} ({messages.ROLE_LABELS.get(m.role, m.role)}) – {state}")
    out += ["", "## Timeline", "", "| When | Who | What |", "|---|---|---|"]
    for event in await store.timeline(svc.db, crisis.id):
        out.append(f"| {messages.when(event.at, tz)} | {_md(await names(event.actor))} | "
                   f"{await _describe(svc, event, names)} |")
    ticks = await store.ticks(svc.db, crisis.id)
    out += ["", f"## Response checklist ({len(ticks)} of {len(messages.RESPONSE_CHECKLIST)} ticked)", ""]
    for key, label in messages.RESPONSE_CHECKLIST:
        t = ticks.get(key)
        out.append(f"- [x] {label} – {_md(t.ticked_by_name)}, {messages.when(t.ticked_at, tz)}" if t
                   else f"- [ ] {label}")
    out += ["", "## Post-crisis review", ""]
    if crisis.review:
        out.append(f"Completed by {await names(crisis.review_by)}, {messages.when(crisis.review_at, tz)}.")
        for key, question in messages.REVIEW_QUESTIONS:
            out += ["", f"**{question}**", "", str(crisis.review.get(key) or "–")]
        decision = dict(messages.REVIEW_DECISIONS).get(crisis.review.get("decision"), crisis.review.get("decision"))
        out += ["", f"**Decision on the account:** {decision}"]
        if crisis.review.get("notes"):
            out += ["", f"**Anything else:** {crisis.review['notes']}"]
    elif crisis.status == "ended":
        out.append(f"Not yet completed (due from {crisis.review_due_on}).")
    else:
        out.append("Comes after the crisis has ended.")
    return "\n".join(out) + "\n"


async def report_file(svc: Services, crisis) -> UploadFile:
    text = await markdown(svc, crisis.id)
    return UploadFile(filename=f"crisis-{crisis.id}-report.md", content=text.encode("utf-8"),
                      title=f"Crisis {crisis.id} report: {messages.account_names(crisis)}",
                      comment=f"The timeline, response checklist and review for crisis {crisis.id} (§4.3).")


async def post_report(svc: Services, crisis, actor: str | None):
    """`/crisis report`: the report as a file in the crisis room, or to the person when there is no room."""
    await room.require_group(svc, crisis, actor, "see its report")
    file = await report_file(svc, crisis)
    if crisis.room_id:
        await svc.notifier.upload(crisis.platform, crisis.room_id, file)
        return Ephemeral(message(Text(f"The report for crisis {crisis.id} is in {messages.room_label(crisis)}.")))
    return file
