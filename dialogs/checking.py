"""Running the post checker for a person: their profile, the organisation's own details, the posting state,
and an audit event that keeps a hash of the text, the verdict and the categories — never the text (3.4)."""
from __future__ import annotations

import re

from policy.checker import PROFILES, CheckResult, OwnContacts, check
from storage.events import record_event

from chat.errors import BadInput
from chat.posting import posting_state

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
            raise BadInput(f"`{value}` is not a profile I know. Use one of: {', '.join(PROFILES)}.")
        else:
            profile = value
        text = text[m.end():]
    text = text.strip()
    if text.startswith("--"):
        flag = text.split()[0]
        raise BadInput(f"I don't understand `{flag}`. Try `check --as member <your draft>`.")
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


async def run_check(svc, *, text: str, actor: str | None, platform: str, channel: str | None = None,
                    profile: str | None = None, account: str | None = None, has_image: bool = False,
                    image_gps: tuple[float, float] | None = None) -> tuple[CheckResult, str]:
    """Check a draft; returns the result and the profile used. Writes one audit event without the text."""
    if not text.strip():
        raise BadInput("There's no text to check. Paste the draft after the command, "
                       "e.g. `check Join us at the library on Saturday`.")
    profile = profile or svc.config.profile_for(actor, channel)
    state = await posting_state(svc, account or account_named_in(svc.config, text))
    result = check(text, profile=profile, has_image=has_image, own=own_contacts(svc.config), state=state,
                   image_gps=image_gps)
    async with svc.db.transaction() as session:
        await record_event(session, at=svc.now(), actor=actor or f"{platform}:unknown", subject_kind="check",
                           subject_id=result.text_hash[:16], action="checked", to_state=result.verdict,
                           details={"categories": result.categories, "profile": profile, "platform": platform,
                                    "text_sha256": result.text_hash, "has_image": has_image})
    return result, profile
