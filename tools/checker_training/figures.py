"""The figures model.json records: verdict accuracy, stop and sign-off recall, ok false alarm and each
category's precision and recall, for every file held out with thresholds chosen on the others."""
from __future__ import annotations

import numpy as np

from policy import learned

from .corpus import Corpus
from .features import Features
from .thresholds import report_thresholds, thresholds
from .verdicts import choose_verdict_thresholds, predictions

BAR = 0.85  # the category target: precision and recall both
MIN_CASES = 10  # ... for every category with at least this many labelled posts


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
    tps = fps = fns = 0
    for c in sorted(set().union(*(set(r["categories"]) for r in rows), *(p[1] for p in preds))):
        tp = sum(c in r["categories"] and c in p[1] for r, p in zip(rows, preds))
        fp = sum(c not in r["categories"] and c in p[1] for r, p in zip(rows, preds))
        fn = sum(c in r["categories"] and c not in p[1] for r, p in zip(rows, preds))
        tps, fps, fns = tps + tp, fps + fp, fns + fn
        per[c] = {"labelled": tp + fn, "P": round(tp / (tp + fp), 3) if tp + fp else None,
                  "R": round(tp / (tp + fn), 3) if tp + fn else None}
    f["categories"] = per
    f["micro"] = {"P": round(tps / max(tps + fps, 1), 3), "R": round(tps / max(tps + fns, 1), 3)}
    f["categories_at_target"] = sum(
        1 for v in per.values()
        if v["labelled"] >= MIN_CASES and (v["P"] or 0) >= BAR and (v["R"] or 0) >= BAR)
    return f


def nested_figures(corpus: Corpus, feats: Features, P_stack, P_text, P_verdict) -> dict:
    """Per held-out file: thresholds from the other files' out-of-fold scores, verdicts on this file's."""
    n = len(corpus.rows)
    preds = {m: [None] * n for m in ("rules", "learned", "union", "stacked", "verdict")
             + tuple(f"report_{s}" for s in learned.REPORT_SCOPES)}
    for g in corpus.groups:
        held = corpus.source == g
        th_s = thresholds(corpus, P_stack, ~held)
        th_t = thresholds(corpus, P_text, ~held)
        th_v = choose_verdict_thresholds(corpus, feats, P_stack, P_verdict, th_s, ~held)
        th_r = report_thresholds(corpus, P_stack, ~held)
        idx = np.flatnonzero(held)
        got = predictions(corpus, feats, P_stack, P_text, th_s, th_t, idx, P_verdict, th_v, th_r)
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


def chosen_report(pooled: dict) -> str | None:
    """The report scope to ship (None: no report bar), by a rule fixed before any result: the most categories at
    the targets out of fold, then the best micro F1. The verdicts are the same in every candidate."""
    def key(m):
        f = pooled[m]
        p, r = f["micro"]["P"], f["micro"]["R"]
        return (f["categories_at_target"], 2 * p * r / max(p + r, 1e-9))
    candidates = ["verdict"] + [f"report_{s}" for s in learned.REPORT_SCOPES]
    best = max(candidates, key=key)
    return None if best == "verdict" else best.removeprefix("report_")


def category_summary(f: dict) -> str:
    return (f"micro P / R {f['micro']['P']:.3f} / {f['micro']['R']:.3f}, "
            f"{f['categories_at_target']} categories at P and R >= {BAR}")
