"""Neutral messages and forms -> Adaptive Cards; Teams card submissions -> neutral form values."""
from __future__ import annotations

import re
from datetime import date

from chat.messages import Buttons, CopyText, Divider, Fields, Form, Header, Message, Note, PersonRef, Text, UploadFile
from chat.plaintext import BARE_LINK, BOLD, CODE, LINK

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
PEOPLE_DATASET = "graph.microsoft.com/users"   # the whole organisation's directory
PICKED = "aad:"   # a person chosen in the picker, by Azure AD object id, until the agent finds their email

_MENTION = re.compile(r"<@([A-Z0-9]+)>")


def markdown(text: str) -> str:
    """Slack-style mrkdwn (our house style) -> the Markdown subset Adaptive Cards understand. Cards have no
    inline code, so `code` (a command to type) is shown in bold, and a stray backtick is dropped."""
    text = CODE.sub(r"*\1*", text).replace("`", "")
    text = LINK.sub(r"[\2](\1)", text)
    text = BARE_LINK.sub(r"\1", text)
    text = _MENTION.sub(r"\1", text)
    return BOLD.sub(r"**\1**", text)


def _button(btn, universal: bool) -> dict:
    """A card button. In a conversation (`universal`) it is an Action.Execute: Teams sends an
    adaptiveCard/action invoke and shows the card the bot answers with, and clients too old for Universal
    Actions fall back to the Action.Submit inside it. In a dialog (a task module) only Action.Submit works."""
    data = {"action_id": btn.action_id, "value": btn.value}
    submit = {"type": "Action.Submit", "title": btn.label, "data": dict(data)}
    if btn.private:   # answered in a dialog (task/fetch), never as a reply in the conversation
        submit["data"]["msteams"] = {"type": "task/fetch"}
    style = {"primary": "positive", "danger": "destructive"}.get(btn.style or "")
    if style:
        submit["style"] = style
    if not universal or btn.private:
        return submit
    action = {"type": "Action.Execute", "title": btn.label, "verb": btn.action_id, "data": data,
              "fallback": submit}
    if style:
        action["style"] = style
    return action


def card_body(msg: Message, universal: bool = True) -> tuple[list[dict], list[dict]]:
    body: list[dict] = []
    actions: list[dict] = []
    separator = False
    for b in msg.blocks:
        el: dict | None = None
        if isinstance(b, Header):
            el = {"type": "TextBlock", "text": b.text.replace("`", ""), "size": "Large", "weight": "Bolder",
                  "wrap": True}
        elif isinstance(b, Text):
            el = {"type": "TextBlock", "text": markdown(b.text), "wrap": True}
        elif isinstance(b, Fields):
            el = {"type": "FactSet", "facts": [{"title": k, "value": markdown(v or "–")} for k, v in b.pairs]}
        elif isinstance(b, Buttons):
            row = [{"type": "Action.OpenUrl", "title": btn.label, "url": btn.url} if btn.url
                   else _button(btn, universal) for btn in b.buttons]
            el = {"type": "ActionSet", "actions": row}
        elif isinstance(b, CopyText):
            items = []
            if b.label:
                items.append({"type": "TextBlock", "text": b.label, "weight": "Bolder", "wrap": True})
            # A TextRun is never read as Markdown (a TextBlock is): the text is shown, and copied, exactly.
            items.append({"type": "RichTextBlock",
                          "inlines": [{"type": "TextRun", "text": b.text, "fontType": "Monospace"}]})
            el = {"type": "Container", "style": "emphasis", "items": items}
        elif isinstance(b, Note):
            el = {"type": "TextBlock", "text": markdown(b.text), "isSubtle": True, "size": "Small", "wrap": True}
        elif isinstance(b, Divider):
            separator = True
            continue
        if el is not None:
            if separator:
                el["separator"] = True
                separator = False
            body.append(el)
    return body, actions


FILE_SHOWN = 20_000   # characters of a file shown in a card (dialogs/audit/messages.py says so beside an export)


def file_message(file: UploadFile) -> Message:
    """A file as a message: bots cannot drop a file into a Teams chat without Graph and a consent card. Its text is
    shown as it is, so the people's words in a report or an export are never read as Markdown links."""
    head = f"*{file.title}* ({file.filename})" + (f"\n{file.comment}" if file.comment else "")
    return Message(file.title, (Text(head), CopyText(file.content.decode("utf-8", "replace")[:FILE_SHOWN])))


def card(msg: Message, universal: bool = True) -> dict:
    """`universal`: buttons as Universal Actions (a card in a conversation); False for a card in a dialog."""
    body, actions = card_body(msg, universal)
    out = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body, "msteams": {"width": "Full"}}
    if actions:
        out["actions"] = actions
    return out


def attachment(content: dict) -> dict:
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


def form_card(form: Form) -> dict:
    body, _ = card_body(Message("", form.intro), universal=False) if form.intro else ([], [])
    body.insert(0, {"type": "TextBlock", "text": form.title, "size": "Large", "weight": "Bolder", "wrap": True})
    errors = dict(form.errors)
    types: dict[str, str] = {}
    for inp in form.inputs:
        types[inp.id] = inp.kind
        el: dict = {"id": inp.id, "label": inp.label, "isRequired": inp.required}
        if inp.required:
            el["errorMessage"] = f"{inp.label} is needed."
        if inp.kind in ("short_text", "long_text"):
            el.update(type="Input.Text", isMultiline=inp.kind == "long_text")
            if inp.initial:
                el["value"] = str(inp.initial)
        elif inp.kind in ("choice", "multi_choice"):
            el.update(type="Input.ChoiceSet", style="compact", isMultiSelect=inp.kind == "multi_choice",
                      choices=[{"title": label, "value": value} for value, label in inp.options])
            if inp.initial:
                el["value"] = ",".join(inp.initial) if isinstance(inp.initial, (list, tuple)) else str(inp.initial)
        elif inp.kind in ("person", "people"):
            # Teams' people picker: the client searches the organisation's directory and submits each person's
            # Azure AD object id (mapped to an email by the agent). People already chosen are offered as
            # choices whose value is their email, so a form shown again keeps them.
            picked = inp.initial if isinstance(inp.initial, (list, tuple)) else [inp.initial]
            chosen = [p for p in picked if isinstance(p, PersonRef) and p.email]
            el.update(type="Input.ChoiceSet", isMultiSelect=inp.kind == "people", style="compact",
                      choices=[{"title": p.name or p.email, "value": p.email} for p in chosen],
                      **{"choices.data": {"type": "Data.Query", "dataset": PEOPLE_DATASET}})
            if chosen:
                el["value"] = ",".join(p.email for p in chosen)
        elif inp.kind == "date":
            el["type"] = "Input.Date"
            if isinstance(inp.initial, date):
                el["value"] = inp.initial.isoformat()
        elif inp.kind == "checkbox":
            el.update(type="Input.Toggle", title=inp.label, valueOn="true", valueOff="false",
                      value="true" if inp.initial else "false")
        if inp.placeholder and "placeholder" not in el and inp.kind != "checkbox":
            el["placeholder"] = inp.placeholder
        body.append(el)
        if inp.hint:
            body.append({"type": "TextBlock", "text": markdown(inp.hint), "isSubtle": True, "size": "Small",
                         "wrap": True, "spacing": "None"})
        if inp.id in errors:
            body.append({"type": "TextBlock", "text": markdown(errors[inp.id]), "color": "Attention", "wrap": True,
                         "spacing": "None"})
    return {
        "type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body,
        "actions": [{"type": "Action.Submit", "title": form.submit,
                     "data": {"form_id": form.form_id, "private": form.private, "types": types}}],
    }


def form_values(data: dict) -> dict[str, object]:
    """The submitted card's data -> {input id: value}, typed by the `types` the form card carried."""
    types: dict[str, str] = data.get("types") or {}
    values: dict[str, object] = {}
    for input_id, kind in types.items():
        raw = data.get(input_id)
        raw = raw.strip() if isinstance(raw, str) else raw
        if kind in ("short_text", "long_text", "choice"):
            values[input_id] = raw or None
        elif kind == "multi_choice":
            values[input_id] = [v for v in (raw or "").split(",") if v]
        elif kind == "person":
            people = _people(raw)
            values[input_id] = people[0] if people else None
        elif kind == "people":
            values[input_id] = _people(raw)
        elif kind == "date":
            try:
                values[input_id] = date.fromisoformat(raw) if raw else None
            except ValueError:
                values[input_id] = None
        elif kind == "checkbox":
            values[input_id] = str(raw).lower() == "true"
    return values


def _people(raw) -> list[PersonRef]:
    """A person field's value: emails (typed, or kept from before) and the picker's AAD object ids, which the
    agent turns into emails (PICKED marks them)."""
    out = []
    for item in re.split(r"[,;\s]+", raw if isinstance(raw, str) else ""):
        item = item.strip()
        if not item:
            continue
        out.append(PersonRef("teams", email=item.lower()) if "@" in item else PersonRef("teams", PICKED + item))
    return out
