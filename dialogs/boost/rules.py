"""A boost request's pure decisions: a link to a post, an amount in pounds (2.7)."""
from __future__ import annotations

import re

URL = re.compile(r"^https?://\S+\.\S+$", re.I)
AMOUNT = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})*|\d+)(\.\d{1,2})?$")


def pounds(raw: str) -> float | None:
    found = AMOUNT.match((raw or "").strip())
    if not found:
        return None
    value = float((found.group(1) + (found.group(2) or "")).replace(",", ""))
    return value if 0 < value <= 100_000 else None
