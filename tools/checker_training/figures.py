"""The figures model.json records: verdict accuracy, stop and sign-off recall, ok false alarm and each
category's precision and recall, for every file held out with thresholds chosen on the others."""
from __future__ import annotations

import numpy as np

from .corpus import Corpus
from .features import Features
from .thresholds import thresholds
from .verdicts import choose_verdict_thresholds, predictions


def figures(rows: list[dict], preds: list) -> dict:
    gold = [r["verdict"] for r in rows]
    got = [p[0] for p in preds]

    def rate(cond, of):
        idx = [i for i in range(len(rows)) if of(i)]
        return [round(sum(cond(i) for i in idx) / len(idx), 3) if idx else None, len(idx)]

    f = {
        "accuracy": rate(lambda i: got[i] == gold[i], lambda i: True),
        "stop_recall": rate(lambda i: got[i] == "stop", lambda i: gold[i] == "stop"),
        "signoff_recall": rate(lambda i: got[i] in ("sign_off", "stop"), lambda i: gold[i] == "sign_off"),
        "ok_false_alarm": rate(lambda i: got[i] != "ok", lambda i: gold[i] == "ok"),
    }
    per = {}
    for c in sorted(set().union(*(set(r["categories"]) for r in rows), *(p[1] for p in preds))):
        tp = sum(c in r["categories"] and c in p[1] for r, p in zip(rows, preds))
        fp = sum(c not in r["categories"] and c in p[1] for r, p in zip(rows, preds))
        fn = sum(c in r["categories"] and c not in p[1] for r, p in zip(rows, preds))
        per[c] = {"labelled": tp + fn, "P": round(tp / (tp + fp), 3) if tp + fp else None,
                  "R": round(tp / (tp + fn), 3) if tp + fn else None}
    f["categories"] = per
    return f


def nested_figures(corpus: Corpus, feats: Features, P_stack, P_text, P_verdict) -> dict:
    """Per held-out file: thresholds from the other files' out-of-fold scores, verdicts on this file's."""
    n = len(corpus.rows)
    preds = {m: [None] * n for m in ("rules", "learned", "union", "stacked", "verdict")}
    for g in corpus.groups:
        held = corpus.source == g
        th_s = thresholds(corpus, P_stack, ~held)
        th_t = thresholds(corpus, P_text, ~held)
        th_v = choose_verdict_thresholds(corpus, feats, P_stack, P_verdict, th_s, ~held)
        idx = np.flatnonzero(held)
        got = predictions(corpus, feats, P_stack, P_text, th_s, th_t, idx, P_verdict, th_v)
        for m, items in got.items():
            for i, item in zip(idx, items):
                preds[m][i] = item
    out = {"all files": {m: figures(corpus.rows, preds[m]) for m in preds}}
    for g in corpus.groups:
        idx = np.flatnonzero(corpus.source == g)
        rows = [corpus.rows[i] for i in idx]
        out[g] = {m: figures(rows, [preds[m][i] for i in idx]) for m in preds}
    return out


def summary(f: dict) -> str:
    def x(key):
        v = f[key][0]
        return "n/a" if v is None else f"{v:.3f}"
    return (f"accuracy {x('accuracy')}, stop recall {x('stop_recall')}, sign-off recall {x('signoff_recall')}, "
            f"ok false alarm {x('ok_false_alarm')}")

