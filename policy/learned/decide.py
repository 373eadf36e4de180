"""The rule findings and the learned scores together: which findings the checker reports, at what severity."""
from __future__ import annotations

import math
from typing import NamedTuple

from policy.learned.categories import Category

# Which learned stop findings the report bar applies to (tools/train_checker.py chooses one out of fold and
# model.json names it): "own", the learned layer's findings no rule found; "all", those with a rule's words too.
REPORT_SCOPES = ("own", "all")


class Decision(NamedTuple):
    """What the checker reports for one finding: the category, its severity, how sure, and where it came from.

    ``rule`` is the rule finding it keeps (its span and evidence), or None for the learned layer's own
    finding; ``why`` is "learned" (the score reached the threshold), "override" (a hard override: a validated
    identifier stops whatever the score), "verdict" (the verdict head said stop where no stop category was
    sure enough) or "rules" (a category the learned layer does not judge for this profile: the rules' finding
    stands as it is)."""

    category: str
    severity: str
    confidence: float
    rule: object | None
    why: str


def decide(categories: dict[str, Category], judged: dict[str, float], flagged: dict[str, float],
           found: list, escalate: tuple[str, float] | None = None, cleared: bool = False,
           report: dict[str, float] | None = None, report_scope: str = "own") -> list[Decision]:
    """Combine the rule findings (``found``, from the rule engine: findings with a severity, not the quiet
    matches) with the learned scores: ``judged`` is every category the learned layer judges for this profile
    and its probability, ``flagged`` those at or above their threshold.

    - A judged category that is flagged: each of its rule findings at the category's severity (a medium-band
      finding that asked for sign-off stops if the category is a stop one); none, the learned layer's own.
    - A judged category that is not flagged: its rule findings are dropped, except the hard overrides.
    - A category not judged (not learned, or not for this profile): the rule findings as they are.
    - ``escalate`` (a stop category and the verdict head's probability, from Scored.escalation): when nothing
      above stops the post, it stops under that category, keeping that category's rule finding if there is one.
    - ``cleared`` (the verdict head reads the whole post as fine, Scored.cleared): only advice, the rules'
      findings for categories not judged and the hard overrides stand.
    - ``report`` (a stop category's second, stricter bar: its best F1 cut rather than the recall-weighted one
      that flags it): a learned stop finding below it is left out when another stop stands, and of several such
      findings with nothing else stopping the post only the one nearest its bar is kept. The verdict never
      changes; the person is told the one reason the checker is sure of, not three it half suspects.

    Pure: tools/train_checker.py calls it with out-of-fold scores to measure the method it ships."""
    out: list[Decision] = []
    covered: set[str] = set()
    for f in found:
        cat = f.category
        if cat not in judged:
            out.append(Decision(cat, f.severity, f.confidence_score or 1.0, f, "rules"))
        elif cat in flagged:
            out.append(Decision(cat, categories[cat].severity, flagged[cat], f, "learned"))
            covered.add(cat)
        elif any(o.holds(f) for o in categories[cat].always_stop):
            out.append(Decision(cat, "stop", max(judged[cat], f.confidence_score), f, "override"))
    for cat, p in flagged.items():
        if cat not in covered:
            out.append(Decision(cat, categories[cat].severity, p, None, "learned"))
    if escalate is not None and not any(d.severity == "stop" for d in out):
        cat, p = escalate
        rule = next((f for f in found if f.category == cat), None)
        out.append(Decision(cat, "stop", p, rule, "verdict"))
    if cleared:  # advice (a request for information) never holds a post: it stays
        out = [d for d in out if d.why in ("rules", "override") or d.severity == "advice"]
    return out if not report else _reported(out, report, report_scope)


def _margin(d: Decision, bar: float) -> float:
    """How far a finding's confidence is above (or below) its bar, in log-odds."""
    def logit(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return math.log(p / (1 - p))
    return logit(d.confidence) - logit(bar)


def _reported(out: list[Decision], report: dict[str, float], scope: str) -> list[Decision]:
    """The findings less the weak learned stops (decide's ``report``): never the post's last stop."""
    def weak(d: Decision) -> bool:
        return (d.why == "learned" and d.severity == "stop" and d.category in report
                and (d.rule is None or scope == "all") and d.confidence < report[d.category])
    weak_ones = [d for d in out if weak(d)]
    if not weak_ones:
        return out
    if any(d.severity == "stop" and not weak(d) for d in out):
        keep = None
    else:
        keep = max(weak_ones, key=lambda d: _margin(d, report[d.category]))
    return [d for d in out if not weak(d) or d is keep]
