"""Train the checker's learned layer: policy/pack/learned/model.npz and model.json.

    pip install -r requirements-train.txt        # scikit-learn, for training only
    python tools/train_checker.py                # train on policy/eval/train/*.jsonl, thresholds on dev.jsonl

One logistic regression per category in policy/pack/learned/categories.toml, over the features
policy/learned.py computes (the sentence embedding, the profile and image flags, hashed n-grams),
trained only on posts from the profiles the category applies to. Then, for each category:

1. its regularisation and the weight of the embedding against the n-grams are chosen by
   cross-validation on the training files, one writer's file held out at a time (so the choice
   rewards what carries over to a writer the model has not seen);
2. the high band's threshold is the one with the best F-beta on policy/eval/dev.jsonl (the middle of
   the best run, in log-odds), or 0.5 when dev has fewer than 3 posts of the category; beta is 1 for
   sign-off and advice categories and 1.5 for stop categories (a missed stop costs more than a false
   one: on dev, F1 thresholds gave stop recall 0.90, F1.5 and F2 0.99, for 0.048 -> 0.062 ok false
   alarms with the rules as they were);
3. for stop categories only, a middle band (ask for sign-off) is kept when on dev it catches at least
   3 posts of the category, at least 3 more than twice the harmless posts it would send for sign-off,
   and starts no lower than half the high threshold (a band fitted to one or two dev posts is noise).

The test set (policy/eval/test*.jsonl) is never read here. model.json records the corpus files'
SHA-256, the date, the encoder's hash, the choices and dev figures; model.npz's own hash is in it too.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy import encoder as enc  # noqa: E402
from policy import learned  # noqa: E402
from policy.check_pack import PROFILES  # noqa: E402

try:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
except ImportError:  # pragma: no cover - the runtime does not need them
    sys.exit("train_checker: needs scikit-learn: pip install -r requirements-train.txt")

EVAL = ROOT / "policy" / "eval"
C_GRID = (16.0, 64.0)
ALPHA_GRID = (0.5, 1.0)  # weight of the embedding block (the n-gram block has unit length)
BETA = 1.0  # weight of the profile and image flags


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

    def __init__(self, rows: list[dict], encoder: enc.Encoder):
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

    def matrix(self, alpha: float, columns: np.ndarray):
        """[alpha * embedding | BETA * flags | the n-gram buckets in ``columns``] (those seen in training)."""
        dense = np.hstack([alpha * self.emb, BETA * self.extra])
        return sp.hstack([sp.csr_matrix(dense), self.ngrams[:, columns]], format="csr")


def labels(rows: list[dict], category: str) -> np.ndarray:
    return np.array([category in r["categories"] for r in rows], dtype=np.int8)


def in_mask(rows: list[dict], profiles) -> np.ndarray:
    return np.array([r["profile"] in profiles for r in rows])


def fit(X, y, C: float) -> LogisticRegression:
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, solver="lbfgs")
    clf.fit(X, y)
    return clf


def cross_validate(rows, feats: Features, cats) -> tuple[float, float, dict]:
    """(C, alpha) with the best mean average precision, a writer's file held out at a time."""
    sources = np.array([r["_source"] for r in rows])
    groups = sorted(set(sources))
    if len(groups) >= 2:
        folds = [(sources != g, sources == g) for g in groups]
    else:  # one file: five interleaved folds
        k = np.arange(len(rows)) % 5
        folds = [(k != i, k == i) for i in range(5)]
    results = {}
    columns = np.unique(feats.ngrams.indices)
    for alpha in ALPHA_GRID:
        X = feats.matrix(alpha, columns)
        for C in C_GRID:
            aps = []
            for name, cat in cats.items():
                mask = in_mask(rows, cat.profiles)
                y = labels(rows, name)
                oof = np.full(len(rows), np.nan)
                for tr, te in folds:
                    tr, te = tr & mask, te & mask
                    if y[tr].sum() == 0 or te.sum() == 0:
                        continue
                    oof[te] = fit(X[tr], y[tr], C).predict_proba(X[te])[:, 1]
                ok = ~np.isnan(oof)
                if y[ok].sum() > 0:
                    aps.append(average_precision_score(y[ok], oof[ok]))
            results[(C, alpha)] = float(np.mean(aps)) if aps else 0.0
            print(f"  cv C={C:<5} alpha={alpha:<4} mean AP {results[(C, alpha)]:.3f}", flush=True)
    C, alpha = max(results, key=results.get)
    return C, alpha, {f"C={c},alpha={a}": round(v, 4) for (c, a), v in results.items()}


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def _sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def choose_high(scores: np.ndarray, y: np.ndarray, beta: float = 1.0) -> tuple[float, dict]:
    """The threshold with the best F-beta on dev: the middle, in log-odds, of the best run of cut points."""
    pos = int(y.sum())
    if pos < 3:
        return 0.5, {"dev_positives": pos, "note": "fewer than 3 dev posts: default 0.5"}
    s = np.unique(scores)
    cuts = np.concatenate([[s[0] - 1e-6], (s[:-1] + s[1:]) / 2, [s[-1] + 1e-6]]) if len(s) > 1 else s
    f1s = []
    for t in cuts:
        pred = scores >= t
        tp = int((pred & (y == 1)).sum())
        fp = int((pred & (y == 0)).sum())
        b2 = beta * beta
        f1s.append((1 + b2) * tp / ((1 + b2) * tp + fp + b2 * (pos - tp)) if tp else 0.0)
    f1s = np.array(f1s)
    best = f1s.max()
    # the longest contiguous run of cut points at the best F1
    runs, start = [], None
    for i, f in enumerate(np.append(f1s, -1)):
        if f == best and start is None:
            start = i
        elif f != best and start is not None:
            runs.append((start, i - 1))
            start = None
    lo, hi = max(runs, key=lambda r: r[1] - r[0])
    # edges of the run in score space: the scores either side of its first and last cut
    lo_edge = s[lo - 1] if lo >= 1 else scores.min()
    hi_edge = s[hi] if hi < len(s) else scores.max()
    t = _sigmoid((_logit(lo_edge) + _logit(hi_edge)) / 2)
    t = float(min(max(t, 0.05), 0.95))
    pred = scores >= t
    tp = int((pred & (y == 1)).sum())
    return t, {"dev_positives": pos, f"dev_f{beta:g}": round(float(best), 3),
               "dev_precision": round(tp / max(int(pred.sum()), 1), 3), "dev_recall": round(tp / pos, 3)}


def choose_mid(scores, y, ok_post, high: float) -> tuple[float | None, dict]:
    """A middle band [mid, high) that asks for sign-off, kept only where it pays on dev."""
    best, best_t, best_info = 2, None, {}
    for t in np.unique(scores[(scores < high) & (scores >= high / 2)]):
        band = (scores >= t) & (scores < high)
        caught = int((band & (y == 1)).sum())
        alarms = int((band & ok_post).sum())
        gain = caught - 2 * alarms
        if gain > best and caught >= 3:
            best, best_t = gain, float(t)
            best_info = {"mid_caught": caught, "mid_false_alarms_on_ok": alarms}
    if best_t is None:
        return None, {}
    return round(best_t - 1e-6, 6), best_info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, nargs="*", help="training files (default policy/eval/train/*.jsonl)")
    ap.add_argument("--dev", type=Path, default=EVAL / "dev.jsonl")
    ap.add_argument("--out", type=Path, default=learned.LEARNED_DIR)
    ap.add_argument("--no-mid", action="store_true", help="no middle bands")
    ap.add_argument("--beta-stop", type=float, default=1.5,
                    help="F-beta for stop categories' thresholds (default 1.5: recall weighs more, as a missed stop costs more)")
    ap.add_argument("--C", type=float, help="skip the search: this regularisation")
    ap.add_argument("--alpha", type=float, help="skip the search: this embedding weight")
    args = ap.parse_args(argv)

    t0 = time.time()
    train_files = args.train or sorted((EVAL / "train").glob("*.jsonl"))
    if not train_files:
        sys.exit("train_checker: no training files in policy/eval/train/")
    train = [r for f in train_files for r in read_corpus(f)]
    dev = read_corpus(args.dev)
    cats = learned.load_categories(args.out / "categories.toml")
    known = set(cats)
    for r in train + dev:
        unknown = set(r["categories"]) - known
        if unknown:
            print(f"  note: {r.get('id')}: category {sorted(unknown)[0]!r} is not learned", file=sys.stderr)
    print(f"train {len(train)} posts from {', '.join(f.name for f in train_files)}; dev {len(dev)}", flush=True)

    encoder = enc.get_encoder()
    ftrain, fdev = Features(train, encoder), Features(dev, encoder)
    print(f"features in {time.time() - t0:.1f}s", flush=True)

    if args.C and args.alpha:
        C, alpha, cv = args.C, args.alpha, {}
    else:
        C, alpha, cv = cross_validate(train, ftrain, cats)
    print(f"chosen C={C} alpha={alpha}", flush=True)

    used = np.unique(ftrain.ngrams.indices)  # buckets never seen in training keep no weight
    Xtr, Xdev = ftrain.matrix(alpha, used), fdev.matrix(alpha, used)
    names = [n for n in cats if labels(train, n)[in_mask(train, cats[n].profiles)].sum() > 0]
    skipped = [n for n in cats if n not in names]
    if skipped:
        print(f"  no training posts for: {', '.join(skipped)} (not learned)")
    ok_dev = np.array([r.get("verdict") == "ok" for r in dev])
    coefs, biases, thresholds, report = [], [], {}, {}
    for name in names:
        cat = cats[name]
        mtr, mdev = in_mask(train, cat.profiles), in_mask(dev, cat.profiles)
        clf = fit(Xtr[mtr], labels(train, name)[mtr], C)
        coefs.append(clf.coef_[0])
        biases.append(clf.intercept_[0])
        sdev = clf.predict_proba(Xdev[mdev])[:, 1]
        ydev = labels(dev, name)[mdev]
        high, info = choose_high(sdev, ydev, args.beta_stop if cat.severity == "stop" else 1.0)
        mid = None
        if cat.severity == "stop" and cat.maybe and not args.no_mid:
            mid, mid_info = choose_mid(sdev, ydev, ok_dev[mdev], high)
            info.update(mid_info)
        thresholds[name] = {"high": round(high, 6), "mid": mid}
        report[name] = {"train_positives": int(labels(train, name)[mtr].sum()), **info}
        print(f"  {name:<21} train+ {report[name]['train_positives']:>3}  high {high:.3f}"
              f"{'' if mid is None else f'  mid {mid:.3f}'}  {info}", flush=True)

    W = np.array(coefs, dtype=np.float64).T  # (features, K)
    d = encoder.hidden + len(PROFILES) + 1
    dense = np.vstack([alpha * W[:encoder.hidden], BETA * W[encoder.hidden:d]]).astype(np.float32)
    sparse_w = W[d:].astype(np.float16)
    buf = io.BytesIO()
    np.savez(buf, dense=dense, sparse_idx=used.astype(np.int32), sparse_w=sparse_w,
             bias=np.array(biases, dtype=np.float32))
    data = buf.getvalue()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "model.npz").write_bytes(data)
    meta = {
        "about": "Written by tools/train_checker.py; read by policy/learned.py. Do not edit by hand.",
        "date": dt.date.today().isoformat(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "encoder_sha256": encoder.sha256,
        "categories": names,
        "thresholds": thresholds,
        "n_hash": learned.N_HASH,
        "char_ngrams": list(learned.CHAR_NGRAMS),
        "beta_stop": args.beta_stop,
        "C": C,
        "alpha": alpha,
        "beta": BETA,
        "cv_mean_average_precision": cv,
        "corpus": {str(f.relative_to(ROOT)) if f.is_relative_to(ROOT) else str(f): sha256(f)
                   for f in [*train_files, args.dev]},
        "posts": {"train": len(train), "dev": len(dev)},
        "dev": report,
    }
    (args.out / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}/model.npz ({len(data) / 1e6:.1f} MB) and model.json in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
