"""The checker's pure decisions for a chat: its categories in words, the command's flags, which account a draft
names, and where a checked message lives (ids only)."""
from __future__ import annotations

import json
import re

from chat.errors import BadInput
from chat.quoting import inert
from policy.checker import OwnContacts, PROFILES

CATEGORY_LABELS = {
    "personal_data": "Personal data", "payment_data": "Payment details", "credentials": "Passwords and logins",
    "incident_sensitive": "Incident details", "confidential": "Confidential information",
    "hate_or_abuse": "Abuse or discrimination", "profanity": "Swearing", "defamation": "Possible defamation",
    "predetermination": "Predetermination", "surveillance": "Monitoring or surveillance",
    "children": "Children", "political": "Party-political content", "controversial": "Controversial subject",
    "paid_promotion": "Paid promotion", "campaign": "Campaign", "copyright": "Copyright",
    "speaking_for_council": "Speaking for the council", "foi_request": "Request for information",
    "mourning_pause": "Mourning pause", "crisis": "Crisis", "image_location": "Location in the photo",
}


def label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())


FOI_LIMITS = {
    "sar": "It reads as a subject access request (the person's own records): the council has one calendar month "
           "to answer (8.1).",
    "eir": "It reads as an environmental information request: the council has 20 working days to answer (8.1).",
    "foi": "It reads as a Freedom of Information request: the council has 20 working days to answer (8.1).",
}
COUNCILLOR_PERSONAL = ("You're a councillor posting from a personal account: say that the views are your own and "
                       "may not represent the council's, and don't use the council's logo or other council emblems "
                       "on it (MG 3.1).")
FIREFIGHTER_PERSONAL = ("You're in the fire service posting from a personal account: you may mention your profession, "
                        "but not your job title in a way that reads as speaking for the Service, and make no "
                        "statements on behalf of Suffolk Fire and Rescue Service (8.2 5.5).")


def advice_lines(categories, profile: str, configured_profile: str | None, foi_kind: str | None) -> list[str]:
    """What a verdict adds to the checker's findings for this person: the time limit that applies to a request
    for information, MG 3.1's two rules when a councillor checks a post as a personal one, and 8.2 5.5's when
    fire-service staff do."""
    lines = []
    if "foi_request" in categories and foi_kind in FOI_LIMITS:
        lines.append(FOI_LIMITS[foi_kind])
    if profile == "personal" and configured_profile == "member":
        lines.append(COUNCILLOR_PERSONAL)
    if profile == "personal" and configured_profile == "sfrs":
        lines.append(FIREFIGHTER_PERSONAL)
    return lines


def own_contacts(config) -> OwnContacts:
    return OwnContacts(tuple(config.email_domains), tuple(config.published_phones), tuple(config.public_buildings))


_FLAG = re.compile(r"\s*--(as|profile|account)(?:\s+|=)(\S+)")


def parse_check_args(args: str) -> tuple[str | None, str | None, str]:
    """`[--as P | --profile P] [--account A] text...` -> (profile, account, text); the text keeps its spacing."""
    profile = account = None
    text = args
    while (m := _FLAG.match(text)) is not None:
        flag, value = m.groups()
        if flag == "account":
            account = value
        elif value not in PROFILES:
            raise BadInput(f"`{inert(value)}` is not a profile I know. Use one of: {', '.join(PROFILES)}.")
        else:
            profile = value
        text = text[m.end():]
    text = text.strip()
    if text.startswith("--"):
        flag = text.split()[0]
        raise BadInput(f"I don't understand `{flag}`. Try `/smpolicy check --as member <your draft>`.")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return profile, account, text


def account_named_in(config, text: str) -> str | None:
    """An account from the organisation file that the draft names ("Suffolk Highways"), so a crisis on it
    applies without the person saying `--account`."""
    lowered = text.lower()
    for key, account in config.accounts.items():
        if account.name.lower() in lowered:
            return key
    return None


def source_of(platform: str, channel: str | None, message_time: str | None) -> str:
    """Ids only: where the checked message lives, so a button can fetch it again if the person asks."""
    if platform == "slack" and channel and message_time:
        return f"slack|{channel}|{message_time}"
    return ""


# "Ask for sign-off" carries where the message lives (Slack: fetched again for whoever clicks) or, where it
# cannot be fetched again (a typed `check`, Teams), the person's own draft, inside their own verdict only.
DRAFT_PREFIX = "d:"
BUTTON_VALUE_LIMIT = 2000   # Slack keeps at most 2,000 characters of a button's value


def signoff_value(source: str, draft: str | None, account: str | None = None) -> str:
    if source:
        return source
    if not (draft or "").strip():
        return ""
    value = DRAFT_PREFIX + json.dumps({"t": draft.strip(), "a": account}, ensure_ascii=False, separators=(",", ":"))
    return value if len(value) <= BUTTON_VALUE_LIMIT else ""   # too long to carry: the form asks for it


def signoff_source(value: str | None) -> tuple[str, str | None, str | None]:
    """A sign-off button's value -> (where the message lives, or ""; the draft it carries; the account named)."""
    value = value or ""
    if not value.startswith(DRAFT_PREFIX):
        return value, None, None
    try:
        data = json.loads(value[len(DRAFT_PREFIX):])
        return "", str(data.get("t") or "") or None, data.get("a") if isinstance(data.get("a"), str) else None
    except (ValueError, AttributeError):
        return "", None, None
