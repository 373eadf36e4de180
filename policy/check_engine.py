"""Run a compiled pack's rules over one text. Returns raw findings; checker.py builds the result.

Order of work, cheapest first: lower-case once, split into a set of words, let the
trigger index say which pattern rules could match and where, then try them only
there. The UK detectors run at most once each per text, and only when a cheap gate
says they could find something (enough digits, an "@", a street word).

Every match is graded, the way data-loss-prevention tools grade sensitive information:
the detector's own level (a pattern that passes its check counts for more than a
shape), raised by each supporting context within the rule's window ("call", "ring",
a named person next to a phone number) and lowered by each weakening one (an
organisation's switchboard). The level (high, medium, low) picks the severity from
the rule's bands: typically high is the category's stop, medium gets sign-off, low
says nothing. A finding carries its confidence and its evidence: what matched and
which words supported or weakened it, as spans and plain labels, never copies of
the text.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

from policy import detectors as det
from policy.check_pack import Pack, Rule, SEVERITIES
from policy.check_words import Tokens

MAX_PER_RULE = 5  # one finding per occurrence, but a post full of swearing needs only a few
MAX_QUIET = 50  # matches below every band, kept as evidence for the learned layer: a junk post must not cost more


class _Fields(NamedTuple):
    category: str
    severity: str
    section: str
    message: str
    span: tuple[int, int] | None


class RawFinding(_Fields):
    """The five public fields of a finding (it unpacks as them: ``Finding(*raw)``), plus how sure the checker
    is and why: ``confidence`` ("high", "medium", "low" or None for findings from state) and ``evidence``, a
    tuple of (label, start, end) with the match first and then each supporting or weakening word."""

    confidence: str | None = None
    evidence: tuple[tuple[str, int, int], ...] = ()
    rule: str | None = None  # the id of the rule that made it (None for findings from state or the image)

    def __new__(cls, category, severity, section, message, span, confidence=None, evidence=(), rule=None):
        self = _Fields.__new__(cls, category, severity, section, message, span)
        if confidence is not None:
            self.confidence = confidence
        if evidence:
            self.evidence = evidence
        if rule is not None:
            self.rule = rule
        return self

    @property
    def confidence_score(self) -> float | None:
        """The band as a number (0-1): where in its band a finding sits depends on how many words
        supported it and how many weakened it. None for findings from state or the image."""
        return band_confidence(self.confidence, self.evidence) if self.confidence is not None else None

    def evidence_dicts(self) -> list[dict]:
        """The evidence as JSON-ready items: [{"what": "a UK mobile number", "span": [12, 24]}, ...]."""
        return [{"what": label, "span": [s, e]} for label, s, e in self.evidence]


# How sure each band is, as a number: (lowest, base, highest). Each supporting word moves a finding up
# within its band and each weakening one down, never out of it; the band itself is the rules' judgement.
BAND_SCORES = {"high": (0.80, 0.85, 0.97), "medium": (0.50, 0.60, 0.75), "low": (0.20, 0.35, 0.45)}
_STEP = 0.04


def band_confidence(band: str, evidence: tuple[tuple[str, int, int], ...] = ()) -> float:
    lo, base, hi = BAND_SCORES[band]
    against = sum(1 for label, _, _ in evidence[1:] if label.startswith("against:"))
    support = len(evidence[1:]) - against
    return round(min(hi, max(lo, base + _STEP * min(support, 3) - _STEP * min(against, 3))), 3)


def lower_same_length(text: str) -> str:
    """Lower-case without moving offsets (a few characters grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@functools.lru_cache(maxsize=32)
def _with_published(published: det.OwnIndex, own: det.OwnIndex) -> det.OwnIndex:
    # Caches the organisation's details (a handful per deployment), never checked text.
    return det.merge_own(published, own)


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

    def context(self, name: str, start: int, end: int, window: int) -> tuple[int, int] | None:
        """Where the context holds near text[start:end], or None."""
        ctx = self.pack.contexts[name]
        window = ctx.window or window
        # "before": the words leading up to the match; "after": those following it.
        lo = end if ctx.side == "after" else max(0, start - window)
        hi = start if ctx.side == "before" else min(len(self.text), end + window)
        if ctx.detector:
            for h in self.detect(ctx.detector):
                if h.start < hi and lo < h.end and not (h.start == start and h.end == end):
                    return h.start, h.end
            return None
        src = self.text if ctx.case_sensitive else self.low
        m = ctx.pattern.search(src, lo, hi)
        return m.span() if m else None

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
             only_category: str | None = None, exhaustive: bool = False,
             quiet: list[RawFinding] | None = None) -> list[RawFinding]:
    """Findings for one text. ``exhaustive`` ignores the triggers and searches every
    pattern in full (tests use it to prove the triggers never hide a match). The pack's
    published contacts and venues are added to the organisation's own (``own``).

    ``quiet``, when given, receives the matches whose band says nothing (a mistyped number
    with no supporting words, a code shape without its frame), with severity "none": the
    learned layer weighs them as evidence even though the rules alone would not flag them."""
    low = lower_same_length(text).replace("\u2019", "'")  # curly apostrophes from phones
    tokens = Tokens(low)
    scan = _Scan(pack, text, low, _with_published(pack.published, own), tokens)
    plan = pack.plan[profile]

    def wanted(rule: Rule) -> bool:
        return (has_image or not rule.image) and (only_category is None or rule.category == only_category)

    found: list[tuple[int, Rule, list]] = []  # (rule index, rule, spans or hits)
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
            found.append((i, rule, _masked(rule, tokens) if rule.masked_only else rule.words.find(tokens)))
    for name, rules_for in plan.detectors.items():
        mine = [(i, rule) for i, rule in rules_for if wanted(rule)]
        hits = scan.detect(name) if mine else None
        if hits:
            found.extend((i, rule, hits) for i, rule in mine)
    found.sort(key=lambda f: f[0])  # pack order: earlier rules win ties in _dedupe
    out: list[RawFinding] = []
    for _, rule, spans in found:
        if spans:
            _add(out, scan, rule, profile, spans, quiet)
    return _dedupe(out)


def _masked(rule: Rule, tokens: Tokens) -> list[tuple[int, int]]:
    """Only the masked forms of a word list ("c*ck", "pr!ck"): nobody masks a rooster."""
    if not tokens.maybe_masked:
        return []
    spans = rule.words._masked_hits(tokens.low)
    allow = rule.words.allow
    if spans and allow is not None:
        allowed = allow.find(tokens)
        spans = [s for s in spans if not any(s[0] < a[1] and a[0] < s[1] for a in allowed)]
    return spans


def _add(out: list[RawFinding], scan: _Scan, rule: Rule, profile: str, spans,
         quiet: list[RawFinding] | None = None) -> None:
    n = 0
    for item in spans:
        start, end = item[0], item[1]
        if any(scan.context(c, start, end, rule.window) is None for c in rule.near):
            continue
        if any(scan.context(c, start, end, rule.window) is not None for c in rule.not_near):
            continue
        if isinstance(item, det.Hit):
            level, label, cues = item.level, item.note or rule.label or item.kind, item.cues
        else:
            level, label, cues = rule.confidence, rule.label or rule.id, ()
        evidence = [(label, start, end)] + [(c[2], c[0], c[1]) for c in cues if (c[0], c[1]) != (start, end)]
        for names, sign in ((rule.support, 1), (rule.weaken, -1)):
            for c in names:
                got = scan.context(c, start, end, rule.window)
                if got is not None:
                    ctx = scan.pack.contexts[c]
                    level += sign * ctx.weight
                    evidence.append((ctx.label if sign > 0 else f"against: {ctx.label}", got[0], got[1]))
        level = max(det.LOW, min(det.HIGH, level))
        severity = rule.severity_at(level, profile)
        section = rule.section[profile]
        if severity is None:
            if quiet is not None and len(quiet) < MAX_QUIET:
                quiet.append(RawFinding(rule.category, "none", section, "", (start, end), det.LEVEL_NAMES[level],
                                        tuple(evidence), rule.id))
            continue
        template = rule.message_medium if level < det.HIGH and rule.message_medium else rule.message
        out.append(RawFinding(rule.category, severity, section, template[profile].format(section=section),
                              (start, end), det.LEVEL_NAMES[level], tuple(evidence), rule.id))
        n += 1
        if n >= MAX_PER_RULE:
            break


def _dedupe(findings: list[RawFinding]) -> list[RawFinding]:
    """Keep the findings a person needs to act on, once each.

    - A finding whose span overlaps a more severe or earlier one of the same category
      goes: an address and the postcode inside it are one problem. The most severe
      wins, then the rule earlier in the pack.
    - sign_off and advice concern the whole post, so one finding per category is
      enough; every stop finding stays, since each occurrence has to come out.
    """
    kept: list[RawFinding] = []
    whole_post: set[str] = set()
    for f in sorted(findings, key=lambda f: -rank(f.severity)):  # stable: pack order within a severity
        s = f.span
        if any(k.category == f.category and k.span and s and k.span[0] < s[1] and s[0] < k.span[1]
               for k in kept):
            continue
        if f.severity != "stop":
            if f.category in whole_post:
                continue
            whole_post.add(f.category)
        kept.append(f)
    return kept


def rank(severity: str) -> int:
    return SEVERITIES.get(severity, 0)
