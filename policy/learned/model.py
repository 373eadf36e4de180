"""The trained weights and thresholds (policy/pack/learned/model.npz and model.json), checked against their
SHA-256 and the encoder they were trained on, loaded once per process."""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Iterable, NamedTuple

import numpy as np

from policy import encoder as enc
from policy.check_pack import PROFILES, PackError
from policy.learned.categories import load_categories
from policy.learned.decide import REPORT_SCOPES
from policy.learned.features import CHAR_NGRAMS, N_HASH, RULE_BANDS, RULE_WIDTH, rule_vector
from policy.learned.forest import CLASSES, Forest
from policy.learned.neighbours import Bank


LEARNED_DIR = Path(__file__).resolve().parent.parent / "pack" / "learned"
ENV_SWITCH = "SMPOLICY_LEARNED"  # "0" or "off": rules only (for measuring the layers separately)


HEADS = ("stacked", "text")  # with the rules' evidence (what check() uses); the text alone (the layer measured apart)
# The verdict head: logistic regressions on the whole post (the stacked head's features, every category's
# rule evidence), trained on the verdict itself rather than on a category. "stop": the probability that a
# careful officer would stop the post, whatever the category (pooling every stop category's posts, it catches
# stops that no single category is sure enough of); "hold": that they would hold it back at all (stop or
# sign-off). At or above its threshold "stop" stops the post; below its threshold "hold" clears the learned
# layer's findings (the rules' validated identifiers still stop): one category's false alarm no longer holds a
# post the whole-post model reads as fine. tools/train_checker.py chooses both thresholds for the verdict
# targets: stop recall first.
VERDICT_OUTPUTS = ("stop", "hold")


class Head(NamedTuple):
    dense: np.ndarray  # (384 * layers + 5, K): the embedding (each layer's mean), then the profile and image flags
    sparse_w: np.ndarray  # (M, K) float16: the n-gram buckets in Model.sparse_idx
    bias: np.ndarray  # (K,)
    rule_w: np.ndarray | None  # (RULE_WIDTH * K, K): the rules' evidence, or None for the text head
    high: np.ndarray  # (K,) each category's threshold


class Mlp(NamedTuple):
    """The MLP beside the stacked head and the verdict head: one hidden layer of ReLU units over [embedding |
    flags | every category's rule evidence], a sigmoid output for each category and then each verdict output.
    Its probabilities are blended with the logistic ones: (1 - blend) x logistic + blend x MLP."""

    w1: np.ndarray  # (inputs, hidden)
    b1: np.ndarray
    w2: np.ndarray  # (hidden, K + len(VERDICT_OUTPUTS))
    b2: np.ndarray
    blend: float

    def probs(self, x: np.ndarray) -> np.ndarray:
        h = np.maximum(x @ self.w1 + self.b1, 0.0)
        return 1.0 / (1.0 + np.exp(-np.clip(h @ self.w2 + self.b2, -30, 30)))


class Model:
    """The weights and thresholds, loaded once per process."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.categories = load_categories(directory / "categories.toml")
        meta_path = directory / "model.json"
        npz_path = directory / "model.npz"
        try:
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PackError(f"{meta_path}: cannot read the learned model ({exc}); "
                            "build it with tools/train_checker.py") from None
        digest = hashlib.sha256(npz_path.read_bytes()).hexdigest() if npz_path.is_file() else None
        if digest is None:
            raise PackError(f"{npz_path}: missing; build it with tools/train_checker.py")
        if digest != self.meta.get("sha256"):
            raise PackError(f"{npz_path}: SHA-256 {digest[:16]}... differs from {str(self.meta.get('sha256'))[:16]}... "
                            f"in {meta_path}; retrain with tools/train_checker.py")
        self.names: list[str] = list(self.meta["categories"])
        # Which of the encoder's layers' means the embedding is made of (policy/encoder.py); older models: the last.
        layers = self.meta.get("embedding_layers")
        if layers is not None and (not isinstance(layers, list) or not layers
                                   or not all(isinstance(i, int) and i >= 1 for i in layers)):
            raise PackError(f"{meta_path}: embedding_layers must be a list of layer numbers, not {layers!r}")
        self.layers: tuple[int, ...] | None = tuple(layers) if layers is not None else None
        if (self.meta.get("n_hash") != N_HASH or list(self.meta.get("char_ngrams", [])) != list(CHAR_NGRAMS)
                or list(self.meta.get("rule_bands", [])) != list(RULE_BANDS)):
            raise PackError(f"{meta_path}: trained with other features than policy/learned/features.py computes; retrain")
        unknown = [n for n in self.names if n not in self.categories]
        if unknown:
            raise PackError(f"{meta_path}: category {unknown[0]!r} is not in categories.toml")
        k = len(self.names)
        try:
            with np.load(npz_path) as z:
                self.sparse_idx = np.ascontiguousarray(z["sparse_idx"], dtype=np.int64)  # (M,) sorted
                self.heads = {}
                for head in HEADS:
                    pre = "" if head == "stacked" else head + "_"
                    rule_w = (np.ascontiguousarray(z[pre + "rule_w"], dtype=np.float32)
                              if head == "stacked" else None)
                    high = np.array([self.meta["thresholds"][head][n] for n in self.names], dtype=np.float32)
                    self.heads[head] = Head(np.ascontiguousarray(z[pre + "dense"], dtype=np.float32),
                                            np.ascontiguousarray(z[pre + "sparse_w"]),
                                            np.ascontiguousarray(z[pre + "bias"], dtype=np.float32), rule_w, high)
                high = np.array([self.meta["thresholds"]["verdict"][o] for o in VERDICT_OUTPUTS], dtype=np.float32)
                self.verdict = Head(np.ascontiguousarray(z["verdict_dense"], dtype=np.float32),
                                    np.ascontiguousarray(z["verdict_sparse_w"]),
                                    np.ascontiguousarray(z["verdict_bias"], dtype=np.float32),
                                    np.ascontiguousarray(z["verdict_rule_w"], dtype=np.float32), high)
                spec = self.meta.get("method", {}).get("mlp")
                self.mlp = None if spec is None else Mlp(
                    *(np.ascontiguousarray(z[f"mlp_{n}"], dtype=np.float32) for n in ("w1", "b1", "w2", "b2")),
                    float(spec["blend"]))
                # The stop categories' report bars (decide's ``report``); older models: none.
                spec = self.meta.get("method", {}).get("report")
                self.report = self.report_scope = None
                if spec is not None:
                    if spec.get("scope") not in REPORT_SCOPES:
                        raise ValueError(f"report scope {spec.get('scope')!r}")
                    self.report = {n: float(t) for n, t in self.meta["thresholds"]["report"].items()}
                    self.report_scope = spec["scope"]
                # The verdict forest and the neighbour bank it reads (forest.py, neighbours.py); older models: none.
                self.forest = self.bank = None
                if self.meta.get("method", {}).get("forest") is not None:
                    self.forest = Forest(*(np.ascontiguousarray(z[f"forest_{n}"], dtype=t) for n, t in (
                        ("feature", np.int64), ("threshold", np.float64), ("left", np.int64), ("right", np.int64),
                        ("value", np.float64), ("baseline", np.float64))), int(z["forest_depth"]))
                    self.bank = Bank(*(np.ascontiguousarray(z[f"bank_{n}"], dtype=t) for n, t in (
                        ("mean", np.float32), ("components", np.float32), ("vectors", np.float32),
                        ("labels", np.uint8))))
        except (KeyError, ValueError) as exc:
            raise PackError(f"{npz_path} or {meta_path}: not the layout policy/learned/model.py reads ({exc}); "
                            "retrain with tools/train_checker.py") from None
        stacked = self.heads["stacked"]
        for name, head, width in (("rule", stacked, k), ("verdict rule", self.verdict, len(VERDICT_OUTPUTS))):
            if head.rule_w.shape != (RULE_WIDTH * k, width):
                raise PackError(f"{npz_path}: {name} weights of shape {head.rule_w.shape}, not {(RULE_WIDTH * k, width)}")
        if self.mlp is not None:
            inputs = stacked.dense.shape[0] + RULE_WIDTH * k
            if (self.mlp.w1.shape[0] != inputs or self.mlp.w2.shape[1] != k + len(VERDICT_OUTPUTS)
                    or not 0.0 <= self.mlp.blend <= 1.0):
                raise PackError(f"{npz_path}: MLP weights of shapes {self.mlp.w1.shape}, {self.mlp.w2.shape} "
                                f"(blend {self.mlp.blend}) do not fit {inputs} inputs and {k} categories")
        if self.forest is not None:
            hidden = stacked.dense.shape[0] - len(PROFILES) - 1
            labels = k + len(VERDICT_OUTPUTS)
            inputs = 2 * k + len(VERDICT_OUTPUTS) + len(PROFILES) + 1 + RULE_WIDTH * k + labels + 1
            f, b = self.forest, self.bank
            if (f.feature.max() >= inputs or len(f.baseline) != len(CLASSES) or f.feature.shape != f.value.shape
                    or b.components.shape[1] != hidden or b.mean.shape != (hidden,)
                    or b.vectors.shape[1] != b.components.shape[0] or b.labels.shape != (len(b.vectors), labels)):
                raise PackError(f"{npz_path}: the verdict forest or its neighbour bank does not fit {inputs} inputs, "
                                f"{k} categories and an embedding of {hidden}; retrain with tools/train_checker.py")
        self.index = {n: i for i, n in enumerate(self.names)}
        self.mask = {p: np.array([p in self.categories[n].profiles for n in self.names]) for p in PROFILES}
        self.encoder_sha256 = self.meta.get("encoder_sha256")
        hidden = stacked.dense.shape[0] - len(PROFILES) - 1
        # Both heads' embedding weights side by side: one projection gives every word piece's share of each.
        self.project = np.ascontiguousarray(np.hstack([self.heads[h].dense[:hidden] for h in HEADS]))

    def sparse_part(self, head: Head, idx: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-feature contributions (n, K) of the features the model knows, and which features they are."""
        rows = np.searchsorted(self.sparse_idx, idx)
        rows[rows >= len(self.sparse_idx)] = 0
        known = self.sparse_idx[rows] == idx
        return head.sparse_w[rows[known]].astype(np.float32) * val[known, None], known

    def rule_vector(self, found: Iterable) -> np.ndarray:
        return rule_vector(self.index, found)


_lock = threading.Lock()
_model: Model | None = None


def get_model() -> Model:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                model = Model(LEARNED_DIR)
                encoder = enc.get_encoder()
                if model.encoder_sha256 != encoder.sha256:
                    raise PackError(f"{model.dir / 'model.json'}: trained on another encoder "
                                    f"({str(model.encoder_sha256)[:16]}...) than {encoder.dir} "
                                    f"({encoder.sha256[:16]}...); retrain with tools/train_checker.py")
                width = encoder.hidden * len(model.layers or (encoder.layers,))
                if model.project.shape[0] != width or (model.layers and max(model.layers) > encoder.layers):
                    raise PackError(f"{model.dir / 'model.json'}: embedding of {model.project.shape[0]} numbers "
                                    f"(layers {model.layers or 'last'}) that the encoder in {encoder.dir} cannot give; "
                                    "retrain with tools/train_checker.py")
                _model = model
    return _model


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in ("0", "off", "false", "no")
