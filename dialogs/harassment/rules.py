"""Harassment reports without storage or platform (3.9): the platforms offered, a handle as typed made plain,
a handle found in the reported message, the form's checks, and who may see the blocked list."""
from __future__ import annotations

import re

PLATFORMS = (("facebook", "Facebook"), ("x", "X (Twitter)"), ("instagram", "Instagram"),
             ("linkedin", "LinkedIn"), ("tiktok", "TikTok"), ("youtube", "YouTube"), ("nextdoor", "Nextdoor"),
             ("other", "Another platform"))
PLATFORM_NAMES = dict(PLATFORMS)
MAX_HANDLE = 100
MAX_DETAILS = 2000
_HANDLE_IN_TEXT = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]{2,50})")
_PROFILE_LINK = re.compile(r"https?://(?:www\.)?(facebook|instagram|x|twitter|tiktok|linkedin)\.com/(?:in/)?@?"
                           r"([A-Za-z0-9_.]{2,50})", re.I)


def clean_handle(raw: str | None) -> str:
    """'  @Jo_Troll ' -> 'Jo_Troll': kept as the platform shows it, compared without case."""
    return (raw or "").strip().lstrip("@").strip()


def handle_key(handle: str) -> str:
    return handle.lower()


def guess_from_message(text: str | None) -> tuple[str | None, str | None]:
    """(platform, handle) the reported message names, if it links a profile or gives an @handle."""
    if not text:
        return None, None
    link = _PROFILE_LINK.search(text)
    if link:
        site = link.group(1).lower()
        return ("x" if site == "twitter" else site), link.group(2)
    at = _HANDLE_IN_TEXT.search(text)
    return (None, at.group(1)) if at else (None, None)


def check_form(values: dict) -> tuple[tuple[str, str, str] | None, dict[str, str]]:
    """((platform, handle, details), {}) or (None, errors by input id)."""
    errors: dict[str, str] = {}
    platform = values.get("platform")
    if platform not in PLATFORM_NAMES:
        errors["platform"] = "Choose the platform the messages came from."
    handle = clean_handle(values.get("handle") if isinstance(values.get("handle"), str) else None)
    if not handle:
        errors["handle"] = "Give the account's name or handle as the platform shows it, for example @jo_bloggs."
    elif len(handle) > MAX_HANDLE or any(ch in handle for ch in "\n\r\t\x00"):
        errors["handle"] = f"A handle is one line of at most {MAX_HANDLE} characters."
    details = values.get("details") if isinstance(values.get("details"), str) else ""
    details = (details or "").strip().replace("\x00", "")
    if len(details) > MAX_DETAILS:
        errors["details"] = f"Keep it to {MAX_DETAILS} characters: your manager can ask you for more."
    return (None if errors else (platform, handle, details)), errors


def reference(year: int, number: int) -> str:
    return f"HA-{year}-{number:04d}"
