"""Phone numbers, read against the UK number plan: valid mobiles high, landlines medium, mistyped or
spelled-out numbers low (supporting words nearby can still make them count)."""
from __future__ import annotations

import re

import phonenumbers

from policy.detectors.model import HIGH, LOW, MEDIUM, DetectorConfig, Hit, OwnIndex, _digits, _lower


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
