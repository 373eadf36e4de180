"""The checker's learned layer: one logistic regression per meaning category (issue 11, item 3).

    from policy import learned
    learned.findings("What a bunch of lazy idiots", profile="staff")
    # [LearnedFinding(category="hate_or_abuse", severity="stop", section="3.9", message="...",
    #                 span=(17, 23), confidence=0.93, words=((17, 23), (11, 15)))]

Each category's score is a logistic regression over two kinds of feature: the post's sentence
embedding (policy/encoder.py, all-MiniLM-L6-v2) with the profile and whether there is an image, and
hashed word, word-pair and character n-grams. Inference is numpy only. The weights and each category's
thresholds are data in policy/pack/learned/ (model.npz, model.json), written by tools/train_checker.py
from policy/eval/train/ with thresholds chosen on policy/eval/dev.jsonl; what each category is called
for which profile, its section and its message are in categories.toml. A category applies only to the
profiles listed there (a councillor's post about their own party is not "political").

A score in the high band gives the category's severity; for a few stop categories, where the dev set
showed it pays, a middle band asks for sign-off. Every finding says how sure the checker is and carries
the spans of the words that contributed most (never copies of them: nothing of the text is kept).

For many posts at once (the CSV and JSON-lines modes), ``with learned.prefetch(texts):`` encodes them in
batches ahead of the check() calls that use them.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import math
import os
import re
import threading
import tomllib
import unicodedata
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, NamedTuple

import numpy as np

from policy.check_pack import PROFILES, SEVERITIES, PackError
from policy import encoder as enc

LEARNED_DIR = Path(__file__).resolve().parent / "pack" / "learned"
ENV_SWITCH = "SMPOLICY_LEARNED"  # "0" or "off": rules only (for measuring the layers separately)
N_HASH = 1 << 18
CHAR_NGRAMS = (3, 4, 5)
TOP_WORDS = 3
_TOKEN = re.compile(r"[^\W_]+(?:['*]+[^\W_]+)*['*]*|[^\w\s]")
_DIGITS = str.maketrans("0123456789", "0000000000")
_SEVERITY_NAMES = {"stop", "sign_off", "advice"}


class LearnedFinding(NamedTuple):
    """Shaped like the rule engine's RawFinding, plus how sure and which words."""

    category: str
    severity: str
    section: str
    message: str
    span: tuple[int, int] | None  # the word that contributed most
    confidence: float  # the model's probability, 0-1
    words: tuple[tuple[int, int], ...]  # spans of the words that contributed most, strongest first


# --- features (shared with tools/train_checker.py) ------------------------------------------

def _lower(text: str) -> str:
    """Lower case without moving offsets; curly apostrophes straightened; digits all 0."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("\u2019", "'").translate(_DIGITS)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """The words and symbols the n-grams are made of, with their offsets in ``text``."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(_lower(text))]


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8", "surrogatepass")) & (N_HASH - 1)


def hashed_features(toks: list[tuple[str, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hashed n-gram features of one post: (bucket ids, values, owner token, second owner token).

    Binary features scaled to unit length: word unigrams, word pairs, and character 3-5-grams of each
    word with boundary marks. Each feature is owned by the word it came from (a pair by both).
    """
    seen: dict[str, tuple[int, int]] = {}
    words = [t[0] for t in toks]
    for i, w in enumerate(words):
        seen.setdefault("w|" + w, (i, i))
        if i:
            seen.setdefault("b|" + words[i - 1] + "|" + w, (i - 1, i))
        if w[0].isalnum() or w[0] in "'*":
            padded = "<" + w + ">"
            for n in CHAR_NGRAMS:
                for j in range(len(padded) - n + 1):
                    seen.setdefault("c|" + padded[j:j + n], (i, i))
    if not seen:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0, dtype=np.float32), empty, empty
    idx = np.fromiter((_bucket(f) for f in seen), dtype=np.int64, count=len(seen))
    owners = np.array(list(seen.values()), dtype=np.int64)
    val = np.full(len(seen), 1.0 / math.sqrt(len(seen)), dtype=np.float32)
    return idx, val, owners[:, 0], owners[:, 1]


def dense_extra(profile: str, has_image: bool) -> np.ndarray:
    """The profile (one-hot) and whether the post has an image: 5 numbers after the embedding."""
    out = np.zeros(len(PROFILES) + 1, dtype=np.float32)
    out[PROFILES.index(profile)] = 1.0
    out[-1] = 1.0 if has_image else 0.0
    return out


# --- the pack's data -------------------------------------------------------------------------

@dataclass(frozen=True)
class Category:
    name: str
    profiles: frozenset[str]
    severity: str
    section: dict[str, str]
    message: dict[str, str]
    maybe: str | None


def _by_profile(value, where: str) -> dict[str, str]:
    if isinstance(value, str):
        value = {"default": value}
    if not isinstance(value, dict):
        raise PackError(f"{where}: expected a string or a table by profile")
    unknown = set(value) - set(PROFILES) - {"default"}
    if unknown:
        raise PackError(f"{where}: unknown profile {sorted(unknown)[0]!r}")
    out = {}
    for p in PROFILES:
        v = value.get(p, value.get("default"))
        if not isinstance(v, str) or not v.strip():
            raise PackError(f"{where}: no value for profile {p!r}")
        out[p] = v
    return out


def load_categories(path: Path) -> dict[str, Category]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackError(f"{path}: {exc}") from None
    out = {}
    for name, spec in data.items():
        where = f"{path}: [{name}]"
        if not isinstance(spec, dict):
            raise PackError(f"{where}: expected a table")
        profiles = spec.get("profiles", list(PROFILES))
        if not isinstance(profiles, list) or not profiles or any(p not in PROFILES for p in profiles):
            raise PackError(f"{where} key \"profiles\": expected a list drawn from {', '.join(PROFILES)}")
        severity = spec.get("severity")
        if severity not in _SEVERITY_NAMES:
            raise PackError(f"{where} key \"severity\": expected one of {', '.join(sorted(_SEVERITY_NAMES))}")
        message = _by_profile(spec.get("message"), f'{where} key "message"')
        for p, m in message.items():
            if "{section}" not in m:
                raise PackError(f'{where} key "message": the message for {p} must cite {{section}}')
        maybe = spec.get("maybe")
        if maybe is not None and not isinstance(maybe, str):
            raise PackError(f'{where} key "maybe": expected a string')
        out[name] = Category(name, frozenset(profiles), severity,
                             _by_profile(spec.get("section"), f'{where} key "section"'), message, maybe)
    return out


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
        with np.load(npz_path) as z:
            self.dense = np.ascontiguousarray(z["dense"], dtype=np.float32)  # (389, K)
            self.sparse_idx = np.ascontiguousarray(z["sparse_idx"], dtype=np.int64)  # (M,) sorted
            self.sparse_w = np.ascontiguousarray(z["sparse_w"])  # (M, K) float16
            self.bias = np.ascontiguousarray(z["bias"], dtype=np.float32)  # (K,)
        self.names: list[str] = list(self.meta["categories"])
        if self.meta.get("n_hash") != N_HASH or list(self.meta.get("char_ngrams", [])) != list(CHAR_NGRAMS):
            raise PackError(f"{meta_path}: trained with other features than policy/learned.py computes; retrain")
        unknown = [n for n in self.names if n not in self.categories]
        if unknown:
            raise PackError(f"{meta_path}: category {unknown[0]!r} is not in categories.toml")
        self.high = np.array([self.meta["thresholds"][n]["high"] for n in self.names], dtype=np.float32)
        self.mid = np.array([self.meta["thresholds"][n].get("mid") or 2.0 for n in self.names], dtype=np.float32)
        self.mask = {p: np.array([p in self.categories[n].profiles for n in self.names]) for p in PROFILES}
        self.encoder_sha256 = self.meta.get("encoder_sha256")

    def sparse_part(self, idx: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-feature contributions (n, K) of the features the model knows, and which features they are."""
        rows = np.searchsorted(self.sparse_idx, idx)
        rows[rows >= len(self.sparse_idx)] = 0
        known = self.sparse_idx[rows] == idx
        return self.sparse_w[rows[known]].astype(np.float32) * val[known, None], known


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
                    raise PackError(f"{LEARNED_DIR / 'model.json'}: trained on another encoder "
                                    f"({str(model.encoder_sha256)[:16]}...) than {encoder.dir} "
                                    f"({encoder.sha256[:16]}...); retrain with tools/train_checker.py")
                _model = model
    return _model


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in ("0", "off", "false", "no")


# --- the embedding part, one post or many ---------------------------------------------------

class _Encoded(NamedTuple):
    vector: np.ndarray  # (384,) unit length
    piece_scores: np.ndarray  # (pieces, K): each word piece's share of the embedding's logits
    piece_spans: list[tuple[int, int]]


def _encode(texts: list[str], model: Model) -> list[_Encoded]:
    encoder = enc.get_encoder()
    spans = [encoder.wordpiece.encode_with_spans(t, encoder.max_len) for t in texts]
    vectors, shares = encoder.encode_ids([s[0] for s in spans], project=model.dense[:encoder.hidden])
    return [_Encoded(vectors[i], shares[i], spans[i][1]) for i in range(len(texts))]


_prefetched: contextvars.ContextVar["_Prefetch | None"] = contextvars.ContextVar("learned_prefetch", default=None)


class _Prefetch:
    """Texts about to be checked, encoded a chunk at a time ahead of the check() that needs each: while
    one chunk's posts are being checked (the rules, in Python), the next chunk is encoded (numpy, on
    the other cores)."""

    def __init__(self, texts: list[str], chunk: int):
        self.texts, self.chunk, self.pos = texts, chunk, 0
        self.ready: dict[str, _Encoded] = {}
        self.pending: tuple[set[str], list[str], Future] | None = None

    def _next(self, start: int, model: Model) -> None:
        todo = list(dict.fromkeys(self.texts[start:start + self.chunk]))
        self.pending = (set(todo), todo, _background().submit(_encode, todo, model)) if todo else None

    def get(self, text: str, model: Model) -> _Encoded:
        hit = self.ready.get(text)
        if hit is not None:
            return hit
        pending = self.pending
        if pending is not None and text in pending[0]:
            self.ready = dict(zip(pending[1], pending[2].result()))
        else:
            try:
                start = self.texts.index(text, self.pos)
            except ValueError:  # not one of the texts announced: encode it alone
                return _encode([text], model)[0]
            if pending is not None:
                pending[2].result()  # never two batches at once
            todo = list(dict.fromkeys(self.texts[start:start + self.chunk]))
            self.ready = dict(zip(todo, _encode(todo, model)))
            self.pos = start
        self.pos = self._after(self.pos)
        self._next(self.pos, model)
        return self.ready[text]

    def close(self) -> None:
        if self.pending is not None:
            self.pending[2].cancel()  # a batch already under way finishes; its result is dropped
            self.pending = None
        self.ready = {}

    def _after(self, start: int) -> int:
        """The first position from ``start`` whose text is not ready."""
        i = start
        while i < len(self.texts) and self.texts[i] in self.ready:
            i += 1
        return i


_bg_lock = threading.Lock()
_bg: ThreadPoolExecutor | None = None


def _background() -> ThreadPoolExecutor:
    global _bg
    if _bg is None:
        with _bg_lock:
            if _bg is None:
                _bg = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
    return _bg


@contextlib.contextmanager
def prefetch(texts: Iterable[str], chunk: int = 256):
    """Within this block, check() on these texts (in this order) uses batched encoding."""
    if not enabled():
        yield
        return
    pre = _Prefetch([t if isinstance(t, str) else "" for t in texts], chunk)
    token = _prefetched.set(pre)
    try:
        yield
    finally:
        _prefetched.reset(token)
        pre.close()


# --- scoring and findings -------------------------------------------------------------------

def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def score(text: str, profile: str = "staff", has_image: bool = False) -> dict[str, float]:
    """Every category's probability for this post and profile (masked categories left out)."""
    model = get_model()
    probs, *_ = _score(model, text, profile, has_image)
    return {n: float(probs[k]) for k, n in enumerate(model.names) if model.mask[profile][k]}


def _score(model: Model, text: str, profile: str, has_image: bool):
    pre = _prefetched.get()
    e = pre.get(text, model) if pre is not None else _encode([text], model)[0]
    toks = tokens(text)
    idx, val, own1, own2 = hashed_features(toks)
    contrib, known = model.sparse_part(idx, val)
    extra = dense_extra(profile, has_image)
    logits = model.bias + e.vector @ model.dense[:len(e.vector)] + extra @ model.dense[len(e.vector):]
    logits = logits + contrib.sum(axis=0)
    return _sigmoid(logits), e, toks, contrib, own1[known], own2[known]


def _top_words(toks, e: _Encoded, contrib, own1, own2, k: int) -> tuple[tuple[int, int], ...]:
    """The spans of the words that raised category ``k``'s score most."""
    if not toks:
        return ()
    share = np.zeros(len(toks), dtype=np.float32)
    half = contrib[:, k] * 0.5
    np.add.at(share, own1, half)
    np.add.at(share, own2, half)
    starts = np.array([t[1] for t in toks], dtype=np.int64)
    ends = np.array([t[2] for t in toks], dtype=np.int64)
    for (s, t_end), value in zip(e.piece_spans, e.piece_scores[:, k]):
        if t_end > s:  # [CLS] and [SEP] belong to no word
            i = int(np.searchsorted(starts, s, side="right")) - 1
            if i >= 0 and s < ends[i]:
                share[i] += value
    order = [i for i in np.argsort(-share) if share[i] > 0 and not _punctuation(toks[i][0])]
    if not order:
        return ()
    best = share[order[0]]
    return tuple((toks[i][1], toks[i][2]) for i in order[:TOP_WORDS] if share[i] >= 0.25 * best)


def _punctuation(token: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in token)


def findings(text: str, profile: str = "staff", has_image: bool = False,
             skip: Iterable[str] = ()) -> list[LearnedFinding]:
    """The learned layer's findings for one post, most sure first; categories in ``skip`` (already
    found by the rules) are left out. Empty when the layer is switched off (SMPOLICY_LEARNED=0)."""
    if not enabled() or not text.strip():
        return []
    model = get_model()
    probs, e, toks, contrib, own1, own2 = _score(model, text, profile, bool(has_image))
    skip = set(skip)
    out = []
    for k, name in enumerate(model.names):
        if not model.mask[profile][k] or name in skip:
            continue
        p = float(probs[k])
        cat = model.categories[name]
        if p >= model.high[k]:
            severity = cat.severity
            section = cat.section[profile]
            message = cat.message[profile].format(section=section)
        elif p >= model.mid[k] and cat.maybe and SEVERITIES[cat.severity] > SEVERITIES["sign_off"]:
            severity = "sign_off"
            section = cat.section[profile]
            message = (f"{cat.maybe} ({section}). The checker isn't sure, so ask your manager or the "
                       "Communications Team to look at it before you post.")
        else:
            continue
        message += f" The checker is {min(99, max(1, round(p * 100)))}% sure."
        words = _top_words(toks, e, contrib, own1, own2, k)
        out.append(LearnedFinding(name, severity, section, message, words[0] if words else None, p, words))
    out.sort(key=lambda f: (-SEVERITIES[f.severity], -f.confidence))
    return out


def warm() -> None:
    """Load the encoder and the model now (start-up), rather than on the first check."""
    if enabled():
        get_model()
