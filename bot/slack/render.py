"""Neutral messages and forms -> Slack Block Kit; Slack view state -> neutral form values."""
from __future__ import annotations

from datetime import date

from chat.messages import Buttons, CopyText, Divider, Fields, Form, Header, Input, Message, Note, PersonRef, Text

SECTION_LIMIT = 3000


def _plain(text: str, limit: int = 150) -> dict:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def _verbatim(text: str) -> str:
    """Text shown exactly as it is (CopyText): Slack shows &amp; &lt; &gt; as & < >, and a < written so never
    opens a mention or a link (a <!channel> in a draft sent for sign-off)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn_sections(text: str) -> list[dict]:
    chunks = [text[i:i + SECTION_LIMIT] for i in range(0, len(text), SECTION_LIMIT)] or [" "]
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks]


def unique_action_id(action_id: str, seen: dict[str, int]) -> str:
    """Slack wants action ids unique within a block; repeats get `#n`, removed again on the way in."""
    n = seen.get(action_id, 0)
    seen[action_id] = n + 1
    return action_id if n == 0 else f"{action_id}#{n}"


def plain_action_id(action_id: str) -> str:
    return action_id.split("#", 1)[0]


def blocks(msg: Message) -> list[dict]:
    out: list[dict] = []
    for b in msg.blocks:
        if isinstance(b, Header):
            out.append({"type": "header", "text": _plain(b.text)})
        elif isinstance(b, Text):
            out.extend(_mrkdwn_sections(b.text))
        elif isinstance(b, Fields):
            pairs = list(b.pairs)
            for i in range(0, len(pairs), 10):  # Slack takes at most ten fields a section
                out.append({"type": "section", "fields": [
                    {"type": "mrkdwn", "text": f"*{k}*\n{v or '–'}"[:2000]} for k, v in pairs[i:i + 10]]})
        elif isinstance(b, Buttons):
            seen: dict[str, int] = {}
            elements = []
            for btn in b.buttons:
                el = {"type": "button", "text": _plain(btn.label, 75),
                      "action_id": unique_action_id(btn.action_id, seen)}
                if btn.value:
                    el["value"] = btn.value[:2000]
                if btn.style:
                    el["style"] = btn.style
                if btn.url:
                    el["url"] = btn.url
                elements.append(el)
            for i in range(0, len(elements), 25):
                out.append({"type": "actions", "elements": elements[i:i + 25]})
        elif isinstance(b, CopyText):
            if b.label:
                out.extend(_mrkdwn_sections(f"*{b.label}*"))
            out.extend(_mrkdwn_sections(f"```{_verbatim(b.text)}```"))
        elif isinstance(b, Note):
            out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": b.text[:3000]}]})
        elif isinstance(b, Divider):
            out.append({"type": "divider"})
    return out[:50]


def _option(value: str, label: str) -> dict:
    return {"text": _plain(label, 75), "value": value}


def _element(inp: Input) -> dict:
    el: dict
    if inp.kind in ("short_text", "long_text"):
        el = {"type": "plain_text_input", "multiline": inp.kind == "long_text"}
        if inp.initial:
            el["initial_value"] = str(inp.initial)
    elif inp.kind == "choice":
        el = {"type": "static_select", "options": [_option(v, l) for v, l in inp.options]}
        if inp.initial:
            match = [o for o in inp.options if o[0] == inp.initial]
            if match:
                el["initial_option"] = _option(*match[0])
    elif inp.kind == "multi_choice":
        el = {"type": "multi_static_select", "options": [_option(v, l) for v, l in inp.options]}
        if inp.initial:
            chosen = [o for o in inp.options if o[0] in inp.initial]
            if chosen:
                el["initial_options"] = [_option(*o) for o in chosen]
    elif inp.kind == "person":
        el = {"type": "users_select"}
        if isinstance(inp.initial, PersonRef) and inp.initial.platform == "slack" and inp.initial.user_id:
            el["initial_user"] = inp.initial.user_id
    elif inp.kind == "people":
        el = {"type": "multi_users_select"}
    elif inp.kind == "date":
        el = {"type": "datepicker"}
        if isinstance(inp.initial, date):
            el["initial_date"] = inp.initial.isoformat()
    elif inp.kind == "checkbox":
        opt = _option("yes", inp.label)
        el = {"type": "checkboxes", "options": [opt]}
        if inp.initial:
            el["initial_options"] = [opt]
    else:
        raise ValueError(f"unknown input kind {inp.kind}")
    if inp.placeholder and inp.kind not in ("checkbox",):
        el["placeholder"] = _plain(inp.placeholder)
    el["action_id"] = inp.id
    return el


def modal(form: Form) -> dict:
    view_blocks = blocks(Message("", form.intro)) if form.intro else []
    for inp in form.inputs:
        block = {"type": "input", "block_id": inp.id, "optional": not inp.required,
                 "label": _plain(inp.label, 2000), "element": _element(inp)}
        if inp.hint:
            block["hint"] = _plain(inp.hint, 2000)
        view_blocks.append(block)
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "title": _plain(form.title, 24),
        "submit": _plain(form.submit, 24),
        "close": _plain("Cancel", 24),
        "private_metadata": form.private[:3000],
        "blocks": view_blocks[:100],
    }


def form_values(state: dict) -> dict[str, object]:
    """Slack's view.state.values -> {input id: value} with the types the neutral model promises."""
    values: dict[str, object] = {}
    for block_id, by_action in (state.get("values") or {}).items():
        for action_id, v in by_action.items():
            kind = v.get("type")
            if kind == "plain_text_input":
                val = v.get("value")
                values[action_id] = (val or "").strip() or None
            elif kind in ("static_select", "radio_buttons"):
                opt = v.get("selected_option")
                values[action_id] = opt.get("value") if opt else None
            elif kind == "multi_static_select":
                values[action_id] = [o["value"] for o in v.get("selected_options") or []]
            elif kind == "users_select":
                uid = v.get("selected_user")
                values[action_id] = PersonRef("slack", uid) if uid else None
            elif kind == "multi_users_select":
                values[action_id] = [PersonRef("slack", u) for u in v.get("selected_users") or []]
            elif kind == "datepicker":
                d = v.get("selected_date")
                values[action_id] = date.fromisoformat(d) if d else None
            elif kind == "checkboxes":
                values[action_id] = bool(v.get("selected_options"))
            else:
                values[action_id] = v.get("value")
    return values
