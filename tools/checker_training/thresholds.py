"""Each category's threshold and the verdict head's two, chosen on out-of-fold scores."""
from __future__ import annotations

import numpy as np

from .corpus import Corpus

BETA_STOP, BETA_OTHER = 1.5, 1.0
def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def choose_high(scores: np.ndarray, y: np.ndarray, beta: float = 1.0) -> float:
    """The threshold with the best F-beta: the middle, in log-odds, of the longest run of cut points at it."""
    pos = int(y.sum())
    if pos < 3:
        return 0.5
    s = np.unique(scores)
    cuts = np.concatenate([[s[0] - 1e-6], (s[:-1] + s[1:]) / 2, [s[-1] + 1e-6]]) if len(s) > 1 else s
    # F-beta at each cut (a cut at c flags the scores >= c), from counts of the scores at or above it
    b2 = beta * beta
    pos_scores, neg_scores = np.sort(scores[y == 1]), np.sort(scores[y == 0])
    tp = len(pos_scores) - np.searchsorted(pos_scores, cuts, side="left")
    fp = len(neg_scores) - np.searchsorted(neg_scores, cuts, side="left")
    f = np.where(tp > 0, (1 + b2) * tp / np.maximum((1 + b2) * tp + fp + b2 * (pos - tp), 1e-12), 0.0)
    best = f.max()
    runs, start = [], None
    for i, v in enumerate(np.append(f, -1)):
        if v == best and start is None:
            start = i
        elif v != best and start is not None:
            runs.append((start, i - 1))
            start = None
    lo, hi = max(runs, key=lambda r: r[1] - r[0])
    lo_edge = s[lo - 1] if lo >= 1 else scores.min()
    hi_edge = s[hi] if hi < len(s) else scores.max()
    t = sigmoid((logit(lo_edge) + logit(hi_edge)) / 2)
    return float(min(max(t, 0.05), 0.95))


def thresholds(corpus: Corpus, P: np.ndarray, rows_used: np.ndarray) -> dict[str, float]:
    out = {}
    for k, name in enumerate(corpus.names):
        ok = rows_used & ~np.isnan(P[:, k])
        beta = BETA_STOP if corpus.cats[name].severity == "stop" else BETA_OTHER
        out[name] = choose_high(P[ok, k], corpus.Y[ok, k], beta)
    return out


def report_thresholds(corpus: Corpus, P: np.ndarray, rows_used: np.ndarray) -> dict[str, float]:
    """Each stop category's report bar (policy.learned.decide's ``report``): its best F1 cut, the point where a
    finding is as likely right as the category's other findings, rather than the recall-weighted cut that
    flags it."""
    out = {}
    for k, name in enumerate(corpus.names):
        if corpus.cats[name].severity == "stop":
            ok = rows_used & ~np.isnan(P[:, k])
            out[name] = choose_high(P[ok, k], corpus.Y[ok, k], 1.0)
    return out
