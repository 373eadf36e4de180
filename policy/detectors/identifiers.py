"""Identifiers with a shape of their own: email addresses, National Insurance and NHS numbers (with their
checks), number plates, dates of birth, and tokens that read as passwords."""
from __future__ import annotations

import re

from policy.detectors.model import HIGH, LOW, MEDIUM, DetectorConfig, Hit, OwnIndex, _lower


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
