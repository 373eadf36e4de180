"""Postcodes (the Royal Mail format) and house-number-and-street addresses, unless introduced as a venue or
one of the organisation's buildings."""
from __future__ import annotations

import re

from policy.detectors.model import MEDIUM, DetectorConfig, Hit, OwnIndex, _norm_place, _venue_named


# --- postcodes ---------------------------------------------------------------------

_POSTCODE_CAND = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\d[A-Za-z\d]?) ?(\d[A-Za-z]{2})(?![A-Za-z0-9])")
# The Royal Mail format, letters restricted by position.
_POSTCODE_STRICT = re.compile(
    r"^(?:GIR0AA|(?:[A-PR-UWYZ](?:\d|\d\d|\d[A-HJKPSTUW]|[A-HK-Y]\d|[A-HK-Y]\d\d|[A-HK-Y]\d[ABEHMNPRVWXY]))"
    r"\d[ABD-HJLNP-UW-Z]{2})$"
)
_ORDINAL = re.compile(r"^\d(?:st|nd|rd|th)$")


def _postcode_spans(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _POSTCODE_CAND.finditer(text):
        inward = m.group(2)
        if inward.islower() and _ORDINAL.match(inward):  # "b2 3rd" is not a postcode
            continue
        code = (m.group(1) + inward).upper()
        if _POSTCODE_STRICT.match(code):
            out.append((m.start(), m.end(), code))
    return out


def postcodes(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    """Full postcodes in the Royal Mail format: a dozen or so homes, so medium until a person or home is near."""
    hits = []
    for start, end, code in _postcode_spans(text):
        if code in own.postcodes or _venue_before(text, start, cfg, own):
            continue
        hits.append(Hit(start, end, "postcode", MEDIUM, "a full postcode"))
    return hits


# --- house number + street addresses ---------------------------------------------

_CAP_WORD = re.compile(r"\b[A-Z][A-Za-z']+")
_OUR_THING = re.compile(r"\bour (?:[a-z']+ )?[a-z]+")
_TIME_PREP = re.compile(r"(?i)\b(?:at|from|until|till|by|before|after|around|about)\s+$")


def compile_address_re(suffixes: frozenset[str]) -> re.Pattern:
    """Suffixes come lower case from the word list; addresses are written in Title Case.
    The pattern is tried only where a house number starts (see ``addresses``)."""
    alts = "|".join(sorted((re.escape(s.title()) for s in suffixes), key=len, reverse=True)) or "(?!)"
    return re.compile(
        r"(\d{1,4}[A-Za-z]?(?:-\d{1,4})?),?\s+"
        r"((?:[A-Z][a-z'\u2019]+(?:-[A-Z][a-z]+)?\s+){1,3})"
        r"(" + alts + r")\b"
    )


_HOUSE_NUMBER = re.compile(r"(?<![\w.,:/£$-])\d{1,4}(?![\d.,:/%])")


def _venue_before(text: str, start: int, cfg: DetectorConfig, own: OwnIndex = OwnIndex()) -> bool:
    """Is this address or postcode introduced as a venue ("held at", "Corn Exchange, ...")?"""
    before = text[max(0, start - 80): start]
    # Only look back within the sentence.
    cut = max(before.rfind(". "), before.rfind("! "), before.rfind("? "), before.rfind("\n"))
    if cut >= 0:
        before = before[cut + 1:]
    low = before.lower()
    if any(p in low for p in cfg.home_phrases):
        return False
    if any(p in low for p in cfg.venue_phrases) or _venue_named(low, own):
        return True
    words = _CAP_WORD.findall(before)[-6:]  # capitalised: a venue's name, "Corn Exchange"
    if any(w.lower() in cfg.venue_words for w in words):
        return True
    # "our museum in Bury St Edmunds, 7 Angel Hill": the organisation's own venue
    return any(w in cfg.venue_words for m in _OUR_THING.finditer(low) for w in m.group().split()[1:])


def _in_own_building(text: str, start: int, end: int, own: OwnIndex) -> bool:
    if not own.buildings:
        return False
    frag = _norm_place(text[start:end])
    return any(frag in b for b in own.buildings)


def addresses(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    if cfg.address_re is None:
        return []
    hits = []
    match = cfg.address_re.match
    after = 0
    for num in _HOUSE_NUMBER.finditer(text):
        if num.start() < after:
            continue
        m = match(text, num.start())
        if m is None:
            continue
        start, end = m.start(), m.end()
        after = end
        if m.group(3).lower() in cfg.ambiguous_suffixes and _TIME_PREP.search(text[max(0, start - 12): start]) \
                and m.group(1).isdigit() and 1 <= int(m.group(1)) <= 12:
            continue  # "meet at 10 Christchurch Park" is a time, not a house
        if _in_own_building(text, start, end, own) or _venue_before(text, start, cfg, own):
            continue
        # Take a postcode that follows closely into the span.
        for ps, pe, code in _postcode_spans(text[end: end + 40]):
            end = end + pe
            break
        hits.append(Hit(start, end, "address", MEDIUM, "a house number and street"))
    return hits
