"""Train the checker's learned layer: policy/pack/learned/model.npz and model.json.

    pip install -r requirements-train.txt        # scikit-learn, for training only
    python tools/train_checker.py                # policy/eval/train/*.jsonl and dev.jsonl together

One logistic regression per category in policy/pack/learned/categories.toml, trained only on posts from the
profiles the category applies to, in two heads: the *stacked* head (what check() uses) sees the post's
sentence embedding, the profile and image flags, hashed n-grams and the rule layers' evidence (for each
category: the best band its rules reached, one-hot, and that finding's confidence); the *text* head sees the
same without the rules' evidence (the learned layer alone, so that bench/checker_eval.py can measure the
layers apart).

Everything is chosen by cross-validation on train and dev together, grouped by file: each writer's file
(and dev) is held out in turn, so every choice rewards what carries over to a writer the model has not seen.
The test set (policy/eval/test*.jsonl) is never read here.

1. The regularisation C, the weight of the embedding against the n-grams (alpha) and, for the stacked head,
   whether each category sees every category's rule evidence or only its own: the combination with the best
   mean average precision over the categories, out of fold.
2. Each category's threshold, from the pooled out-of-fold scores of the chosen combination: the best F-beta,
   beta 1.5 for stop categories (a missed stop costs more than a needless one) and 1 for the others, in the
   middle (in log-odds) of the longest run of cut points at the best value. No middle band. This objective was
   fixed before any result of the method was seen.
   The verdict head (logistic regressions on the verdict itself, "stop" and "hold" = stop or sign-off, over
   the stacked head's features with every category's rule evidence) gets its two thresholds for the verdict
   targets, stop recall first: among the pairs whose stop recall is no lower than the categories' alone, the
   lowest ok false-alarm rate of those reaching stop recall 0.98 out of fold, or where none does, the best
   2 x stop recall minus ok false-alarm rate (a missed stop weighs twice a needless hold). At or above "stop" a post stops even when no stop category reached
   its own threshold; below "hold" the learned layer's findings are set aside (hard overrides still stop).
3. The figures, out of fold and honest about step 2: for each held-out file, thresholds chosen as in step 2
   on the other files' out-of-fold scores, and the checker's verdicts computed as check() computes them
   (policy.learned.decide: rule findings kept where the category reaches its threshold, dropped where it
   does not, hard overrides always stop). Recorded in model.json for every file, dev's own among them, with
   the rules alone, the text head alone and the old union of the two beside the stacked combination.
4. The heads refitted on all of train and dev with the chosen settings and thresholds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy import encoder as enc  # noqa: E402
from policy import learned  # noqa: E402
from policy.check_engine import evaluate  # noqa: E402
from policy.check_pack import PROFILES  # noqa: E402
from policy.checker import PACK, OwnContacts, _own_index  # noqa: E402

try:
    import scipy.sparse as sp
    from joblib import Parallel, delayed
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
except ImportError:  # pragma: no cover - the runtime does not need them
    sys.exit("train_checker: needs scikit-learn: pip install -r requirements-train.txt")

EVAL = ROOT / "policy" / "eval"
C_GRID = (16.0, 64.0)
ALPHA_GRID = (0.5, 1.0)  # weight of the embedding block (the n-gram block has unit length)
SCOPES = ("all", "own")  # the stacked head sees every category's rule evidence, or only its own category's
BETA = 1.0  # weight of the profile and image flags
GAMMA = 1.0  # weight of the rule evidence (one-hot bands and a 0-1 confidence, like the flags)
BETA_STOP, BETA_OTHER = 1.5, 1.0
VERDICT_C = 4.0  # the verdict head's regularisation (it sees every category's rule evidence)
VERDICTS = ("stop", "sign_off", "ok")
SEV_RANK = {"stop": 3, "sign_off": 2, "advice": 1}


def read_corpus(path: Path) -> list[dict]:
    if path.name.startswith("test"):
        sys.exit(f"train_checker: refusing to read {path}: the test set is never used for training")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            sys.exit(f"train_checker: {path}:{n}: not valid JSON ({exc.msg})")
        if not isinstance(row.get("text"), str) or row.get("profile") not in PROFILES:
            sys.exit(f"train_checker: {path}:{n}: needs a text and a profile ({', '.join(PROFILES)})")
        row["has_image"] = bool(row.get("has_image", False))
        row["categories"] = list(row.get("categories") or [])
        row["_source"] = path.stem
        rows.append(row)
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Features:
    """Everything a classifier sees for a list of posts, computed once."""

    def __init__(self, rows: list[dict], encoder: enc.Encoder, names: list[str]):
        self.emb = encoder.encode([r["text"] for r in rows])
        self.extra = np.stack([learned.dense_extra(r["profile"], r["has_image"]) for r in rows])
        indptr, indices, data = [0], [], []
        for r in rows:
            idx, val, _, _ = learned.hashed_features(learned.tokens(r["text"]))
            order = np.argsort(idx, kind="stable")
            idx, val = idx[order], val[order]
            uniq, first = np.unique(idx, return_index=True)  # colliding features add up
            summed = np.add.reduceat(val, first) if len(val) else val
            indices.append(uniq)
            data.append(summed)
            indptr.append(indptr[-1] + len(uniq))
        self.ngrams = sp.csr_matrix((np.concatenate(data), np.concatenate(indices), np.array(indptr)),
                                    shape=(len(rows), learned.N_HASH), dtype=np.float32)
        self.used = np.unique(self.ngrams.indices)  # buckets never seen in training keep no weight
        # The rule layers, as check() runs them with no organisation file (the pack's published contacts only).
        own = _own_index(OwnContacts())
        index = {n: i for i, n in enumerate(names)}
        self.found, rule_rows = [], []
        for r in rows:
            quiet: list = []
            raw = evaluate(PACK, r["text"], r["profile"], r["has_image"], own, quiet=quiet)
            self.found.append(raw)
            rule_rows.append(learned.rule_vector(index, raw + quiet))
        self.rules = np.stack(rule_rows).reshape(len(rows), len(names), learned.RULE_WIDTH)

    def text_matrix(self, alpha: float):
        """[alpha * embedding | BETA * flags | the n-gram buckets seen in training]."""
        dense = np.hstack([alpha * self.emb, BETA * self.extra])
        return sp.hstack([sp.csr_matrix(dense), self.ngrams[:, self.used]], format="csr")

    def design(self, alpha: float, scope: str | None):
        """A function: category index -> the matrix its classifier sees (scope None: the text alone)."""
        text = self.text_matrix(alpha)
        if scope is None:
            return lambda k: text
        if scope == "all":
            full = sp.hstack([text, sp.csr_matrix(GAMMA * self.rules.reshape(len(self.emb), -1))], format="csr")
            return lambda k: full
        return lambda k: sp.hstack([text, sp.csr_matrix(GAMMA * self.rules[:, k, :])], format="csr")


def fit(X, y, C: float) -> LogisticRegression:
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, solver="lbfgs")
    clf.fit(X, y)
    return clf


class Corpus:
    def __init__(self, rows: list[dict], cats: dict):
        self.rows, self.cats = rows, cats
        self.names = list(cats)
        self.Y = np.array([[n in r["categories"] for n in self.names] for r in rows], dtype=np.int8)
        self.mask = np.array([[r["profile"] in cats[n].profiles for n in self.names] for r in rows])
        self.source = np.array([r["_source"] for r in rows])
        self.groups = sorted(set(self.source))
        self.folds = [(self.source != g, self.source == g) for g in self.groups]


def _oof_one(X, y, mask, folds, C) -> np.ndarray:
    out = np.full(len(y), np.nan)
    for tr, te in folds:
        tr, te = tr & mask, te & mask
        if y[tr].sum() == 0 or te.sum() == 0:
            continue
        out[te] = fit(X[tr], y[tr], C).predict_proba(X[te])[:, 1]
    return out


def out_of_fold(corpus: Corpus, design, C: float, jobs: int) -> np.ndarray:
    """(posts, K) out-of-fold probabilities, NaN where a category does not apply to the post's profile."""
    cols = Parallel(n_jobs=jobs)(delayed(_oof_one)(design(k), corpus.Y[:, k], corpus.mask[:, k], corpus.folds, C)
                                 for k in range(len(corpus.names)))
    return np.stack(cols, axis=1)


def mean_ap(corpus: Corpus, P: np.ndarray) -> float:
    aps = []
    for k in range(len(corpus.names)):
        ok = ~np.isnan(P[:, k])
        if corpus.Y[ok, k].sum() > 0:
            aps.append(average_precision_score(corpus.Y[ok, k], P[ok, k]))
    return float(np.mean(aps)) if aps else 0.0


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def _sigmoid(x: float) -> float:
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
    t = _sigmoid((_logit(lo_edge) + _logit(hi_edge)) / 2)
    return float(min(max(t, 0.05), 0.95))


def thresholds(corpus: Corpus, P: np.ndarray, rows_used: np.ndarray) -> dict[str, float]:
    out = {}
    for k, name in enumerate(corpus.names):
        ok = rows_used & ~np.isnan(P[:, k])
        beta = BETA_STOP if corpus.cats[name].severity == "stop" else BETA_OTHER
        out[name] = choose_high(P[ok, k], corpus.Y[ok, k], beta)
    return out


# --- verdicts as the checker gives them ----------------------------------------------------

def _verdict(severities) -> str:
    top = max((SEV_RANK.get(s, 0) for s in severities), default=0)
    return "stop" if top >= 3 else "sign_off" if top >= 2 else "ok"


def escalation(corpus: Corpus, P_stack, th_stack, i: int, p_stop: float, t_stop: float):
    """As Scored.escalation: the stop category nearest its threshold when the verdict head says stop."""
    if p_stop < t_stop:
        return None
    stops = [k for k, n in enumerate(corpus.names) if corpus.mask[i, k] and corpus.cats[n].severity == "stop"]
    if not stops:
        return None
    k = max(stops, key=lambda k: _logit(P_stack[i, k]) - _logit(th_stack[corpus.names[k]]))
    return corpus.names[k], float(p_stop)


def predictions(corpus: Corpus, feats: Features, P_stack, P_text, th_stack, th_text, rows_idx,
                P_verdict=None, th_verdict=None):
    """(verdict, categories) per post for: the rules alone, the text head alone, their union (the checker
    before stacking), the stacked categories (policy.learned.decide) and those with the verdict head
    (``th_verdict``: its stop and hold thresholds), as check() does it."""
    out = {"rules": [], "learned": [], "union": [], "stacked": [], "verdict": []}
    names, cats = corpus.names, corpus.cats
    for i in rows_idx:
        raw = feats.found[i]
        rules = [(f.category, f.severity) for f in raw]
        judged_t = {n: P_text[i, k] for k, n in enumerate(names) if corpus.mask[i, k]}
        text = [(n, cats[n].severity) for n, p in judged_t.items() if p >= th_text[n]]
        judged_s = {n: P_stack[i, k] for k, n in enumerate(names) if corpus.mask[i, k]}
        flagged = {n: p for n, p in judged_s.items() if p >= th_stack[n]}
        stacked = [(d.category, d.severity) for d in learned.decide(cats, judged_s, flagged, raw)]
        verdict = stacked
        if th_verdict is not None:
            t_stop, t_hold = th_verdict
            up = escalation(corpus, P_stack, th_stack, i, P_verdict[i, 0], t_stop)
            verdict = [(d.category, d.severity)
                       for d in learned.decide(cats, judged_s, flagged, raw, up, P_verdict[i, 1] < t_hold)]
        for key, found in (("rules", rules), ("learned", text), ("union", rules + text), ("stacked", stacked),
                           ("verdict", verdict)):
            out[key].append((_verdict(s for _, s in found), {c for c, _ in found}))
    return out


STOP_CUTS = tuple(np.round(np.arange(0.50, 0.951, 0.05), 2))
HOLD_CUTS = (0.0,) + tuple(np.round(np.arange(0.05, 0.401, 0.05), 2))  # 0: the hold output never clears
STOP_WEIGHT = 2.0  # stop recall first: out of fold, weight 2 raised stop recall and lowered false alarms both


def choose_verdict_thresholds(corpus: Corpus, feats: Features, P_stack, P_verdict, th_stack,
                              rows_used) -> tuple[float, float]:
    """The verdict head's stop and hold thresholds for the verdict targets on these posts' out-of-fold scores,
    stop recall first: among the pairs whose stop recall is no lower than the stacked categories' alone, the
    lowest ok false-alarm rate of those reaching stop recall 0.98, or where none does, the best
    STOP_WEIGHT x stop recall minus ok false-alarm rate (a missed stop weighs twice a needless hold)."""
    idx = np.flatnonzero(rows_used)
    gold = np.array([corpus.rows[i]["verdict"] for i in idx])
    is_stop, is_ok = gold == "stop", gold == "ok"
    rank = {"ok": 0, "sign_off": 1, "stop": 2}
    # Per post, once: the verdict of the categories alone, of what stands when cleared, and whether a stop
    # category could be escalated (which one does not change with the threshold).
    v_all, v_kept, can_escalate = [], [], []
    for i in idx:
        judged = {n: P_stack[i, k] for k, n in enumerate(corpus.names) if corpus.mask[i, k]}
        flagged = {n: p for n, p in judged.items() if p >= th_stack[n]}
        decided = learned.decide(corpus.cats, judged, flagged, feats.found[i])
        v_all.append(rank[_verdict(d.severity for d in decided)])
        v_kept.append(rank[_verdict(d.severity for d in decided if d.why in ("rules", "override"))])
        can_escalate.append(escalation(corpus, P_stack, th_stack, i, 1.0, 0.0) is not None)
    v_all, v_kept, can_escalate = np.array(v_all), np.array(v_kept), np.array(can_escalate)
    p_stop, p_hold = P_verdict[idx, 0], P_verdict[idx, 1]

    def rates(v):
        return (((v == 2) & is_stop).sum() / max(is_stop.sum(), 1), ((v > 0) & is_ok).sum() / max(is_ok.sum(), 1))

    base_recall, _ = rates(v_all)
    best, best_key = (1.0, 0.0), None
    for t_stop in STOP_CUTS:
        raised = np.where(can_escalate & (p_stop >= t_stop), 2, v_all)
        for t_hold in HOLD_CUTS:
            recall, fa = rates(np.where(p_hold < t_hold, v_kept, raised))
            if recall < base_recall:
                continue
            key = (1, -fa) if recall >= 0.98 else (0, STOP_WEIGHT * recall - fa)
            if best_key is None or key > best_key:
                best, best_key = (float(t_stop), float(t_hold)), key
    return best


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


def _summary(f: dict) -> str:
    def x(key):
        v = f[key][0]
        return "n/a" if v is None else f"{v:.3f}"
    return (f"accuracy {x('accuracy')}, stop recall {x('stop_recall')}, sign-off recall {x('signoff_recall')}, "
            f"ok false alarm {x('ok_false_alarm')}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, nargs="*", help="training files (default policy/eval/train/*.jsonl)")
    ap.add_argument("--dev", type=Path, default=EVAL / "dev.jsonl", help="trained on too, as one more file")
    ap.add_argument("--out", type=Path, default=learned.LEARNED_DIR)
    ap.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)),
                    help="categories fitted at once (default: up to 2)")
    ap.add_argument("--C", type=float, help="skip the search: this regularisation (with --alpha and --scope)")
    ap.add_argument("--alpha", type=float, help="skip the search: this embedding weight")
    ap.add_argument("--scope", choices=SCOPES, help="skip the search: which rule evidence each category sees")
    args = ap.parse_args(argv)

    t0 = time.time()
    files = (args.train or sorted((EVAL / "train").glob("*.jsonl"))) + [args.dev]
    if len(files) < 2:
        sys.exit("train_checker: no training files in policy/eval/train/")
    rows = [r for f in files for r in read_corpus(f)]
    cats = learned.load_categories(args.out / "categories.toml")
    for r in rows:
        unknown = set(r["categories"]) - set(cats)
        if unknown:
            print(f"  note: {r.get('id')}: category {sorted(unknown)[0]!r} is not learned", file=sys.stderr)
    corpus = Corpus(rows, cats)
    missing = [n for k, n in enumerate(corpus.names) if corpus.Y[corpus.mask[:, k], k].sum() == 0]
    if missing:
        sys.exit(f"train_checker: no posts of {', '.join(missing)}: write some, or take it out of categories.toml")
    print(f"{len(rows)} posts from {', '.join(f.name for f in files)} (each file one fold)", flush=True)

    encoder = enc.get_encoder()
    feats = Features(rows, encoder, corpus.names)
    print(f"features in {time.time() - t0:.0f}s", flush=True)

    searched = {}
    best = {}
    for head, scopes in (("text", (None,)), ("stacked", SCOPES)):
        grid = [(s, C, a) for s in scopes for C in C_GRID for a in ALPHA_GRID]
        if args.C and args.alpha and (head == "text" or args.scope):
            grid = [(None if head == "text" else args.scope, args.C, args.alpha)]
        for scope, C, alpha in grid:
            P = out_of_fold(corpus, feats.design(alpha, scope), C, args.jobs)
            m = mean_ap(corpus, P)
            key = f"C={C:g},alpha={alpha:g}" + (f",rules={scope}" if scope else "")
            searched[f"{head}: {key}"] = round(m, 4)
            print(f"  {head:<8} {key:<28} mean AP out of fold {m:.4f}  ({time.time() - t0:.0f}s)", flush=True)
            if head not in best or m > best[head][0]:
                best[head] = (m, scope, C, alpha, P)
    _, scope, C, alpha, P_stack = best["stacked"]
    _, _, C_text, alpha_text, P_text = best["text"]
    print(f"chosen: stacked C={C:g} alpha={alpha:g} rules={scope}; text C={C_text:g} alpha={alpha_text:g}")

    # The verdict head: the stacked features with every category's rule evidence, on the verdict itself.
    verdict_design = feats.design(alpha, "all")(0)
    y_verdict = np.array([[r["verdict"] == "stop", r["verdict"] != "ok"] for r in rows], dtype=np.int8)
    P_verdict = np.stack(Parallel(n_jobs=args.jobs)(
        delayed(_oof_one)(verdict_design, y_verdict[:, j], np.ones(len(rows), dtype=bool), corpus.folds, VERDICT_C)
        for j in range(len(learned.VERDICT_OUTPUTS))), axis=1)
    print("verdict head out of fold: AP " + ", ".join(
        f"{o} {average_precision_score(y_verdict[:, j], P_verdict[:, j]):.4f}"
        for j, o in enumerate(learned.VERDICT_OUTPUTS)) + f" ({time.time() - t0:.0f}s)", flush=True)

    everything = np.ones(len(rows), dtype=bool)
    th = {"stacked": thresholds(corpus, P_stack, everything), "text": thresholds(corpus, P_text, everything)}
    th["verdict"] = dict(zip(learned.VERDICT_OUTPUTS,
                             choose_verdict_thresholds(corpus, feats, P_stack, P_verdict, th["stacked"], everything)))
    print(f"verdict thresholds: {th['verdict']}", flush=True)
    nested = nested_figures(corpus, feats, P_stack, P_text, P_verdict)
    for where in ("all files", "dev"):
        for m in ("rules", "learned", "union", "stacked", "verdict"):
            print(f"  out of fold, {where:<9} {m:<8} {_summary(nested[where][m])}")

    # Refit both heads on everything.
    used = feats.used
    K = len(corpus.names)
    hidden = encoder.hidden
    d = hidden + len(PROFILES) + 1
    arrays = {"sparse_idx": used.astype(np.int32)}
    for head, (sc, c, a) in (("stacked", (scope, C, alpha)), ("text", (None, C_text, alpha_text))):
        design = feats.design(a, sc)

        def one(k, design=design, c=c):
            mask = corpus.mask[:, k]
            clf = fit(design(k)[mask], corpus.Y[mask, k], c)
            return clf.coef_[0], clf.intercept_[0]

        fitted = Parallel(n_jobs=args.jobs)(delayed(one)(k) for k in range(K))
        pre = "" if head == "stacked" else "text_"
        dense = np.zeros((d, K), dtype=np.float32)
        sparse_w = np.zeros((len(used), K), dtype=np.float32)
        rule_w = np.zeros((learned.RULE_WIDTH * K, K), dtype=np.float32)
        for k, (w, _) in enumerate(fitted):
            dense[:hidden, k] = a * w[:hidden]
            dense[hidden:d, k] = BETA * w[hidden:d]
            sparse_w[:, k] = w[d:d + len(used)]
            rest = GAMMA * w[d + len(used):]
            if sc == "all":
                rule_w[:, k] = rest
            elif sc == "own":
                rule_w[learned.RULE_WIDTH * k:learned.RULE_WIDTH * (k + 1), k] = rest
        arrays[pre + "dense"] = dense
        arrays[pre + "sparse_w"] = sparse_w.astype(np.float16)
        arrays[pre + "bias"] = np.array([b for _, b in fitted], dtype=np.float32)
        if head == "stacked":
            arrays["rule_w"] = rule_w
    fitted = Parallel(n_jobs=args.jobs)(delayed(fit)(verdict_design, y_verdict[:, j], VERDICT_C)
                                        for j in range(len(learned.VERDICT_OUTPUTS)))
    W = np.stack([clf.coef_[0] for clf in fitted], axis=1)  # (features, outputs)
    arrays["verdict_dense"] = np.vstack([alpha * W[:hidden], BETA * W[hidden:d]]).astype(np.float32)
    arrays["verdict_sparse_w"] = W[d:d + len(used)].astype(np.float16)
    arrays["verdict_bias"] = np.array([clf.intercept_[0] for clf in fitted], dtype=np.float32)
    arrays["verdict_rule_w"] = (GAMMA * W[d + len(used):]).astype(np.float32)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    data = buf.getvalue()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "model.npz").write_bytes(data)

    def per_category(P, th_head):
        out = {}
        for k, n in enumerate(corpus.names):
            ok = ~np.isnan(P[:, k])
            y, pred = corpus.Y[ok, k], P[ok, k] >= th_head[n]
            tp = int((pred & (y == 1)).sum())
            out[n] = {"posts": int(y.sum()), "threshold": round(th_head[n], 6),
                      "P": round(tp / max(int(pred.sum()), 1), 3), "R": round(tp / max(int(y.sum()), 1), 3)}
        return out

    meta = {
        "about": "Written by tools/train_checker.py; read by policy/learned/. Do not edit by hand.",
        "date": dt.date.today().isoformat(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "encoder_sha256": encoder.sha256,
        "categories": corpus.names,
        "thresholds": {h: {n: round(t, 6) for n, t in th[h].items()} for h in th},
        "n_hash": learned.N_HASH,
        "char_ngrams": list(learned.CHAR_NGRAMS),
        "rule_bands": list(learned.RULE_BANDS),
        "method": {
            "folds": "one per file (each writer's file, and dev), held out in turn",
            "search": "mean average precision out of fold",
            "thresholds": f"per category on the pooled out-of-fold scores: best F-beta, beta {BETA_STOP:g} for "
                          f"stop categories and {BETA_OTHER:g} for the others; no middle band",
            "stacked": {"C": C, "alpha": alpha, "beta": BETA, "gamma": GAMMA, "rules": scope},
            "text": {"C": C_text, "alpha": alpha_text, "beta": BETA},
            "verdict": {"C": VERDICT_C, "alpha": alpha, "beta": BETA, "gamma": GAMMA, "rules": "all",
                        "outputs": list(learned.VERDICT_OUTPUTS),
                        "thresholds": "stop recall first, out of fold: among the (stop, hold) pairs whose stop "
                                      "recall is no lower than the categories' alone, the lowest ok false alarm "
                                      "reaching stop recall 0.98, else the best 2 x stop recall minus ok false "
                                      "alarm"},
            "searched": searched,
        },
        "corpus": {str(f.relative_to(ROOT)) if f.is_relative_to(ROOT) else str(f): sha256(f) for f in files},
        "posts": {g: int((corpus.source == g).sum()) for g in corpus.groups},
        "out_of_fold": {
            "about": "each file's posts scored by models that never saw that file, with thresholds chosen on "
                     "the other files' out-of-fold scores; rules = the rule layers alone, learned = the text "
                     "head alone, union = both as the checker combined them before stacking, stacked = "
                     "the stacked categories alone, verdict = with the verdict head's stop: what check() does now",
            **nested,
        },
        "categories_out_of_fold": {"stacked": per_category(P_stack, th["stacked"]),
                                   "text": per_category(P_text, th["text"])},
    }
    (args.out / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}/model.npz ({len(data) / 1e6:.1f} MB) and model.json in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
