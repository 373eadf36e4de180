"""The organisation's own and its partners' published contacts, normalised once (``build_own_index``): they
are not personal data."""
from __future__ import annotations

import phonenumbers

from policy.detectors.model import OwnIndex, _norm_place
from policy.detectors.places import _POSTCODE_CAND


def e164(number: str) -> str | None:
    """A published phone number in any format -> E.164, or None if it isn't one."""
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _building_name(building: str) -> str | None:
    """"Endeavour House, 8 Russell Road, Ipswich IP1 2BX" -> "Endeavour House" (a name, not a number)."""
    head = building.split(",", 1)[0].strip()
    return head if head and not head[0].isdigit() and any(c.isalpha() for c in head) else None


def build_own_index(domains, phones, buildings, venues=()) -> OwnIndex:
    doms = tuple(sorted({d.strip().lower().lstrip("@").rstrip(".") for d in domains if d.strip()}))
    e164s = frozenset(n for n in (e164(p) for p in phones) if n)
    blds = tuple(_norm_place(b) for b in buildings if b.strip())
    pcs = frozenset(
        (m.group(1) + m.group(2)).upper() for b in buildings for m in _POSTCODE_CAND.finditer(b)
    )
    national = frozenset("0" + n[3:] for n in e164s if n.startswith("+44"))
    names = [n for n in (_building_name(b) for b in buildings) if n] + [v for v in venues if v.strip()]
    vens = tuple(dict.fromkeys(_norm_place(v) for v in names if len(_norm_place(v)) > 4))
    return OwnIndex(doms, e164s, national, blds, pcs, vens)


def merge_own(a: OwnIndex, b: OwnIndex) -> OwnIndex:
    """The pack's published contacts and the organisation file's, together."""
    if not (b.domains or b.phones or b.buildings or b.venues):
        return a
    if not (a.domains or a.phones or a.buildings or a.venues):
        return b
    return OwnIndex(
        tuple(sorted(set(a.domains) | set(b.domains))), a.phones | b.phones, a.national | b.national,
        tuple(dict.fromkeys(a.buildings + b.buildings)), a.postcodes | b.postcodes,
        tuple(dict.fromkeys(a.venues + b.venues)),
    )
