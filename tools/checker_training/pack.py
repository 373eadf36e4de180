"""The heads refitted on every post with the chosen settings, written to the pack: model.npz (the weights) and
model.json (thresholds, method, corpus hashes and the out-of-fold figures)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from policy import learned
from policy.check_pack import PROFILES
from policy.learned.forest import CLASSES
from policy.learned.neighbours import NEIGHBOURS, SHARPNESS

from .corpus import ROOT, Corpus, sha256
from .features import BETA, GAMMA, Features
from .forest import FOREST
from .fitting import MLP_BLEND, MLP_HIDDEN, MLP_L2, VERDICT_C, fit, fit_mlp
from .thresholds import BETA_OTHER, BETA_STOP


def write_pack(out: Path, corpus: Corpus, feats: Features, encoder, chosen: dict, th: dict, nested: dict,
               P_stack, P_text, verdict_design, y_verdict, y_mlp, files: list[Path], jobs: int, t0: float,
               forest_arrays: dict) -> None:
    """``chosen``: the stacked head's (scope, C, alpha) and the text head's, and what the search measured;
    ``forest_arrays``: the verdict forest and its neighbour bank, fitted already (forest.py)."""
    scope, C, alpha = chosen["stacked"]
    _, C_text, alpha_text = chosen["text"]
    searched = chosen["searched"]
    rows = corpus.rows
    # Refit both heads on everything.
    used = feats.used
    K = len(corpus.names)
    hidden = feats.emb.shape[1]  # each of the chosen layers' means side by side
    d = hidden + len(PROFILES) + 1
    arrays = {"sparse_idx": used.astype(np.int32)}
    for head, (sc, c, a) in (("stacked", (scope, C, alpha)), ("text", (None, C_text, alpha_text))):
        design = feats.design(a, sc)

        def one(k, design=design, c=c):
            mask = corpus.mask[:, k]
            clf = fit(design(k)[mask], corpus.Y[mask, k], c)
            return clf.coef_[0], clf.intercept_[0]

        fitted = Parallel(n_jobs=jobs)(delayed(one)(k) for k in range(K))
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
    fitted = Parallel(n_jobs=jobs)(delayed(fit)(verdict_design, y_verdict[:, j], VERDICT_C)
                                        for j in range(len(learned.VERDICT_OUTPUTS)))
    W = np.stack([clf.coef_[0] for clf in fitted], axis=1)  # (features, outputs)
    arrays["verdict_dense"] = np.vstack([alpha * W[:hidden], BETA * W[hidden:d]]).astype(np.float32)
    arrays["verdict_sparse_w"] = W[d:d + len(used)].astype(np.float16)
    arrays["verdict_bias"] = np.array([clf.intercept_[0] for clf in fitted], dtype=np.float32)
    arrays["verdict_rule_w"] = (GAMMA * W[d + len(used):]).astype(np.float32)
    mlp = fit_mlp(feats.mlp_matrix(), y_mlp)
    arrays["mlp_w1"] = mlp.coefs_[0].astype(np.float32)  # (embedding + flags + rule evidence, MLP_HIDDEN)
    arrays["mlp_b1"] = mlp.intercepts_[0].astype(np.float32)
    arrays["mlp_w2"] = mlp.coefs_[1].astype(np.float32)  # (MLP_HIDDEN, categories + verdict outputs)
    arrays["mlp_b2"] = mlp.intercepts_[1].astype(np.float32)
    arrays.update(forest_arrays)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    data = buf.getvalue()
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.npz").write_bytes(data)

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
        "embedding_layers": list(feats.layers),
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
                        "thresholds": "applied to the verdict forest's stop and hold; stop recall first, out of "
                                      "fold: among the (stop, hold) pairs whose stop recall is no lower than the "
                                      "categories' alone, the lowest ok false alarm reaching stop recall 0.98, else "
                                      "the best 2 x stop recall minus ok false alarm"},
            "mlp": {"hidden": MLP_HIDDEN, "activation": "relu", "l2": MLP_L2, "blend": MLP_BLEND,
                    "inputs": "the embedding, the profile and image flags, every category's rule evidence",
                    "outputs": "each category, then the verdict head's outputs, each a sigmoid",
                    "used": "each stacked category's and verdict output's probability is (1 - blend) x the "
                            "logistic one + blend x the MLP's"},
            "forest": {**{k: v for k, v in FOREST.items() if k != "random_state"},
                       "classes": list(CLASSES), "trees": int(forest_arrays["forest_feature"].shape[0]),
                       "inputs": "log-odds of each category's stacked and text-only probability (0.0001 where not "
                                 "judged) and of the verdict head's stop and hold, the profile and image flags, "
                                 "every category's rule evidence, the neighbours' votes",
                       "used": "its stop and hold (sign-off + stop) in the verdict head's place",
                       "neighbours": {"k": NEIGHBOURS, "sharpness": SHARPNESS,
                                      "dims": int(forest_arrays["bank_components"].shape[0]),
                                      "posts": int(forest_arrays["bank_vectors"].shape[0]),
                                      "labels": corpus.names + list(learned.VERDICT_OUTPUTS)}},
            **({"report": {"scope": chosen["report"],
                           "thresholds": "per stop category: its best F1 cut on the pooled out-of-fold scores",
                           "used": "a learned stop finding below its report bar is left out when another stop "
                                   "stands (" + ("the layer's own findings" if chosen["report"] == "own" else
                                                 "with or without a rule's words") + ")"}}
               if chosen.get("report") else {}),
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
    (out / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}/model.npz ({len(data) / 1e6:.1f} MB) and model.json in {time.time() - t0:.0f}s")
