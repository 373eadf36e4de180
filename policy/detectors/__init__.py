"""UK identifier and people detectors for the post checker, each hit graded.

Each detector takes the original text and returns a list of ``Hit`` spans. A hit carries a level: what the
pattern and its validation alone support (3 high, 2 medium, 1 low), the way data-loss-prevention tools grade a
sensitive-information type. A shape that passes its check (the UK number plan, the Luhn check on a card, the
NHS number's modulus 11 check digit, the Royal Mail postcode format, an NI prefix) counts for more than the
shape alone; a mistyped number (a digit short or long) is kept, at the lowest level, so that supporting words
nearby can still make it count. The rule that uses a detector weighs what is around the hit (check_engine):
supporting words raise the level, an organisation's words lower it, an advice frame cancels it.

They are pure functions of their inputs: nothing about the text is remembered between calls. Cheap
prefilters (is there a digit? an "@"?) come first so that clean posts cost next to nothing; ``phonenumbers``
only sees the short candidate runs of digits.

Word lists the detectors need (street suffixes, venue words, first names, the circumstances that make a
person's details sensitive) come from the policy pack and are passed in through ``DetectorConfig``; the
organisation's own and its partners' published contacts and venues through ``OwnIndex``.

One module per kind of thing found: phones, places (postcodes, addresses), identifiers (email, NI, NHS,
number plates, dates of birth, password-like tokens), payment (bank details, cards), people (named people and
their circumstances); model holds what they share, own the organisation's contacts, registry the table the
rule engine runs them from. Import them from here: ``from policy import detectors as det``.
"""
from policy.detectors.identifiers import dates_of_birth, emails, nhs_numbers, ni_numbers, secret_tokens, vehicle_regs
from policy.detectors.model import HIGH, LEVEL_NAMES, LOW, MEDIUM, DetectorConfig, Hit, OwnIndex, PeopleConfig
from policy.detectors.own import build_own_index, e164, merge_own
from policy.detectors.payment import bank_details, cards
from policy.detectors.people import named, people, person_circumstances
from policy.detectors.phones import phones
from policy.detectors.places import addresses, compile_address_re, postcodes
from policy.detectors.registry import DETECTORS, PHONE_TYPES, count_digits

__all__ = [
    "DETECTORS", "HIGH", "LEVEL_NAMES", "LOW", "MEDIUM", "PHONE_TYPES", "DetectorConfig", "Hit", "OwnIndex",
    "PeopleConfig", "addresses", "bank_details", "build_own_index", "cards", "compile_address_re", "count_digits",
    "dates_of_birth", "e164", "emails", "merge_own", "named", "nhs_numbers", "ni_numbers", "people",
    "person_circumstances", "phones", "postcodes", "secret_tokens", "vehicle_regs",
]
