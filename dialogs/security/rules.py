"""What the "Report to Information Management" button carries and when a verdict offers it (2.10): pure, no
storage. The button names the kinds of material found and a one-off token, never the text or the secret."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

# The checker's categories that are information security material: a shared password, login or code (5.5,
# 5.6), or confidential papers (2.10's "Breach of Information Security"). Payment and personal details are
# data protection matters (3.4) and are handled by removing them, which the verdict already says.
SECURITY_CATEGORIES = ("credentials", "confidential")
KIND_WORDS = {"credentials": "a password, login or security code", "confidential": "confidential information"}
_TOKEN = re.compile(r"[0-9a-f]{24}")


@dataclass(frozen=True)
class Offer:
    categories: tuple[str, ...]
    token: str


def offer_for(categories) -> Offer | None:
    """The report a verdict with these categories offers, or None when it found no security material."""
    found = tuple(c for c in SECURITY_CATEGORIES if c in set(categories or ()))
    return Offer(found, secrets.token_hex(12)) if found else None


def button_value(offer: Offer) -> str:
    return f"{','.join(offer.categories)}|{offer.token}"


def parse_button_value(value: str | None) -> Offer | None:
    """None for anything the bot did not write (a forged or truncated value)."""
    kinds, sep, token = (value or "").partition("|")
    categories = tuple(kinds.split(",")) if kinds else ()
    if not sep or not _TOKEN.fullmatch(token) or not categories or any(
            c not in SECURITY_CATEGORIES for c in categories) or len(set(categories)) != len(categories):
        return None
    return Offer(categories, token)


def kinds_in_words(categories) -> str:
    words = [KIND_WORDS[c] for c in categories if c in KIND_WORDS]
    return " and ".join(words) or "information security material"


def reference(year: int, number: int) -> str:
    return f"IS-{year}-{number:04d}"
