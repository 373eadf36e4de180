"""UK personal-data detectors for the post checker.

Each detector takes the original text and returns a list of ``Hit`` spans. They are
pure functions of their inputs: nothing about the text is remembered between calls.
Cheap prefilters (is there a digit? an "@"?) come first so that clean posts cost
next to nothing; ``phonenumbers`` only sees the short candidate runs of digits.

Word lists the detectors need (street suffixes, venue words, ...) come from the
policy pack and are passed in through ``DetectorConfig``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneNumberMatcher, PhoneNumberType


class Hit(NamedTuple):
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class OwnIndex:
    """The organisation's own contact details, normalised once for fast lookups."""

    domains: tuple[str, ...] = ()
    phones: frozenset[str] = frozenset()  # E.164
    national: frozenset[str] = frozenset()  # the same numbers as UK digits: "01473260588"
    buildings: tuple[str, ...] = ()  # normalised with _norm_place
    postcodes: frozenset[str] = frozenset()  # "IP12BX" (no space)


@dataclass(frozen=True)
class DetectorConfig:
    street_suffixes: frozenset[str] = frozenset()
    ambiguous_suffixes: frozenset[str] = frozenset()  # "Park", "Green": also venue or time words
    venue_words: frozenset[str] = frozenset()
    venue_phrases: tuple[str, ...] = ()
    home_phrases: tuple[str, ...] = ()  # "lives at": a venue word nearby doesn't make it public
    not_plates: frozenset[str] = frozenset()  # 3-letter words that follow road numbers
    name_stopwords: frozenset[str] = frozenset()
    role_mailboxes: frozenset[str] = frozenset()  # "enquiries", "customer", "services": shared mailboxes
    phone_allow_types: frozenset[int] = frozenset()
    address_re: re.Pattern | None = field(default=None, compare=False)


# --- helpers ---------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _norm_place(s: str) -> str:
    return " " + _NON_ALNUM.sub(" ", s.lower()).strip() + " "


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def e164(number: str) -> str | None:
    """A published phone number in any format -> E.164, or None if it isn't one."""
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def build_own_index(domains, phones, buildings) -> OwnIndex:
    doms = tuple(sorted({d.strip().lower().lstrip("@").rstrip(".") for d in domains if d.strip()}))
    e164s = frozenset(n for n in (e164(p) for p in phones) if n)
    blds = tuple(_norm_place(b) for b in buildings if b.strip())
    pcs = frozenset(
        (m.group(1) + m.group(2)).upper() for b in buildings for m in _POSTCODE_CAND.finditer(b)
    )
    national = frozenset("0" + n[3:] for n in e164s if n.startswith("+44"))
    return OwnIndex(doms, e164s, national, blds, pcs)


# --- phone numbers -----------------------------------------------------------------

# A run that could be a phone number: 10 or more digits with spaces, dashes or brackets.
_PHONE_CAND = re.compile(r"(?<![\w.])(?:\+|00)?\(?\d[\d \-().]{8,}\d(?![\d])")
_MOBILE_SHAPE = re.compile(r"^07\d{9}$")


def _uk_national(raw: str, digits: str) -> str | None:
    """"+44 7911 123456" -> "07911123456"; None when it isn't written as a UK number."""
    if digits.startswith("0044"):
        return "0" + digits[4:]
    if digits.startswith("44") and raw.lstrip("( ").startswith("+"):
        return "0" + digits[2:]
    return digits if digits.startswith("0") else None


_DIGIT_GROUP = re.compile(r"\+?\(?\d[\d()-]*")


_MAX_PARSES = 40  # phonenumbers calls per text: a post has a few numbers, junk must not cost seconds


def _one_number(text: str, start: int, end: int, own: OwnIndex, cfg: DetectorConfig,
                budget: list[int]) -> list[Hit] | None:
    """Hits for text[start:end] read as one phone number; None when it isn't one."""
    raw = text[start:end]
    digits = _digits(raw)
    national = _uk_national(raw, digits)
    # Fast paths that need no parsing: our own published numbers, and UK mobiles
    # (07...: phonenumbers calls Ofcom's drama range invalid, but a reader sees a mobile).
    if national in own.national:
        return []
    if national and _MOBILE_SHAPE.match(national):
        return [Hit(start, end, "mobile")]
    if budget[0] <= 0:
        return None
    budget[0] -= 1
    out, seen = [], False
    for m in PhoneNumberMatcher(raw, "GB"):
        seen = True
        num = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        if num in own.phones:
            continue
        kind = phonenumbers.number_type(m.number)
        if kind in cfg.phone_allow_types:  # freephone, 03 numbers: organisations
            continue
        s = start + m.start
        out.append(Hit(s, s + len(m.raw_string), "mobile" if kind == PhoneNumberType.MOBILE else "phone"))
    return out if seen else None


def phones(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits: list[Hit] = []
    budget = [_MAX_PARSES]
    for cand in _PHONE_CAND.finditer(text):
        digits = _digits(cand.group())
        n = len(digits) - (2 if digits.startswith("00") else 0)  # "0044 ...": the international prefix
        if n < 10:
            continue
        if n <= 13:
            hits += _one_number(text, cand.start(), cand.end(), own, cfg, budget) or []
            continue
        # Several numbers in one run ("01473 555123 07911 123456"): grow a number group by
        # group until one reads as a phone number, then start again after it.
        groups = [(cand.start() + g.start(), cand.start() + g.end()) for g in _DIGIT_GROUP.finditer(cand.group())]
        i = 0
        while i < len(groups) and budget[0] > 0:
            if text[groups[i][0]] not in "0+(":  # a phone number starts 0, +44 or (0
                i += 1
                continue
            for j in range(i, len(groups)):
                count = len(_digits(text[groups[i][0]:groups[j][1]]))
                if count > 13:
                    i += 1
                    break
                if count >= 10:
                    found = _one_number(text, groups[i][0], groups[j][1], own, cfg, budget)
                    if found is not None:
                        hits += found
                        i = j + 1
                        break
            else:
                break
    return hits


# --- email addresses -------------------------------------------------------------

_EMAIL = re.compile(r"([A-Za-z0-9._%+'-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
_MAILBOX_PARTS = re.compile(r"[a-z]+")


def emails(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    if "@" not in text:
        return []
    hits = []
    for m in _EMAIL.finditer(text):
        domain = m.group(2).lower()
        if any(domain == d or domain.endswith("." + d) for d in own.domains):
            continue
        parts = _MAILBOX_PARTS.findall(m.group(1).lower())
        if parts and all(p in cfg.role_mailboxes for p in parts):
            continue  # a shared mailbox (enquiries@, customer.services@) names no one
        hits.append(Hit(m.start(), m.end(), "email"))
    return hits


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
    hits = []
    for start, end, code in _postcode_spans(text):
        if code in own.postcodes or _venue_before(text, start, cfg):
            continue
        hits.append(Hit(start, end, "postcode"))
    return hits


# --- National Insurance numbers --------------------------------------------------

# The final letter (A-D) is left off in some systems, so it is optional here.
_NI = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2})(?: ?[A-Da-d])?(?![A-Za-z0-9])")
_NI_BAD_PAIRS = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def ni_numbers(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits = []
    for m in _NI.finditer(text):
        pre = m.group(1).upper()
        if pre[0] in "DFIQUV" or pre[1] in "DFIQUVO" or pre in _NI_BAD_PAIRS:
            continue
        hits.append(Hit(m.start(), m.end(), "ni_number"))
    return hits


# --- bank details and cards ------------------------------------------------------

_SORT_CODE = re.compile(r"(?<![\d-])\d{2}[- ]\d{2}[- ]\d{2}(?![\d-])")
_ACCOUNT = re.compile(r"(?<!\d)\d{8}(?!\d)")
_SORT_KEYWORD = re.compile(r"(?i)\bsort[- ]?code\b\D{0,15}(\d{2}[- ]?\d{2}[- ]?\d{2})(?!\d)")
_ACCOUNT_KEYWORD = re.compile(r"(?i)\b(?:account|acc|a/c)\.?\s*(?:number|no\.?|num|#)?\s*:?\s*(\d{7,8})(?!\d)")
_IBAN = re.compile(r"\bGB\d{2} ?[A-Z]{4}(?: ?\d){14}\b")
_CARD = re.compile(r"(?<![\d-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\d-])")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def bank_details(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits = [Hit(m.start(), m.end(), "iban") for m in _IBAN.finditer(text)]
    hits += [Hit(m.start(), m.end(), "sort_code") for m in _SORT_KEYWORD.finditer(text)]
    hits += [Hit(m.start(), m.end(), "account_number") for m in _ACCOUNT_KEYWORD.finditer(text)]
    # A bare sort code only counts with an account number close by: alone it reads as a date.
    for m in _SORT_CODE.finditer(text):
        window = text[m.end(): m.end() + 40]
        acc = _ACCOUNT.search(window) or _ACCOUNT.search(text[max(0, m.start() - 40): m.start()])
        if acc:
            hits.append(Hit(m.start(), m.end(), "sort_code"))
    return hits


def cards(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits = []
    for m in _CARD.finditer(text):
        digits = _digits(m.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            hits.append(Hit(m.start(), m.end(), "card"))
    return hits


# --- vehicle registrations (upper case only) -------------------------------------

# One scan for all three formats; road numbers (A14, M25, J28, B1115) never carry the letters.
_REG = re.compile(
    # current format since 2001: AB12 CDE (age identifier 02-29 or 51-79)
    r"\b(?:[A-HJ-PR-Y][A-HJ-PR-Y](?:0[2-9]|[12]\d|[5-7]\d) ?[A-HJ-PR-Z]{3}"
    # prefix format 1983-2001: A123 BCD
    r"|[A-HJ-NPR-Y]\d{1,3} ?(?P<prefix>[A-HJ-PR-Y][A-HJ-PR-Z]{2})"
    # suffix format 1963-1983: ABC 123D
    r"|(?P<suffix>[A-HJ-PR-Y][A-HJ-PR-Z]{2}) ?\d{1,3}[A-HJ-NPR-TV-Y])\b"
)
_PLATE_TOKEN = re.compile(r"[a-z]{2}\d{2}(?:[a-z]{3})?|[a-z]\d{1,3}(?:[a-z]{3})?|(?:[a-z]{3})?\d{1,3}[a-z]")


def vehicle_regs(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits = []
    for m in _REG.finditer(text):
        letters = m.group("prefix") or m.group("suffix")
        if letters and letters.lower() in cfg.not_plates:  # "A14 NOW", "J28 OFF" in capitals
            continue
        hits.append(Hit(m.start(), m.end(), "vehicle_reg"))
    return hits


# --- dates of birth ----------------------------------------------------------------

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTHS + r",?\s+(?:19|20)\d{2}"
    r"|" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}-\d{2}-\d{2})"
)
_DOB = re.compile(
    r"(?i)\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?|birthday(?: is)?)\s*[:\-]?\s*(?:is\s+|was\s+)?" + _DATE
)


def dates_of_birth(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    return [Hit(m.start(), m.end(), "date_of_birth") for m in _DOB.finditer(text)]


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


def _venue_before(text: str, start: int, cfg: DetectorConfig) -> bool:
    """Is this address or postcode introduced as a venue ("held at", "Corn Exchange, ...")?"""
    before = text[max(0, start - 80): start]
    # Only look back within the sentence.
    cut = max(before.rfind(". "), before.rfind("! "), before.rfind("? "), before.rfind("\n"))
    if cut >= 0:
        before = before[cut + 1:]
    low = before.lower()
    if any(p in low for p in cfg.home_phrases):
        return False
    if any(p in low for p in cfg.venue_phrases):
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
        if m.group(3).lower() in cfg.ambiguous_suffixes and _TIME_PREP.search(text[max(0, start - 12): start]):
            continue  # "meet at 10 Christchurch Park" is a time, not a house
        if _in_own_building(text, start, end, own) or _venue_before(text, start, cfg):
            continue
        # Take a postcode that follows closely into the span.
        for ps, pe, code in _postcode_spans(text[end: end + 40]):
            end = end + pe
            break
        hits.append(Hit(start, end, "address"))
    return hits


# --- named people and businesses (used as context, not flagged alone) -------------

_TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Cllr|Councillor|Sir|Dame|Lord|Lady)\.?\s+[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?"
)
_COMPANY = re.compile(
    r"\b[A-Z][A-Za-z&']+(?:\s+[A-Z][A-Za-z&']+){0,3}\s+(?:Ltd|Limited|plc|PLC|LLP|Builders|Motors|Roofing"
    r"|Garage|Plumbing|Construction|Developments|Homes|& Sons|and Sons)\b"
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{2,15}\b")
_FULL_NAME = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+)\b")


def named(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits = [Hit(m.start(), m.end(), "person") for m in _TITLE_NAME.finditer(text)]
    hits += [Hit(m.start(), m.end(), "business") for m in _COMPANY.finditer(text)]
    hits += [Hit(m.start(), m.end(), "handle") for m in _HANDLE.finditer(text)]
    for m in _FULL_NAME.finditer(text):
        if m.group(1).lower() not in cfg.name_stopwords and m.group(2).lower() not in cfg.name_stopwords:
            hits.append(Hit(m.start(), m.end(), "person"))
    return hits


# --- registry ----------------------------------------------------------------------

_NO_DIGITS = str.maketrans("", "", "0123456789")
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
    "phone": (phones, lambda s: s.ndigits >= 10),
    "email": (emails, lambda s: "@" in s.text),
    "postcode": (postcodes, lambda s: any(_POSTCODE_TOKEN.fullmatch(t) for t in s.mixed)),
    "ni_number": (ni_numbers, lambda s: s.ndigits >= 6 and _ni_gate(s)),
    "bank_details": (bank_details, lambda s: s.ndigits >= 6 and _bank_gate(s)),
    "card": (cards, lambda s: s.ndigits >= 13),
    "vehicle_reg": (vehicle_regs, lambda s: any(_PLATE_TOKEN.fullmatch(t) for t in s.mixed)),
    "date_of_birth": (dates_of_birth, lambda s: s.ndigits >= 4 and not s.words.isdisjoint(_DOB_WORDS)),
    "address": (addresses, lambda s: s.ndigits >= 1 and not s.words.isdisjoint(s.cfg.street_suffixes)),
    "named": (named, lambda s: True),
}

PHONE_TYPES = {
    name: getattr(PhoneNumberType, name)
    for name in (
        "FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST",
        "VOIP", "PERSONAL_NUMBER", "PAGER", "UAN", "VOICEMAIL", "UNKNOWN",
    )
}
