"""Whole-word matching against the pack's word lists (profanity, slurs).

A word list file has one entry a line; "#" starts a comment. An entry is
- a word, matched whole and case-insensitively ("twat" never matches "Twatt");
- a stem ending in "*", matching the word with any ending ("fuck*" matches "fucking");
- a phrase of several words ("sod off"), separated by spaces or hyphens in the text.

The allow list (place names, surnames, ordinary words) is checked first: a hit
that overlaps an allowed phrase is dropped, so "Scunthorpe", "Cockfield" and
"Penistone" are never swearing. Masked forms ("f**k", "sh!t", "b*llocks") are
matched letter by letter against the same entries.

Speed: the text's tokens are checked against sets first; the regexes that give
spans only run when a token already hit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TOKEN = re.compile(r"[a-z0-9]+")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_MASKED_TOKEN = re.compile(r"[a-z0-9*!@$#|]+")
_MASK_SYMBOLS = "*!@$#|"
_WILDCARDS = frozenset("*#")
_LEET = {"!": "i", "1": "i", "|": "i", "@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "3": "e"}
# Endings tried when a stem is compared with a masked token ("f**king").
_STEM_ENDINGS = ("", "s", "ed", "er", "ers", "in", "ing", "y", "head", "heads")


class Tokens:
    """The words of one lower-cased text, split once and shared by every matcher."""

    __slots__ = ("low", "words", "first3", "mixed", "numbers", "_by3", "_masked")

    def __init__(self, low: str):
        self.low = low
        self.words = words = set(TOKEN.findall(low))
        # Stems ("fuck*", "clos*") are indexed by their first three letters, so a set
        # intersection with the words' first three letters finds the few to compare.
        self.first3 = {w[:3] for w in words}
        not_alpha = [w for w in words if not w.isalpha()]
        self.numbers = [w for w in not_alpha if w.isdigit()]  # "14", "2024", "07911"
        self.mixed = [w for w in not_alpha if not w.isdigit()]  # "a14", "ab12", "ip1", "sh1t", "10am"
        self._by3: dict[str, list[str]] | None = None
        self._masked: bool | None = None

    def starting(self, first3: str) -> list[str]:
        """The words that start with these three letters (grouped once, on first use)."""
        by3 = self._by3
        if by3 is None:
            by3 = self._by3 = {}
            for w in self.words:
                by3.setdefault(w[:3], []).append(w)
        return by3.get(first3, [])

    def positions(self, word: str) -> list[int]:
        """Where ``word`` stands as a whole token (str.find: no regex built from the text)."""
        low, n, out = self.low, len(word), []
        i = low.find(word)
        while i >= 0:
            if (i == 0 or low[i - 1] not in _WORD_CHARS) and (i + n == len(low) or low[i + n] not in _WORD_CHARS):
                out.append(i)
            i = low.find(word, i + 1)
        return out

    @property
    def maybe_masked(self) -> bool:
        """Could the text hold a masked word ("f**k", "sh!t", "sh1t")? Cheap checks only."""
        if self._masked is None:
            self._masked = self._look_for_masks()
        return self._masked

    def _look_for_masks(self) -> bool:
        low, n = self.low, len(self.low)
        for ch in _MASK_SYMBOLS:
            i = low.find(ch)
            while i >= 0:
                before = low[i - 1] if i else " "
                after = low[i + 1] if i + 1 < n else " "
                if (before.isalpha() or before == "*") and (after.isalpha() or after in _MASK_SYMBOLS):
                    if ch != "@" or not _is_email_at(low, i):
                        return True
                i = low.find(ch, i + 1)
        # leet digits between letters: "sh1t", "c0ck" (but not "10am" or "a14")
        for w in self.mixed:
            for i in range(1, len(w) - 1):
                if w[i] in "0134" and w[i - 1].isalpha() and w[i + 1].isalpha():
                    return True
        return False


def _is_email_at(low: str, i: int) -> bool:
    """Is the "@" at i part of an email address ("x@suffolk.gov.uk"), not "tw@t"?"""
    j, n = i + 1, len(low)
    while j < n and low[j] in _WORD_CHARS or (j < n and low[j] == "-"):
        j += 1
    return j + 1 < n and low[j] == "." and low[j + 1].isalpha()


class WordListError(ValueError):
    pass


def read_word_file(path: Path) -> list[str]:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WordListError(f"cannot read word list: {exc.strerror or exc}") from None
    entries = []
    for n, line in enumerate(raw.splitlines(), 1):
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        if not re.fullmatch(r"[a-z0-9'][a-z0-9' -]*\*?", entry):
            raise WordListError(f"line {n}: {entry!r} is not a word, a stem ending in '*' or a phrase")
        entries.append(entry)
    return entries


def _phrase_regex(words: list[str]) -> str:
    return r"[\s\-_]+".join(re.escape(w) for w in words)


@dataclass
class WordMatcher:
    exact: frozenset[str]
    stems: dict[str, tuple[str, ...]]  # first 3 letters -> stems
    phrase_heads: frozenset[str]  # first word of each phrase
    regex: re.Pattern  # gives spans once a token has hit
    masked: dict[tuple[str, int], tuple[str, ...]]  # (first letter, length) -> full forms
    allow: "WordMatcher | None" = None

    @classmethod
    def build(cls, entries: list[str], allow: list[str] | None = None) -> "WordMatcher":
        exact, stems, heads, alts, forms = set(), {}, set(), [], set()
        for e in entries:
            words = e.replace("-", " ").split()
            if len(words) > 1:
                heads.add(words[0].rstrip("*"))
                alts.append(_phrase_regex(words))
            elif e.endswith("*"):
                stem = e[:-1]
                stems.setdefault(stem[:3], []).append(stem)
                alts.append(re.escape(stem) + r"[a-z]*")
                forms.update(stem + end for end in _STEM_ENDINGS)
            else:
                exact.add(e)
                alts.append(re.escape(e))
                forms.add(e)
        masked: dict[tuple[str, int], list[str]] = {}
        for f in forms:
            if f.isalpha():
                masked.setdefault((f[0], len(f)), []).append(f)
        alts.sort(key=len, reverse=True)
        regex = re.compile(r"(?<![a-z0-9])(?:" + ("|".join(alts) or "(?!)") + r")(?![a-z0-9])")
        return cls(
            exact=frozenset(exact),
            stems={k: tuple(v) for k, v in stems.items()},
            phrase_heads=frozenset(heads),
            regex=regex,
            masked={k: tuple(v) for k, v in masked.items()},
            allow=cls.build(allow) if allow else None,
        )

    def _token_hit(self, tokens: Tokens) -> bool:
        words = tokens.words
        if not words.isdisjoint(self.exact) or not words.isdisjoint(self.phrase_heads):
            return True
        for k in tokens.first3.intersection(self.stems):
            stems = self.stems[k]
            if any(w.startswith(s) for w in tokens.starting(k) for s in stems):
                return True
        return False

    def _masked_hits(self, low: str) -> list[tuple[int, int]]:
        out = []
        for m in _MASKED_TOKEN.finditer(low):
            tok, start = m.group(), m.start()
            if tok.isalpha() or tok.isdigit():
                continue  # plain words are the exact matcher's job
            while tok and tok[0] in "#!":  # hashtags, "!!f**k"
                tok, start = tok[1:], start + 1
            tok = tok.rstrip("!")
            if len(tok) < 3 or not tok[0].isalpha() or tok.isalpha():
                continue
            for form in self.masked.get((tok[0], len(tok)), ()):
                if all(c == f or c in _WILDCARDS or _LEET.get(c) == f for c, f in zip(tok, form)):
                    out.append((start, start + len(tok)))
                    break
        return out

    def find(self, tokens: Tokens) -> list[tuple[int, int]]:
        """Spans of list entries in the lower-cased text, allow list applied."""
        low = tokens.low
        spans = [m.span() for m in self.regex.finditer(low)] if self._token_hit(tokens) else []
        if tokens.maybe_masked:
            spans += self._masked_hits(low)
        if spans and self.allow is not None:
            allowed = self.allow.find(tokens)
            if allowed:
                spans = [s for s in spans if not any(s[0] < a[1] and a[0] < s[1] for a in allowed)]
        return spans
