"""The detectors by name, each with a cheap gate on facts about the text, so that a detector runs only
where it could find something."""
from __future__ import annotations

import re

from phonenumbers import PhoneNumberType

from policy.detectors.identifiers import (
    _PLATE_TOKEN, _SECRET_GATE, dates_of_birth, emails, nhs_numbers, ni_numbers, secret_tokens, vehicle_regs,
)
from policy.detectors.payment import bank_details, cards
from policy.detectors.people import named, people, person_circumstances
from policy.detectors.phones import phones
from policy.detectors.places import addresses, postcodes


# --- registry ----------------------------------------------------------------------

_NO_DIGITS = str.maketrans("", "", "0123456789")
_SPELLED_GATE = frozenset({"oh", "zero", "nought"})
_DOB_WORDS = frozenset({"dob", "d", "birth", "born", "birthday"})


def count_digits(text: str) -> int:
    return len(text) - len(text.translate(_NO_DIGITS))


_POSTCODE_TOKEN = re.compile(r"\d[a-z]{2}|[a-z]{1,2}\d[a-z\d]?\d[a-z]{2}")
_NI_TOKEN = re.compile(r"[a-z]{2}\d{6}[a-d]?")


def _bank_gate(s) -> bool:
    """Bank details need a keyword, an IBAN or an account number (a bare sort code reads as a date)."""
    w = s.words
    return ("sort" in w or "account" in w or "acc" in w or "a/c" in s.low
            or any(t.startswith("gb") for t in s.mixed) or any(len(t) in (7, 8) for t in s.numbers))


def _ni_gate(s) -> bool:
    if any(_NI_TOKEN.fullmatch(t) for t in s.mixed):
        return True
    return sum(1 for t in s.numbers if len(t) == 2) >= 3 or any(len(t) == 6 for t in s.numbers)


# name -> (detector, gate). The gate is a cheap test on facts about the text computed
# once (``text``, ``low``, ``ndigits``, ``words``, ``mixed`` letter-and-digit words,
# ``cfg``): a detector only runs when it could possibly find something.
DETECTORS = {
    "phone": (phones, lambda s: s.ndigits >= 9 or not s.words.isdisjoint(_SPELLED_GATE)),
    "email": (emails, lambda s: "@" in s.text or " dot " in s.low),
    "postcode": (postcodes, lambda s: any(_POSTCODE_TOKEN.fullmatch(t) for t in s.mixed)),
    "ni_number": (ni_numbers, lambda s: s.ndigits >= 6 and _ni_gate(s)),
    "bank_details": (bank_details, lambda s: s.ndigits >= 6 and _bank_gate(s)),
    "card": (cards, lambda s: s.ndigits >= 13),
    "vehicle_reg": (vehicle_regs, lambda s: any(_PLATE_TOKEN.fullmatch(t) for t in s.mixed)),
    "date_of_birth": (dates_of_birth, lambda s: s.ndigits >= 4 and not s.words.isdisjoint(_DOB_WORDS)),
    "address": (addresses, lambda s: s.ndigits >= 1 and not s.words.isdisjoint(s.cfg.street_suffixes)),
    "named": (named, lambda s: True),
    "nhs_number": (nhs_numbers, lambda s: s.ndigits >= 10),
    "secret_token": (secret_tokens, lambda s: s.ndigits >= 1 and not s.words.isdisjoint(_SECRET_GATE)),
    "person": (lambda t, o, c: people(t, o, c), lambda s: True),
    "person_circumstance": (person_circumstances, lambda s: True),
}

PHONE_TYPES = {
    name: getattr(PhoneNumberType, name)
    for name in (
        "FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST",
        "VOIP", "PERSONAL_NUMBER", "PAGER", "UAN", "VOICEMAIL", "UNKNOWN",
    )
}
