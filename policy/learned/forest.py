"""The verdict forest: boosted trees over what the other heads and the rules say, trained on the verdict itself.

Its inputs (``inputs``): each category's stacked and text-only probability and the verdict head's stop and hold
(as log-odds; a category the profile is not judged on counts as 0.0001), the profile and image flags, every
category's rule evidence and the nearest neighbours' votes (neighbours.py). Its output: the probabilities of ok,
sign-off and stop. check() uses its stop and its hold (sign-off + stop) where the verdict head's were, with the
thresholds tools/train_checker.py chose for them out of fold (model.py, decide.py): a second level learns
which of the first level's disagreements to believe (a hate finding on a complaint about the bins; a quiet
identifier beside a named child). Trained with scikit-learn's HistGradientBoostingClassifier; here the trees
are arrays, walked for every tree at once (numpy only)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

FLOOR = 1e-4  # probabilities are clipped to [FLOOR, 1 - FLOOR] before log-odds; FLOOR stands for "not judged"
CLASSES = ("ok", "sign_off", "stop")


def _log_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.nan_to_num(np.asarray(p, dtype=np.float64), nan=FLOOR), FLOOR, 1 - FLOOR)
    return np.log(p / (1 - p))


def inputs(stacked, text, verdict, extra, rules, votes, judged=None) -> np.ndarray:
    """(n, inputs) float32 for n posts: ``stacked``, ``text`` (n, K) probabilities (NaN, or False in ``judged``:
    the category does not apply to the post's profile), ``verdict`` (n, 2), ``extra`` (n, flags), ``rules``
    (n, K x RULE_WIDTH), ``votes`` (n, labels + 1)."""
    stacked, text = np.atleast_2d(stacked).astype(np.float64), np.atleast_2d(text).astype(np.float64)
    if judged is not None:
        stacked, text = np.where(judged, stacked, np.nan), np.where(judged, text, np.nan)
    parts = [_log_odds(stacked), _log_odds(text), _log_odds(np.atleast_2d(verdict)), np.atleast_2d(extra),
             np.atleast_2d(rules), np.atleast_2d(votes)]
    return np.hstack([np.asarray(p, dtype=np.float64) for p in parts]).astype(np.float32)


class Forest(NamedTuple):
    """Trees as arrays, (trees, nodes) each, padded; tree t adds to class t % classes. A node goes left when
    its input is at or below its threshold; a leaf points at itself."""

    feature: np.ndarray  # int32
    threshold: np.ndarray  # float64
    left: np.ndarray  # int32
    right: np.ndarray  # int32
    value: np.ndarray  # float64, a leaf's contribution to its class's raw score
    baseline: np.ndarray  # (classes,) raw scores before any tree
    depth: int  # the deepest leaf: that many steps reach every leaf

    def proba(self, z: np.ndarray) -> np.ndarray:
        """(n, classes) probabilities for inputs ``z`` (n, inputs)."""
        z = np.atleast_2d(z).astype(np.float64)
        trees = np.arange(self.feature.shape[0])[None, :]
        node = np.zeros((z.shape[0], self.feature.shape[0]), dtype=np.int64)
        rows = np.arange(z.shape[0])[:, None]
        for _ in range(self.depth):
            go_left = z[rows, self.feature[trees, node]] <= self.threshold[trees, node]
            node = np.where(go_left, self.left[trees, node], self.right[trees, node])
        classes = len(self.baseline)
        raw = self.value[trees, node].reshape(z.shape[0], -1, classes).sum(axis=1) + self.baseline
        raw -= raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        return e / e.sum(axis=1, keepdims=True)

    def stop_hold(self, z: np.ndarray) -> np.ndarray:
        """(n, 2): the probability that the post must stop, and that it must be held back at all."""
        p = self.proba(z)
        return np.stack([p[:, 2], p[:, 1] + p[:, 2]], axis=1)
