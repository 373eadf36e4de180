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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneNumberType

LOW, MEDIUM, HIGH = 1, 2, 3
LEVEL_NAMES = {LOW: "low", MEDIUM: "medium", HIGH: "high"}


class Hit(NamedTuple):
    start: int
    end: int
    kind: str
    level: int = HIGH  # what the pattern and its validation alone support
    note: str = ""  # the evidence in plain words: "a UK mobile number", "passes the Luhn check"
    cues: tuple[tuple[int, int, str], ...] = ()  # other words the detector relied on: (start, end, label)


@dataclass(frozen=True)
class OwnIndex:
    """The organisation's own and its partners' contact details, normalised once for fast lookups."""

    domains: tuple[str, ...] = ()
    phones: frozenset[str] = frozenset()  # E.164
    national: frozenset[str] = frozenset()  # the same numbers as UK digits: "01473260588"
    buildings: tuple[str, ...] = ()  # normalised with _norm_place
    postcodes: frozenset[str] = frozenset()  # "IP12BX" (no space)
    venues: tuple[str, ...] = ()  # public venues and buildings by name, normalised with _norm_place


@dataclass(frozen=True)
class PeopleConfig:
    """What makes a mention of a person sensitive (item 2 of the checker's design)."""

    circumstances: re.Pattern  # lower-cased text; one named group per kind ("age", "school_weak", ...)
    circumstances_cs: re.Pattern | None  # case-sensitive extras ("SEND", "SEN")
    roles_before: re.Pattern  # a public or staff role just before a name: "Cllr", "our Head of Libraries,"
    roles_after: re.Pattern  # ... or just after it: ", Cabinet Member for", "from our team"
    generic: re.Pattern  # "if your child ...": advice to everyone, not one person
    history: re.Pattern  # "the novelist", "in 1778": a historical figure
    labels: dict  # kind -> plain words for the evidence ("school or year group")
    window: int = 120  # characters between a person and a circumstance
    generic_before: re.Pattern | None = None  # "how many children ...": figures about many, not one person
    public_kinds: frozenset[str] = frozenset()  # circumstances private even for staff and public figures
    kind_patterns: dict = field(default_factory=dict)  # kind -> its own pattern
    trigger_index: dict = field(default_factory=dict)  # "age", "<number>", ... -> kinds that can start there


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
    first_names: frozenset[str] = frozenset()  # lower case: "sharon", "jack"
    surnames: frozenset[str] = frozenset()  # lower case: "smith", "barnes"
    people: PeopleConfig | None = field(default=None, compare=False)


# --- helpers ---------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _norm_place(s: str) -> str:
    return " " + _NON_ALNUM.sub(" ", s.lower()).strip() + " "


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _lower(text: str) -> str:
    """Lower-case without moving offsets (a few characters grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


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


def _venue_named(low_window: str, own: OwnIndex) -> bool:
    """Does this stretch of (lower-cased) text name one of the published public venues?"""
    if not own.venues:
        return False
    norm = _norm_place(low_window)
    return any(v in norm for v in own.venues)


# --- phone numbers (the UK number plan) ------------------------------------------------

# A run that could be a phone number: 9 or more digits with spaces, dashes, dots or brackets.
_PHONE_CAND = re.compile(r"(?<![\w.,£$/])(?:\+|00)?\(?\d[\d \-().]{7,}\d(?![\d/])")
_OWN = "own"  # a published number: not personal data
_MAX_PARSES = 40  # phonenumbers calls per text: a post has a few numbers, junk must not cost seconds
_DIGIT_GROUP = re.compile(r"\+?\(?\d[\d()-]*")


def _uk_national(raw: str, digits: str) -> str | None:
    """"+44 7911 123456" -> "07911123456"; None when it isn't written as a UK number."""
    if digits.startswith("0044"):
        national = "0" + digits[4:]
    elif digits.startswith("44") and raw.lstrip("( ").startswith("+"):
        national = "0" + digits[2:]
    elif digits.startswith("0"):
        national = digits
    else:
        return None
    return national[1:] if national.startswith("00") else national  # "+44 (0)7911 ..." -> 07911...


def _plan_check(national: str, cfg: DetectorConfig, budget: list[int]):
    """A UK number other than a mobile, by phonenumbers: (valid, allowed organisational type)."""
    if budget[0] <= 0:
        return False, False
    budget[0] -= 1
    try:
        parsed = phonenumbers.parse(national, "GB")
    except phonenumbers.NumberParseException:
        return False, False
    if not phonenumbers.is_valid_number(parsed):
        return False, False
    return True, phonenumbers.number_type(parsed) in cfg.phone_allow_types


def _classify(raw: str, digits: str, own: OwnIndex, cfg: DetectorConfig, budget: list[int]):
    """(level, note) for one run read as one phone number, _OWN for a published one, None if it isn't one."""
    national = _uk_national(raw, digits)
    if national is None:
        if len(digits) == 10 and digits[0] == "7":
            return LOW, "looks like a mobile number without its first 0"
        return None
    if national in own.national:
        return _OWN
    n = len(national)
    if national.startswith("07"):
        if n == 11:
            # 071-075, 077-079 mobiles, 07624 (Isle of Man), 070 personal numbers; 076 pagers are rare.
            # phonenumbers calls Ofcom's drama range invalid, but a reader sees a mobile.
            return (HIGH, "a UK mobile number") if national[2] != "6" or national.startswith("07624") \
                else (MEDIUM, "a UK pager or personal number")
        if n in (10, 12):
            return LOW, "looks like a mobile number with a digit missing or extra"
        return None
    if n not in (10, 11, 12):
        return None
    geographic = national[1] in "12"
    if n == 12:
        return (LOW, "looks like a landline number with a digit extra") if geographic else None
    valid, allowed = _plan_check(national, cfg, budget)
    if allowed:
        return _OWN  # freephone, 03 numbers: organisations
    if valid:
        return MEDIUM, "a UK landline number" if geographic else "a UK phone number"
    return (LOW, "looks like a landline number with a digit missing") if geographic else None


def _split_run(text: str, start: int, end: int, own: OwnIndex, cfg: DetectorConfig, budget: list[int]):
    """Valid numbers inside a longer run ("01473 555123 07911 123456"); None when there are none."""
    groups = [(start + g.start(), start + g.end()) for g in _DIGIT_GROUP.finditer(text, start, end)]
    groups = [(s, e) for s, e in groups if e <= end]
    out, found, i = [], False, 0
    while i < len(groups) and budget[0] > 0:
        if text[groups[i][0]] not in "0+(":  # a phone number starts 0, +44 or (0
            i += 1
            continue
        for j in range(i, len(groups)):
            raw = text[groups[i][0]:groups[j][1]]
            digits = _digits(raw)
            if len(digits) > 13:
                i += 1
                break
            if len(digits) >= 10:
                got = _classify(raw, digits, own, cfg, budget)
                if got is _OWN or (got and got[0] >= MEDIUM):
                    found = True
                    if got is not _OWN:
                        out.append(Hit(groups[i][0], groups[j][1], "phone", got[0], got[1]))
                    i = j + 1
                    break
        else:
            break
    return out if found else None


_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
                "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_SPELLED = re.compile(r"\b(?:(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|double|treble|triple"
                      r"|\d+)[\s,.-]*){6,}")
_SPELLED_WORD = re.compile(r"[a-z]+|\d+")
_SPELLED_START = re.compile(r"\b(?:oh|zero|nought)\b")
_DIGIT_WORD = re.compile(r"\b(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine)\b")
_LETTER_TYPO = re.compile(r"(?<![\w.])(?:\+44|0)[\d \-]{2,}[lIoO][\d \-lIoO]*\d(?![\d\w])")
_TYPO_DIGITS = str.maketrans("lIoO", "1100")


def _spelled_phones(text: str, low: str, own: OwnIndex) -> list[Hit]:
    """"oh seven nine four one, 226 083": a number written (partly) in words to get past filters."""
    hits = []
    for m in _SPELLED.finditer(low):
        digits, words, repeat = "", 0, 1
        for w in _SPELLED_WORD.findall(m.group()):
            if w in ("double", "treble", "triple"):
                repeat = 2 if w == "double" else 3
                continue
            d = _DIGIT_WORDS.get(w, w if w.isdigit() else "")
            if not d:
                continue
            words += not w.isdigit()
            digits += d[0] * repeat + d[1:]
            repeat = 1
        national = digits if digits.startswith("0") else None
        if words >= 3 and national and national[:2] in ("07", "01", "02") and 10 <= len(national) <= 12 \
                and national not in own.national:
            end = m.start() + len(m.group().rstrip(" ,.-"))
            hits.append(Hit(m.start(), end, "phone", LOW, "a phone number written out in words"))
    return hits


def phones(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits: list[Hit] = []
    budget = [_MAX_PARSES]
    low = _lower(text)
    if _SPELLED_START.search(low) and len(_DIGIT_WORD.findall(low)) >= 4:
        hits += _spelled_phones(text, low, own)
    for m in _LETTER_TYPO.finditer(text):  # "07782 44l 903": a letter l or O for a digit
        digits = _digits(m.group().translate(_TYPO_DIGITS))
        national = _uk_national(m.group(), digits)
        if national and national[:2] in ("07", "01", "02") and 10 <= len(national) <= 12 \
                and national not in own.national:
            hits.append(Hit(m.start(), m.end(), "phone", LOW, "a phone number with a letter for a digit"))
    for cand in _PHONE_CAND.finditer(text):
        start, end = cand.span()
        raw = cand.group()
        digits = _digits(raw)
        n = len(digits) - (2 if digits.startswith("00") else 0)  # "0044 ...": the international prefix
        if n < 9:
            continue
        whole = _classify(raw, digits, own, cfg, budget) if n <= 13 else None
        if whole is _OWN:
            continue
        if whole and whole[0] >= MEDIUM:
            hits.append(Hit(start, end, "phone", whole[0], whole[1]))
            continue
        inside = _split_run(text, start, end, own, cfg, budget) if n >= 10 else None
        if inside is not None:
            hits += inside
        elif whole:
            hits.append(Hit(start, end, "phone", whole[0], whole[1]))
    return hits


# --- email addresses -------------------------------------------------------------

_EMAIL = re.compile(r"([A-Za-z0-9._%+'-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
_MAILBOX_PARTS = re.compile(r"[a-z]+")


_EMAIL_WORDS = re.compile(
    r"\b((?!at\b)[a-z0-9._-]+(?:\s+(?:dot\s+)?(?!at\b)[a-z0-9._-]+){0,3}?)\s+(?:at|\(at\)|\[at\])\s+"
    r"((?:[a-z0-9-]+\s+dot\s+){1,3}(?:com|co|uk|org|net|gov|ac|io|me|info|biz))\b")
_DOT = re.compile(r"\s+dot\s+")


def _written_out_emails(text: str, own: OwnIndex) -> list[Hit]:
    """"marion dot lee 58 at gmail dot com": an address written out to get past filters."""
    hits = []
    for m in _EMAIL_WORDS.finditer(_lower(text)):
        domain = _DOT.sub(".", m.group(2))
        if not any(domain == d or domain.endswith("." + d) for d in own.domains):
            hits.append(Hit(m.start(), m.end(), "email", HIGH, "an email address written out in words"))
    return hits


def emails(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits = _written_out_emails(text, own) if " dot " in text.lower() else []
    if "@" not in text:
        return hits
    for m in _EMAIL.finditer(text):
        domain = m.group(2).lower()
        if any(domain == d or domain.endswith("." + d) for d in own.domains):
            continue
        parts = _MAILBOX_PARTS.findall(m.group(1).lower())
        if parts and all(p in cfg.role_mailboxes for p in parts):
            continue  # a shared mailbox (enquiries@, customer.services@) names no one
        hits.append(Hit(m.start(), m.end(), "email", HIGH, "an email address"))
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
    """Full postcodes in the Royal Mail format: a dozen or so homes, so medium until a person or home is near."""
    hits = []
    for start, end, code in _postcode_spans(text):
        if code in own.postcodes or _venue_before(text, start, cfg, own):
            continue
        hits.append(Hit(start, end, "postcode", MEDIUM, "a full postcode"))
    return hits


# --- National Insurance numbers --------------------------------------------------

# The final letter (A-D) is left off in some systems, so it is optional here.
_NI = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2})(?: ?[A-Da-d])?(?![A-Za-z0-9])")
_NI_BAD_PAIRS = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def ni_numbers(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    """NI numbers with a prefix HMRC issues; the full form (with its final letter) is unmistakable."""
    hits = []
    for m in _NI.finditer(text):
        pre = m.group(1).upper()
        if pre[0] in "DFIQUV" or pre[1] in "DFIQUVO" or pre in _NI_BAD_PAIRS:
            continue
        full = m.group(0)[-1].isalpha()
        hits.append(Hit(m.start(), m.end(), "ni_number", HIGH if full else MEDIUM,
                        "a National Insurance number" if full else "looks like a National Insurance number"))
    return hits


# --- NHS numbers -------------------------------------------------------------------

_NHS = re.compile(r"(?<![\d-])([1-9]\d{2})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")


def _nhs_check(d: str) -> bool:
    """The NHS number's modulus 11 check digit: weights 10 down to 2 on the first nine digits."""
    total = sum((10 - i) * (ord(c) - 48) for i, c in enumerate(d[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == ord(d[9]) - 48


def nhs_numbers(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    """Ten digits (3-3-4) passing the check digit. Low alone: one ten-digit number in eleven passes by chance,
    so the rule wants an NHS word nearby (as DLP tools do)."""
    hits = []
    for m in _NHS.finditer(text):
        if _nhs_check(m.group(1) + m.group(2) + m.group(3)):
            hits.append(Hit(m.start(), m.end(), "nhs_number", LOW, "passes the NHS number check digit"))
        elif m.group().count(" ") == 2 or m.group().count("-") == 2:  # written 3-3-4, as NHS numbers are
            hits.append(Hit(m.start(), m.end(), "nhs_number", LOW, "written like an NHS number (fails the check digit)"))
    return hits


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
        hits.append(Hit(m.start(), m.end(), "vehicle_reg", HIGH, "a number plate"))
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
    r"(?i)\b(?:d\.?o\.?b\.?|date of birth|born(?: on| (?:in|at) [a-z]+(?: [a-z]+)? on)?|birthday(?: is)?)\s*[:\-]?\s*(?:is\s+|was\s+|as\s+)?" + _DATE
)


def dates_of_birth(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    return [Hit(m.start(), m.end(), "date_of_birth", HIGH, "a date of birth") for m in _DOB.finditer(text)]


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


# --- passwords written as tokens ------------------------------------------------------

_SYMBOLS = frozenset("!#$%^&*?+=~")
# The words of the rule's supporting context (secret_words in rules.toml): without one the token can't count.
_SECRET_GATE = frozenset({"password", "passwords", "pw", "pwd", "pass", "login", "logins", "log", "logging", "logged",
                          "username", "user", "credentials", "account", "sign", "signin", "api", "key", "token",
                          "secret", "access", "wifi", "fi", "insta", "instagram", "facebook", "fb", "tiktok", "twitter",
                          "orlo", "hootsuite", "profile", "post", "sticky"})
_TOKEN = re.compile(r"[^\s,;()\[\]'\"\u2018\u2019\u201c\u201d\d]*\d[^\s,;()\[\]'\"\u2018\u2019\u201c\u201d]*")


def secret_tokens(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    """Tokens that read as a password: letters, digits and a symbol inside ("Libraries!23", "8h!Yt5qP"), or
    capitals, digits and two hyphens ("Spring-Bank-42"). Medium alone: the rule wants a login word nearby."""
    hits = []
    for m in _TOKEN.finditer(text):  # only the words with a digit in them
        tok = m.group().rstrip(".!?:")
        if not 6 <= len(tok) <= 24 or tok[0] in "@#" or "@" in tok and "." in tok or "/" in tok or "." in tok:
            continue  # handles, hashtags, emails, web addresses, decimals
        if not (any(c.isalpha() for c in tok) and any(c.isdigit() for c in tok)):
            continue
        inner = tok[1:-1]
        symbol = any(c in _SYMBOLS for c in inner) or (
            tok[-1] in _SYMBOLS and any(c.isupper() for c in tok) and any(c.islower() for c in tok))
        hyphens = tok.count("-") >= 2 and any(c.isupper() for c in tok)
        if symbol or hyphens:
            hits.append(Hit(m.start(), m.start() + len(tok), "secret", MEDIUM, "looks like a password"))
    return hits


# --- people and their circumstances (item 2) -------------------------------------------
#
# A person is "Mrs J Smith", "Sharon Jones" (a known first name or surname), "Kayden, 14,", "Hi Sharon,"
# opening a reply, "your son", "the lady at no. 14". A circumstance is what makes their details sensitive:
# an age, a school or year group, care, health, special needs, debt or charges, housing, payment details, a
# home address, an accusation, an injury or a death. The two within a short window are personal data even
# with no phone number or email in sight. People in a public role ("Cllr Smith", "our Head of Libraries, Jo
# Bloggs", a candidate) and historical figures ("the novelist Fanny Burney") are not private people, except
# in the few circumstances that are private whoever you are (a staff disciplinary).

_HONORIFIC = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\b\.?\s+"
    r"(?:(?:[A-Z]\.?\s+){0,2}(?:Mc|Mac|O')?[A-Z][a-z'\u2019]+(?:-[A-Z][a-z]+)?|[A-Z]\b\.?)"
)
_NAME_PAIR = re.compile(
    r"\b(?=([A-Z][a-z]+)\s+((?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\b\.?)(?:'s|\u2019s)?)")
_CAP_NAME = re.compile(r"\b([A-Z][a-z]*)(?:'s|\u2019s)?\b")
_ONE_SPACE = re.compile(r"[ \t]|\.? ")
_HONORIFIC_GATE = ("Mr", "Ms", "Miss", "Mx", "Dr", "Master")
_RELATION_GATE = ("your ", "his ", "her ", "their ")
_THE_PERSON_GATE = tuple("""resident tenant claimant occupant occupier homeowner householder lady gentleman man
family couple lad boy girl bloke fella chap pensioner neighbour landlord client patient service young""".split())
_NAME_AGE = re.compile(r"\s*(?:,\s*|\(\s*)(?:aged\s+)?(\d{1,2})\s*(?:\)|,|\s+(?:years?|yrs?)\b)")
_GREETING = re.compile(
    r"^\s*(?:@[\w.]+[\s,:]+)*"
    r"(?:((?i:hi|hiya|hello|hey|dear|morning|good morning|good afternoon|good evening|afternoon|evening"
    r"|thanks|thank you|thanks so much|many thanks|cheers|sorry))\s+)?"
    r"([A-Z][a-z]+)\b(\s+[A-Z][a-z]+\b)?\s*[,!:\-\u2013.]"
)
_REPLY_HANDLE = re.compile(r"^\s*@[A-Za-z0-9_]{2,15}\b")
_RELATION = re.compile(
    r"\b(?:your|his|her|their)\s+(?:(?:eldest|youngest|little|older|younger|teenage|baby|step|foster|adopted)"
    r"[\s-]+)?(?:son|daughter|child|kid|boy|girl|grandson|granddaughter|grandchild|mum|mother|dad|father|"
    r"husband|wife|partner|nan|nana|gran|granny|grandma|grandad|grandpa|grandfather|grandmother|brother|"
    r"sister|nephew|niece|neighbour|tenant|baby|toddler|teenager|children|kids|sons|daughters)"
    r"(?:'s|\u2019s)?\b"
)
_THE_PERSON = re.compile(
    r"\bthe\s+(?:(?:elderly|young|old|older|disabled|vulnerable|same|other)\s+)?"
    r"(?:resident|tenant|claimant|occupant|occupier|homeowner|householder|lady|gentleman|man|woman|family|"
    r"couple|lad|boy|girl|bloke|fella|chap|pensioner|neighbour|landlord|client|patient|service user|young person)"
    r"\b(?!\s+(?:service|services|team|parking|permit|portal|survey|charter|panel|association|group|newsletter)\b)"
    r"(\s+(?:at|on|in|from|of)\s+(?:no\.?\s*|number\s+|flat\s+)?\d{1,4}[a-z]?\b"
    r"|\s+(?:at|on) the (?:end|top|bottom|corner) of [a-z]+ (?:road|street|lane|close|drive|avenue|way|crescent|grove))?"
)
_NAMED_AFTER = re.compile(r"^,?\s+(?:called\s+|named\s+)?[A-Z][a-z]+\b")
_SIGN_OFF = re.compile(r"(?:thanks|thank you|cheers|regards|best wishes|best|many thanks|ta|love|from)[,!.]?\s*$"
                       r"|[-\u2013~^\n]\s*$", re.IGNORECASE)
_VOCATIVE = re.compile(r"(?i:\b(?:thanks|thank you|cheers|well done|congrats|congratulations|hi|hello|hey|dear|sorry|"
                       r"morning|evening)\b)[^.!?\nA-Z]{0,25},\s*$")
_CHILD_AGED = re.compile(r"\ba\s+(\d{1,2})[- ]year[- ]old\s+(?:girl|boy|lad|teenager|child|pupil|student|schoolgirl|"
                         r"schoolboy|youngster|toddler|baby)\b")
_NOT_GREETED = frozenset({"everyone", "all", "there", "folks", "team", "both", "guys", "everybody", "you",
                          "again", "so", "very", "for", "to", "from", "cllr", "councillor", "update", "reminder"})
_CASE_KINDS = frozenset({"debt", "care", "health", "sen", "housing", "discipline"})
_CASE_PEOPLE = frozenset({"resident", "tenant", "claimant", "occupant", "occupier", "homeowner", "householder"})
_SERVICE_AFTER = re.compile(r"\s+(?:[a-z]+\s+)?(?:team|teams|service|services|department|dept|unit|provider|providers|hub|line|"
                            r"officer|officers|workers?|staff|board|partnership|strategy|policy|pathway|event|fair|"
                            r"week|awareness|group|forum)\b")


def _anchored(pattern: re.Pattern, low: str, starts: tuple[str, ...]):
    """Matches of ``pattern`` tried only where one of ``starts`` stands at a word start (a few str.find calls
    rather than a regex search of every character)."""
    positions = []
    for s in starts:
        i = low.find(s)
        while i >= 0:
            if i == 0 or not low[i - 1].isalnum():
                positions.append(i)
            i = low.find(s, i + 1)
    after = -1
    for pos in sorted(positions):
        if pos >= after:
            m = pattern.match(low, pos)
            if m:
                after = m.end()
                yield m


def _signs_off(text: str, start: int, end: int) -> bool:
    """"... Thanks, Jo" at the end: a member of staff signing off a reply."""
    return len(text[end:].strip(" .!,:)x\n")) <= 2 and _SIGN_OFF.search(text, max(0, start - 20), start) is not None


def _is_name(word: str, cfg: DetectorConfig) -> bool:
    w = word.lower()
    return w in cfg.first_names and w not in cfg.name_stopwords


_WORD_START = re.compile(r"\b\w")


def _role_before(low: str, start: int, pattern: re.Pattern) -> bool:
    """Does a role end right before ``start``? Tried only where the last few words begin (a search of the
    whole stretch would try every alternative at every character)."""
    lo = max(0, start - 40)
    return any(pattern.match(low, w.start(), start) for w in _WORD_START.finditer(low, lo, start))


def _public_or_historic(text: str, low: str, start: int, end: int, pc: PeopleConfig, own: OwnIndex,
                        cfg: DetectorConfig, named: bool = True, history: list | None = None) -> str | None:
    """Why this is not a private person: "public" (a role next to the name, "Cllr", "candidate"), "place"
    (a venue's or business's name), "history" (a historical figure), or None."""
    if _role_before(low, start, pc.roles_before) or pc.roles_after.match(low[end: end + 45]):
        return "public"
    if start > 0 and text[start - 1] in "'\"\u2018\u201c":
        return "persona"  # "the 'Suzy Smith' profile": a made-up name, not a resident
    if named:
        nxt = _CAP_WORD.match(text, end + 1) if end < len(text) and text[end] == " " else None
        if nxt and nxt.group().lower() in cfg.venue_words:  # "Jimmy's Farm", "Wolsey Theatre"
            return "place"
    if named and low.endswith("the ", 0, start) or _venue_named(low[max(0, start - 20): end + 25], own):
        return "place"  # "the Jade Lantern", "the Thomas Mills pupils": a business or a school
    if history is None:
        history = [m.start() for m in pc.history.finditer(low)]
    if any(start - 120 <= h <= end + 120 for h in history):
        return "history"
    return None


def people(text: str, own: OwnIndex, cfg: DetectorConfig, *, public: bool = False) -> list[Hit]:
    """Mentions of a private person, graded: a name or honorific is high, "your son" medium, "the resident"
    low (high at a house number). With ``public``, people in a public role are kept, as kind "public"."""
    pc = cfg.people
    if pc is None:
        return []
    low = _lower(text)
    hits: list[Hit] = []
    greeted = _GREETING.match(text)
    reply = False
    if greeted and (greeted.group(1) or greeted.group(3) is None):  # "Darren Platt, ..." is a full name
        name = greeted.group(2)
        if (greeted.group(1) and name.lower() not in cfg.name_stopwords and name.lower() not in _NOT_GREETED) \
                or _is_name(name, cfg):
            reply = True
            hits.append(Hit(greeted.start(2), greeted.end(2), "reply_name", HIGH, "a first name opening a reply"))
    if not reply:
        handle = _REPLY_HANDLE.match(text)
        if handle:
            reply = True
            hits.append(Hit(handle.start(), handle.end(), "reply_handle", MEDIUM, "a reply to someone's handle"))
    taken = [(h.start, h.end) for h in hits]
    history: list = []  # where historical words stand, found once, on first need

    def add(start, end, kind, level, note):
        if any(s < end and start < e for s, e in taken):
            return
        if not history:
            history.append([m.start() for m in pc.history.finditer(low)])
        why = _public_or_historic(text, low, start, end, pc, own, cfg, kind not in ("relation", "the_person"),
                                  history[0])
        if why == "public" and public:
            kind, note = "public", "a named member of staff or public figure"
        elif why:
            if why != "public":
                taken.append((start, end))  # "Dean Swift Motors": not "Dean" either
            return
        taken.append((start, end))
        hits.append(Hit(start, end, kind, level, note))

    if any(t in text for t in _HONORIFIC_GATE):
        for m in _HONORIFIC.finditer(text):
            if m.group().startswith("Dr") and m.start() > 1 and text[m.start() - 2].isalpha():
                continue  # "Mill Dr" is a street
            add(m.start(), m.end(), "honorific", HIGH, "a title and a name")
    caps = list(_CAP_NAME.finditer(text))  # one pass over the capitalised words serves pairs and single names
    names = cfg.first_names
    for m, nxt in zip(caps, caps[1:]):
        if m.end() != m.end(1) or nxt.start() - m.end() > 2 or text[m.end():nxt.start()] not in (" ", ". "):
            continue
        first, last = m.group(1), nxt.group(1)
        lw = last.lower()
        if first.lower() not in names and lw not in cfg.surnames and len(lw) > 1:
            continue  # the common case: two capitalised words that are not a name ("Christchurch Park")
        if lw in cfg.name_stopwords or lw in cfg.street_suffixes or lw in cfg.venue_words:
            continue
        if len(lw) == 1:  # "Shannon R": a first name and an initial
            if _is_name(first, cfg):
                add(m.start(1), nxt.end(1), "full_name", HIGH, "a first name and an initial")
        elif _is_name(first, cfg) or (lw in cfg.surnames and first.lower() not in cfg.name_stopwords):
            add(m.start(1), nxt.end(1), "full_name", HIGH, "a person's full name")
    for m in caps:
        word = m.group(1)
        after = text[m.end():m.end() + 2]
        if len(word) < 2 or (word.lower() not in names and after[:1] not in ",(" and after != " ("):
            continue  # not a first name, and no age after it
        age = _NAME_AGE.match(text, m.end()) if after[:1] in ",(" or after == " (" else None
        if age and word.lower() not in cfg.name_stopwords and int(age.group(1)) < 110:
            add(m.start(1), m.end(1), "first_name", HIGH, "a name with an age")  # "Kayden, 14,"
        elif _is_name(word, cfg) and not _signs_off(text, m.start(1), m.end(1)):
            # "Thanks for the tip, Karen!": the person being answered, not the one talked about
            spoken_to = _VOCATIVE.search(text, max(0, m.start() - 30), m.start()) or text.startswith(("!", "?"), m.end())
            add(m.start(1), m.end(1), "first_name", LOW if spoken_to else MEDIUM, "a first name")
    for m in _anchored(_RELATION, low, _RELATION_GATE):
        if pc.generic.search(low, max(0, m.start() - 30), m.start()):
            continue  # "if your child ...": advice for everyone
        named = _NAMED_AFTER.match(text, m.end())
        level = HIGH if reply or named else MEDIUM
        add(m.start(), m.end(), "relation", level, "a relative or child, named" if named else "a relative or a child of someone")
    for m in _anchored(_THE_PERSON, low, ("the ",)):
        add(m.start(), m.end(), "the_person", HIGH if m.group(1) else LOW,
            "a resident by house number" if m.group(1) else "a particular resident")
    for m in _CHILD_AGED.finditer(low) if "old " in low else ():
        if int(m.group(1)) < 18:  # "a 15-year-old girl from Farlingaye": a child, by age and more
            add(m.start(), m.end(), "relation", MEDIUM, "a child by age")
    return hits


_WORD_AT = re.compile(r"[a-z0-9]+")


def _circumstance_matches(low: str, pc: PeopleConfig, exhaustive: bool = False):
    """(start, end, kind) of every circumstance. Each kind is only tried where one of its triggers starts a
    word (a few dictionary look-ups a word) rather than searched for everywhere (hundreds of microseconds)."""
    if exhaustive or not pc.kind_patterns:
        for m in pc.circumstances.finditer(low):
            yield m.start(), m.end(), m.lastgroup
        return
    index, patterns, after = pc.trigger_index, pc.kind_patterns, {}
    for w in _WORD_AT.finditer(low):
        tok, pos = w.group(), w.start()
        if tok[0].isdigit():
            kinds = index.get("<number>", ())
        else:  # the whole word, then its first one to five letters as stems ("foste*")
            kinds = index.get(tok, ())
            for k in range(1, min(5, len(tok)) + 1):
                kinds += index.get(tok[:k] + "*", ())
        for kind in kinds:
            if after.get(kind, -1) > pos:
                continue  # inside this kind's previous match
            m = patterns[kind].match(low, pos)
            if m and m.end() > pos:
                after[kind] = m.end()
                yield pos, m.end(), kind


def _circumstances(text: str, low: str, own: OwnIndex, cfg: DetectorConfig,
                   exhaustive: bool = False) -> list[tuple[int, int, str]]:
    pc = cfg.people
    out = []
    for s, e, kind in _circumstance_matches(low, pc, exhaustive):
        if _SERVICE_AFTER.match(low, e):
            continue  # "the home care team", "mental health services": a service, not someone's circumstance
        if kind not in ("age", "school", "school_weak", "address") and text[s].isupper():
            # "Adult Social Care", "Mental Health Team": a service's name, not someone's circumstance
            prev = text[max(0, s - 25): s].rstrip().rsplit(" ", 1)[-1]
            nxt = _CAP_WORD.match(text, e + 1) if e < len(text) and text[e] == " " else None
            if (prev[:1].isupper() and s > 0 and text[s - 1] == " ") or nxt:
                continue
        if pc.generic_before is not None and pc.generic_before.search(low, max(0, s - 60), s):
            continue  # "how many children are waiting for an EHCP": figures, not a person
        out.append((s, e, kind))
    if pc.circumstances_cs is not None:
        out += [(m.start(), m.end(), "sen") for m in pc.circumstances_cs.finditer(text)
                if not _SERVICE_AFTER.match(low, m.end())
                and not (pc.generic_before is not None and pc.generic_before.search(low, max(0, m.start() - 60), m.start()))]
    if cfg.address_re is not None:
        out += [(h.start, h.end, "address") for h in addresses(text, own, cfg)]
    out += [(h.start, h.end, "address") for h in postcodes(text, own, cfg)]
    return out


def person_circumstances(text: str, own: OwnIndex, cfg: DetectorConfig, *, exhaustive: bool = False) -> list[Hit]:
    """A private person together with a sensitive circumstance nearby (personal data, item 2).
    ``exhaustive`` searches for circumstances everywhere instead of at their triggers (for tests)."""
    pc = cfg.people
    if pc is None:
        return []
    persons = people(text, own, cfg, public=True)
    if not persons:
        return []
    low = _lower(text)
    circs = _circumstances(text, low, own, cfg, exhaustive)
    second_person = "you" in low
    used: set[tuple[int, int]] = set()
    out = []
    for p in sorted(persons, key=lambda h: -h.level):
        lo, hi = max(0, p.start - pc.window // 2), min(len(text), p.end + pc.window)
        if p.kind in ("reply_name", "reply_handle") and second_person:
            lo, hi = 0, min(len(text), p.end + pc.window + 40)  # a reply is about the person it answers
        para = text.rfind("\n\n", lo, p.start)
        if para >= 0:
            lo = para
        para = text.find("\n\n", p.end, hi)
        if para >= 0:
            hi = para
        near = [c for c in circs if lo <= c[0] < hi and not (c[0] < p.end and p.start < c[1])]
        if p.kind in ("reply_name", "reply_handle") and not second_person:
            near = []  # "Kayden, 14, ...": not a reply after all, so only the age after the name counts
        if p.kind == "public":
            near = [c for c in near if c[2] in pc.public_kinds]
        age = _NAME_AGE.match(text, p.end)
        if age and int(age.group(1)) < 110:
            near.append((age.start(1), age.end(1), "age"))
        if p.note == "a child by age":
            near.append((p.start, p.end, "age"))
        if not near:
            continue
        # a weak circumstance ("school") counts for a named child or one known by age: "your son Jack's school"
        childish = p.note in ("a relative or child, named", "a child by age") or any(c[2] == "age" for c in near)
        strong = [c for c in near if childish or not c[2].endswith("_weak")]
        kinds = {c[2].removesuffix("_weak") for c in near}
        if not strong and len(kinds) < 2:
            continue
        chosen = sorted(strong or near, key=lambda c: abs(c[0] - p.end))[:3]
        if any((c[0], c[1]) in used for c in chosen):
            continue  # one finding for one set of circumstances: "Hi Sharon, your son ..." is one problem
        used.update((c[0], c[1]) for c in chosen)
        strong_kinds = {c[2] for c in strong if not c[2].endswith("_weak")}
        # "the resident has rent arrears": a case, so worth a check; "the man was injured" is an incident
        if p.kind == "the_person":
            case = low[p.start:p.end].split()[-1] in _CASE_PEOPLE and not strong_kinds.isdisjoint(_CASE_KINDS)
            bump = len(strong_kinds) >= 2 or case
        else:
            bump = len(kinds) >= 2
        level = min(HIGH, p.level + (1 if bump else 0))
        label = pc.labels.get(chosen[0][2], chosen[0][2])
        out.append(Hit(p.start, p.end, "person_circumstance", level, f"{p.note} with {label}",
                       ((p.start, p.end, p.note),) + tuple((s, e, pc.labels.get(k, k)) for s, e, k in chosen)))
    return out


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
