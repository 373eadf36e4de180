"""What every detector shares: the graded ``Hit``, the configuration the pack passes in, the organisation's
published contacts (``OwnIndex``), and offset-keeping text helpers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple



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


def _venue_named(low_window: str, own: OwnIndex) -> bool:
    """Does this stretch of (lower-cased) text name one of the published public venues?"""
    if not own.venues:
        return False
    norm = _norm_place(low_window)
    return any(v in norm for v in own.venues)
