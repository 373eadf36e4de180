"""Run a compiled pack's rules over one text. Returns raw findings; checker.py builds the result.

Order of work, cheapest first: lower-case once, split into a set of words, let the
trigger index say which pattern rules could match and where, then try them only
there. The UK detectors run at most once each per text, and only when a cheap gate
says they could find something (enough digits, an "@", a street word).
"""
from __future__ import annotations

from typing import NamedTuple

from policy import detectors as det
from policy.check_pack import Pack, Rule, SEVERITIES
from policy.check_words import Tokens

MAX_PER_RULE = 5  # one finding per occurrence, but a post full of swearing needs only a few


class RawFinding(NamedTuple):
    category: str
    severity: str
    section: str
    message: str
    span: tuple[int, int] | None


def lower_same_length(text: str) -> str:
    """Lower-case without moving offsets (a few characters grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class _Scan:
    """Per-text working state. Lives for one check() call, then is dropped."""

    __slots__ = ("pack", "text", "low", "own", "cfg", "ndigits", "tokens", "words", "mixed", "numbers", "hits")

    def __init__(self, pack: Pack, text: str, low: str, own: det.OwnIndex, tokens: Tokens):
        self.pack, self.text, self.low, self.own = pack, text, low, own
        self.cfg = pack.detector_config
        self.ndigits = det.count_digits(text)
        self.tokens = tokens
        self.words = tokens.words
        self.mixed = tokens.mixed
        self.numbers = tokens.numbers
        self.hits: dict[str, list[det.Hit]] = {}

    def detect(self, name: str) -> list[det.Hit]:
        found = self.hits.get(name)
        if found is None:
            fn, gate = det.DETECTORS[name]
            found = fn(self.text, self.own, self.cfg) if gate(self) else []
            self.hits[name] = found
        return found

    def context(self, name: str, start: int, end: int, window: int) -> bool:
        ctx = self.pack.contexts[name]
        window = ctx.window or window
        # "before": the words leading up to the match; "after": those following it.
        lo = end if ctx.side == "after" else max(0, start - window)
        hi = start if ctx.side == "before" else min(len(self.text), end + window)
        if ctx.detector:
            return any(h.start < hi and lo < h.end for h in self.detect(ctx.detector))
        src = self.text if ctx.case_sensitive else self.low
        return ctx.pattern.search(src, lo, hi) is not None

    def pattern_spans(self, rule: Rule, anchors: list[int] | None) -> list[tuple[int, int]]:
        src = self.text if rule.case_sensitive else self.low
        if anchors is None:
            return [m.span() for m in rule.pattern.finditer(src) if m.end() > m.start()]
        out, after = [], 0
        match = rule.pattern.match
        for pos in anchors:  # try only where a trigger word starts; non-overlapping like finditer
            if pos >= after:
                m = match(src, pos)
                if m and m.end() > pos:
                    out.append((pos, m.end()))
                    after = m.end()
        return out


def evaluate(pack: Pack, text: str, profile: str, has_image: bool, own: det.OwnIndex,
             only_category: str | None = None, exhaustive: bool = False) -> list[RawFinding]:
    """Findings for one text. ``exhaustive`` ignores the triggers and searches every
    pattern in full (tests use it to prove the triggers never hide a match)."""
    low = lower_same_length(text).replace("\u2019", "'")  # curly apostrophes from phones
    tokens = Tokens(low)
    scan = _Scan(pack, text, low, own, tokens)
    plan = pack.plan[profile]

    def wanted(rule: Rule) -> bool:
        return (has_image or not rule.image) and (only_category is None or rule.category == only_category)

    found: list[tuple[int, Rule, list[tuple[int, int]]]] = []  # (rule index, rule, spans)
    if exhaustive:
        for i, rule in plan.everything:
            if rule.pattern is not None and wanted(rule):
                found.append((i, rule, scan.pattern_spans(rule, None)))
    else:
        rules = pack.rules
        for i, positions in pack.index[profile].anchors(tokens).items():
            rule = rules[i]
            if wanted(rule):
                found.append((i, rule, scan.pattern_spans(rule, positions)))
        for i, rule in plan.full_search:
            if wanted(rule):
                found.append((i, rule, scan.pattern_spans(rule, None)))
    for i, rule in plan.words:
        if wanted(rule):
            found.append((i, rule, rule.words.find(tokens)))
    for name, rules_for in plan.detectors.items():
        mine = [(i, rule) for i, rule in rules_for if wanted(rule)]
        hits = scan.detect(name) if mine else None
        if hits:
            spans = [(h.start, h.end) for h in hits]
            found.extend((i, rule, spans) for i, rule in mine)
    found.sort(key=lambda f: f[0])  # pack order: earlier rules win ties in _dedupe
    out: list[RawFinding] = []
    for _, rule, spans in found:
        if spans:
            _add(out, scan, rule, profile, spans)
    return _dedupe(out)


def _add(out: list[RawFinding], scan: _Scan, rule: Rule, profile: str, spans) -> None:
    n = 0
    for start, end in spans:
        if any(not scan.context(c, start, end, rule.window) for c in rule.near):
            continue
        if any(scan.context(c, start, end, rule.window) for c in rule.not_near):
            continue
        section = rule.section[profile]
        out.append(RawFinding(rule.category, rule.severity[profile], section,
                              rule.message[profile].format(section=section), (start, end)))
        n += 1
        if n >= MAX_PER_RULE:
            break


def _dedupe(findings: list[RawFinding]) -> list[RawFinding]:
    """Keep the findings a person needs to act on, once each.

    - A finding whose span overlaps an earlier one of the same category goes: an
      address and the postcode inside it are one problem. Rules earlier in the pack win.
    - sign_off and advice concern the whole post, so one finding per category is
      enough; every stop finding stays, since each occurrence has to come out.
    """
    kept: list[RawFinding] = []
    whole_post: set[str] = set()
    for f in findings:
        if f.severity != "stop":
            if f.category in whole_post:
                continue
            whole_post.add(f.category)
        s = f.span
        if any(k.category == f.category and k.span and s and k.span[0] < s[1] and s[0] < k.span[1]
               for k in kept):
            continue
        kept.append(f)
    return kept


def rank(severity: str) -> int:
    return SEVERITIES.get(severity, 0)
