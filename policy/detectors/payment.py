"""Bank details (sort codes, account numbers, IBANs with their check digits) and card numbers (the Luhn
check, and how cards are printed)."""
from __future__ import annotations

import re

from policy.detectors.model import HIGH, LOW, MEDIUM, DetectorConfig, Hit, OwnIndex, _digits


# --- bank details and cards ------------------------------------------------------

_SORT_CODE = re.compile(r"(?<![\d-])\d{2}[- ]\d{2}[- ]\d{2}(?![\d-])")
_ACCOUNT = re.compile(r"(?<!\d)\d{8}(?!\d)")
_SORT_KEYWORD = re.compile(r"(?i)\bsort[- ]?code\b\D{0,15}(\d{2}[- ]?\d{2}[- ]?\d{2})(?!\d)")
_ACCOUNT_KEYWORD = re.compile(r"(?i)\b(?:account|acc|a/c)\.?\s*(?:number|no\.?|num|#)?\s*:?\s*(\d{7,8})(?!\d)")
_IBAN = re.compile(r"\bGB\d{2} ?[A-Z]{4}(?: ?\d){14}\b")
_CARD = re.compile(r"(?<![\d-])[2-7]\d{3}(?:[ -]?\d){9,15}(?![\d-])")  # 7: fuel cards


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_check(iban: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, remainder 1 on division by 97."""
    s = iban.replace(" ", "").upper()
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def bank_details(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits = [Hit(m.start(), m.end(), "iban", HIGH if _iban_check(m.group()) else LOW,
                "an IBAN that passes its check digits" if _iban_check(m.group()) else "looks like an IBAN")
            for m in _IBAN.finditer(text)]
    hits += [Hit(m.start(), m.end(), "sort_code", HIGH, "a sort code") for m in _SORT_KEYWORD.finditer(text)]
    hits += [Hit(m.start(), m.end(), "account_number", HIGH, "an account number")
             for m in _ACCOUNT_KEYWORD.finditer(text)]
    # A bare sort code only counts with an account number close by: alone it reads as a date.
    for m in _SORT_CODE.finditer(text):
        window = text[m.end(): m.end() + 40]
        acc = _ACCOUNT.search(window) or _ACCOUNT.search(text[max(0, m.start() - 40): m.start()])
        if acc:
            hits.append(Hit(m.start(), m.end(), "sort_code", HIGH, "a sort code with an account number"))
    return hits


# How cards are printed: 4-4-4-4 (Visa, Mastercard), 4-6-5 (Amex), 4-6-4 (Diners), 4-4-4-4-3 (19 digits).
_CARD_GROUPS = frozenset({(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 4, 3), (4, 4, 4, 1)})
_SEPARATOR = re.compile(r"[ -]")


def cards(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    """13-19 digits passing the Luhn check: high when grouped as cards are printed, medium otherwise. Grouped
    as a card but failing the check (a mistyped card, or a made-up one): low, so card words must back it."""
    hits = []
    for m in _CARD.finditer(text):
        digits = _digits(m.group())
        if not 13 <= len(digits) <= 19:
            continue
        groups = tuple(len(g) for g in _SEPARATOR.split(m.group()) if g)
        if not _luhn(digits):
            if groups in _CARD_GROUPS:
                hits.append(Hit(m.start(), m.end(), "card", LOW, "grouped like a card number (fails the Luhn check)"))
            continue
        if True:
            if groups in _CARD_GROUPS:
                hits.append(Hit(m.start(), m.end(), "card", HIGH, "a card number grouped as printed, passing the Luhn check"))
            else:
                hits.append(Hit(m.start(), m.end(), "card", MEDIUM, "a long number passing the Luhn check"))
    return hits
