"""Fitting the logistic regressions, out of fold (each file held out in turn), and how good their scores are."""
from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.metrics import average_precision_score

from .corpus import Corpus

C_GRID = (16.0, 64.0)
ALPHA_GRID = (0.5, 1.0)  # weight of the embedding block (the n-gram block has unit length)
SCOPES = ("all", "own")  # the stacked head sees every category's rule evidence, or only its own category's
# The verdict head's regularisation: out of fold (writers a-i and dev), 16 against 4 raised accuracy 0.896 -> 0.898
# and stop recall 0.930 -> 0.935 and lowered ok false alarm 0.109 -> 0.104 (sign-off recall 0.924 -> 0.922).
VERDICT_C = 16.0


# The MLP beside the logistic regressions: one hidden layer of MLP_HIDDEN ReLU units over the embedding, the flags and
# every category's rule evidence, with a sigmoid output for each category and each verdict output; its
# probabilities are blended MLP_BLEND : 1 - MLP_BLEND with the logistic ones (categories and verdict head alike).
# Candidate (e2) of the method experiments (see train_checker's docstring).
MLP_HIDDEN = 256
MLP_BLEND = 0.5
MLP_L2 = 1e-3


def fit_mlp(X, Y, seed: int = 0) -> MLPClassifier:
    clf = MLPClassifier(hidden_layer_sizes=(MLP_HIDDEN,), alpha=MLP_L2, max_iter=300, early_stopping=True,
                        random_state=seed)
    clf.fit(X, Y)
    return clf


def mlp_out_of_fold(X, Y, folds, jobs: int) -> np.ndarray:
    """(posts, outputs) out-of-fold probabilities of the MLP, one fit per held-out file."""
    def one(tr, te):
        return te, fit_mlp(X[tr], Y[tr]).predict_proba(X[te])

    out = np.zeros(Y.shape)
    for te, p in Parallel(n_jobs=jobs)(delayed(one)(tr, te) for tr, te in folds):
        out[te] = p
    return out


def blend(P: np.ndarray, P_mlp: np.ndarray) -> np.ndarray:
    """The logistic probabilities blended with the MLP's (NaN, a category not judged for the post, stays NaN)."""
    return (1 - MLP_BLEND) * P + MLP_BLEND * P_mlp


def fit(X, y, C: float) -> LogisticRegression:
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, solver="lbfgs")
    clf.fit(X, y)
    return clf



def oof_one(X, y, mask, folds, C) -> np.ndarray:
    out = np.full(len(y), np.nan)
    for tr, te in folds:
        tr, te = tr & mask, te & mask
        if y[tr].sum() == 0 or te.sum() == 0:
            continue
        out[te] = fit(X[tr], y[tr], C).predict_proba(X[te])[:, 1]
    return out


def out_of_fold(corpus: Corpus, design, C: float, jobs: int) -> np.ndarray:
    """(posts, K) out-of-fold probabilities, NaN where a category does not apply to the post's profile."""
    cols = Parallel(n_jobs=jobs)(delayed(oof_one)(design(k), corpus.Y[:, k], corpus.mask[:, k], corpus.folds, C)
                                 for k in range(len(corpus.names)))
    return np.stack(cols, axis=1)


def mean_ap(corpus: Corpus, P: np.ndarray) -> float:
    aps = []
    for k in range(len(corpus.names)):
        ok = ~np.isnan(P[:, k])
        if corpus.Y[ok, k].sum() > 0:
            aps.append(average_precision_score(corpus.Y[ok, k], P[ok, k]))
    return float(np.mean(aps)) if aps else 0.0

