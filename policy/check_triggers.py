"""Decide cheaply which pattern rules to try, and where.

Python's regex engine is slow at scanning 280 characters for a long alternation
(30-90 microseconds a pattern), but quick at trying a match at a known position
(about one microsecond). So each pattern rule lists its *triggers*: the words a
match can start with. One pass over the text's words finds every position where
some rule's trigger stands, and the rule's pattern is only tried there.

Trigger forms in the pack:
- "word"      the whole word, any case
- "stem*"     any word starting with the stem (at least 3 letters)
- "<number>"  any run of digits ("4 firefighters on board")
- anything else ("©", "#ad", "ghp_") is looked for as a substring
A pattern rule without triggers is searched in full every time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policy.check_words import Tokens

WORD_TRIGGER = re.compile(r"[a-z0-9]+")
STEM_TRIGGER = re.compile(r"[a-z0-9]{3,}\*")
NUMBER_TRIGGER = "<number>"


def trigger_problem(trigger: str) -> str | None:
    """Why a trigger is unusable, or None."""
    if trigger.endswith("*") and not STEM_TRIGGER.fullmatch(trigger):
        return f"stem trigger {trigger!r} needs at least 3 letters or digits before the '*'"
    if trigger != trigger.lower():
        return f"trigger {trigger!r} must be lower case (the text is lower-cased first)"
    return None


@dataclass
class TriggerIndex:
    exact: dict[str, list[int]] = field(default_factory=dict)
    stems: dict[str, list[tuple[str, list[int]]]] = field(default_factory=dict)  # first 3 -> stems
    number: list[int] = field(default_factory=list)
    raw: list[tuple[str, int]] = field(default_factory=list)
    unanchored: list[int] = field(default_factory=list)  # full search: no triggers, words, detectors

    def add(self, rule: int, triggers: tuple[str, ...]) -> None:
        if not triggers:
            self.unanchored.append(rule)
            return
        for t in triggers:
            if t == NUMBER_TRIGGER:
                self.number.append(rule)
            elif STEM_TRIGGER.fullmatch(t):
                stem = t[:-1]
                bucket = self.stems.setdefault(stem[:3], [])
                for s, ids in bucket:
                    if s == stem:
                        ids.append(rule)
                        break
                else:
                    bucket.append((stem, [rule]))
            elif WORD_TRIGGER.fullmatch(t):
                self.exact.setdefault(t, []).append(rule)
            else:
                self.raw.append((t, rule))

    def all_rules(self) -> list[int]:
        every = set(self.unanchored) | set(self.number) | {i for _, i in self.raw}
        every |= {i for ids in self.exact.values() for i in ids}
        every |= {i for bucket in self.stems.values() for _, ids in bucket for i in ids}
        return sorted(every)

    def anchors(self, tokens: "Tokens") -> dict[int, list[int]]:
        """rule -> ascending positions where one of its triggers starts.

        Set intersections find the trigger words present; only those are located in
        the text, so a clean post costs a few set operations.
        """
        words = tokens.words
        hit_words = words.intersection(self.exact)
        for k in tokens.first3.intersection(self.stems):
            for stem, _ in self.stems[k]:
                hit_words.update(w for w in tokens.starting(k) if w.startswith(stem))
        if not hit_words and not self.raw and not self.number:
            return {}
        found: dict[int, list[int]] = {}
        exact, stems = self.exact, self.stems
        for w in hit_words:
            positions = tokens.positions(w)
            for i in exact.get(w, ()):
                found.setdefault(i, []).extend(positions)
            for stem, ids in stems.get(w[:3], ()):
                if w.startswith(stem):
                    for i in ids:
                        found.setdefault(i, []).extend(positions)
        if self.number:
            positions = [p for w in tokens.numbers for p in tokens.positions(w)]
            if positions:
                for i in self.number:
                    found.setdefault(i, []).extend(positions)
        low = tokens.low
        for s, i in self.raw:
            at = low.find(s)
            while at >= 0:
                found.setdefault(i, []).append(at)
                at = low.find(s, at + 1)
        for positions in found.values():
            positions.sort()
        return found
