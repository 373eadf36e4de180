"""The checker's learned layer: one logistic regression per meaning category (issue 11, item 3), stacked on
the rule layers' evidence.

    from policy import learned
    learned.findings("What a bunch of lazy idiots", profile="staff")      # the learned layer alone
    # [LearnedFinding(category="hate_or_abuse", severity="stop", section="3.9", message="...",
    #                 span=(17, 23), confidence=0.93, evidence=(("weighed towards this", 17, 23), ...))]

Each category's score is a logistic regression over: the post's sentence embedding (policy/encoder.py,
all-MiniLM-L6-v2) with the profile and whether there is an image; hashed word, word-pair and character
n-grams; and what the rule layers found (for each category, the best band its rules reached, high, medium
or low, one-hot, and that finding's confidence, 0-1). So the model learns when a rule hit is a false alarm
("never give your card details") and when a weak rule hit plus the meaning is enough (a mistyped number
beside "ring her"). Inference is numpy only. The weights and each category's threshold are data in
policy/pack/learned/ (model.npz, model.json), written by tools/train_checker.py from policy/eval/train/ and
dev.jsonl together, with thresholds chosen on out-of-fold scores; what each category is called for which
profile, its section, its message and its hard overrides are in categories.toml. A category applies only to
the profiles listed there (a councillor's post about their own party is not "political"); for the others
the rules' findings stand as they are.

``decide`` turns the scores and the rule findings into what the checker reports: a category whose score
reaches its threshold is flagged at its severity (keeping the rules' findings, with their words, where the
rules found it); a rule finding whose category scores below it is dropped as a false alarm, unless it is one
of the hard overrides (a validated identifier in its frame at high confidence: a Luhn-valid card with card
words, a password or one-time code, an NI or NHS number), which always stop. Every finding says how sure the
checker is and which words triggered it, as spans (never copies: nothing of the text is kept).

The model also carries a second head trained on the text alone (no rule evidence): ``findings`` uses it, so
that the learned layer can be measured apart from the rules (bench/checker_eval.py).

For many posts at once (the CSV and JSON-lines modes), ``with learned.prefetch(texts):`` encodes them in
batches ahead of the check() calls that use them. ``warm()`` loads everything at start-up.
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


WEIGHED = "weighed towards this"  # the evidence label of a word the learned layer leaned on


class LearnedFinding(NamedTuple):
    """Shaped like the checker's Finding: the five public fields, how sure, and which words."""

    category: str
    severity: str
    section: str
    message: str
    span: tuple[int, int] | None  # the word that contributed most
    confidence: float  # the model's probability, 0-1
    evidence: tuple[tuple[str, int, int], ...]  # (label, start, end) of the words that contributed most


class Override(NamedTuple):
    """A rule finding that stops the post whatever the score: the rule's id, at high confidence, and words
    its evidence must name (each a piece of an evidence label, e.g. "passing the Luhn check")."""

    rule: str
    evidence: tuple[str, ...] = ()

    def holds(self, f) -> bool:
        if getattr(f, "rule", None) != self.rule or getattr(f, "confidence", None) != "high":
            return False
        labels = [label for label, _, _ in f.evidence]
        return all(any(want in label for label in labels) for want in self.evidence)


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
    always_stop: tuple[Override, ...] = ()


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
        unknown = set(spec) - {"profiles", "severity", "section", "message", "always_stop"}
        if unknown:
            raise PackError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        overrides = []
        for i, o in enumerate(spec.get("always_stop", [])):
            if (not isinstance(o, dict) or not isinstance(o.get("rule"), str) or set(o) - {"rule", "evidence"}
                    or not all(isinstance(e, str) and e for e in o.get("evidence", []))):
                raise PackError(f'{where} key "always_stop" item {i + 1}: expected {{ rule = "id", '
                                'evidence = ["words in its evidence", ...] }')
            overrides.append(Override(o["rule"], tuple(o.get("evidence", []))))
        if overrides and severity != "stop":
            raise PackError(f'{where} key "always_stop": only a stop category has hard overrides')
        out[name] = Category(name, frozenset(profiles), severity,
                             _by_profile(spec.get("section"), f'{where} key "section"'), message, tuple(overrides))
    return out


RULE_BANDS = ("high", "medium", "low")  # the rule features of a category: the best band one-hot, then its confidence
RULE_WIDTH = len(RULE_BANDS) + 1
HEADS = ("stacked", "text")  # with the rules' evidence (what check() uses); the text alone (the layer measured apart)


class Head(NamedTuple):
    dense: np.ndarray  # (389, K): embedding, then the profile and image flags
    sparse_w: np.ndarray  # (M, K) float16: the n-gram buckets in Model.sparse_idx
    bias: np.ndarray  # (K,)
    rule_w: np.ndarray | None  # (RULE_WIDTH * K, K): the rules' evidence, or None for the text head
    high: np.ndarray  # (K,) each category's threshold


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
        if (self.meta.get("n_hash") != N_HASH or list(self.meta.get("char_ngrams", [])) != list(CHAR_NGRAMS)
                or list(self.meta.get("rule_bands", [])) != list(RULE_BANDS)):
            raise PackError(f"{meta_path}: trained with other features than policy/learned.py computes; retrain")
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
        except (KeyError, ValueError) as exc:
            raise PackError(f"{npz_path} or {meta_path}: not the layout policy/learned.py reads ({exc}); "
                            "retrain with tools/train_checker.py") from None
        stacked = self.heads["stacked"]
        if stacked.rule_w.shape != (RULE_WIDTH * k, k):
            raise PackError(f"{npz_path}: rule weights of shape {stacked.rule_w.shape}, not {(RULE_WIDTH * k, k)}")
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


def rule_vector(index: dict[str, int], found: Iterable) -> np.ndarray:
    """The rules' evidence as features: for each category (``index``: name -> position), its best finding's
    band one-hot (high, medium, low) and that finding's confidence (0-1); zeros where the rules found nothing.
    ``found`` is the rule engine's findings and its quiet matches (check_engine.RawFinding)."""
    out = np.zeros((len(index), RULE_WIDTH), dtype=np.float32)
    best = np.zeros(len(index), dtype=np.float32)
    for f in found:
        k = index.get(f.category)
        band = getattr(f, "confidence", None)
        if k is None or band not in RULE_BANDS:
            continue
        score = f.confidence_score
        key = (len(RULE_BANDS) - RULE_BANDS.index(band)) + score  # the best band, then the surest in it
        if key > best[k]:
            best[k] = key
            out[k, :len(RULE_BANDS)] = 0.0
            out[k, RULE_BANDS.index(band)] = 1.0
            out[k, -1] = score
    return out.reshape(-1)


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
                _model = model
    return _model


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in ("0", "off", "false", "no")


# --- the embedding part, one post or many ---------------------------------------------------

class _Encoded(NamedTuple):
    vector: np.ndarray  # (384,) unit length
    piece_scores: np.ndarray  # (pieces, 2K): each word piece's share of the embedding's logits, both heads
    piece_spans: list[tuple[int, int]]


def _encode(texts: list[str], model: Model) -> list[_Encoded]:
    encoder = enc.get_encoder()
    spans = [encoder.wordpiece.encode_with_spans(t, encoder.max_len) for t in texts]
    vectors, shares = encoder.encode_ids([s[0] for s in spans], project=model.project)
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


class Scored(NamedTuple):
    """One post's scores by one head, with what is needed to say which words weighed."""

    model: Model
    head: str
    profile: str
    probs: np.ndarray  # (K,)
    encoded: _Encoded
    toks: list
    contrib: np.ndarray  # (known n-grams, K)
    own1: np.ndarray
    own2: np.ndarray

    def judged(self) -> dict[str, float]:
        """Each category this profile is judged on, with its probability."""
        m = self.model
        return {n: float(self.probs[k]) for k, n in enumerate(m.names) if m.mask[self.profile][k]}

    def flagged(self) -> dict[str, float]:
        """The categories at or above their threshold."""
        high = self.model.heads[self.head].high
        return {n: p for n, p in self.judged().items() if p >= high[self.model.index[n]]}

    def evidence(self, category: str) -> tuple[tuple[str, int, int], ...]:
        """The words that raised this category's score most, strongest first, as (label, start, end)."""
        k = self.model.index[category]
        column = k if self.head == "stacked" else len(self.model.names) + k
        words = _top_words(self.toks, self.encoded, self.contrib, self.own1, self.own2, k, column)
        return tuple((WEIGHED, a, b) for a, b in words)

    def finding(self, category: str) -> LearnedFinding:
        """The learned layer's own finding for a category (where no rule found it)."""
        cat = self.model.categories[category]
        p = float(self.probs[self.model.index[category]])
        section = cat.section[self.profile]
        message = cat.message[self.profile].format(section=section) + " " + sure(p)
        evidence = self.evidence(category)
        return LearnedFinding(category, cat.severity, section, message,
                              (evidence[0][1], evidence[0][2]) if evidence else None, p, evidence)


def sure(p: float) -> str:
    return f"The checker is {min(99, max(1, round(p * 100)))}% sure."


def _score(model: Model, text: str, profile: str, has_image: bool, rules=None) -> Scored:
    """Score one post: with ``rules`` (the rule engine's findings and quiet matches) the stacked head, without
    them the text head."""
    head_name = "text" if rules is None else "stacked"
    head = model.heads[head_name]
    pre = _prefetched.get()
    e = pre.get(text, model) if pre is not None else _encode([text], model)[0]
    toks = tokens(text)
    idx, val, own1, own2 = hashed_features(toks)
    contrib, known = model.sparse_part(head, idx, val)
    extra = dense_extra(profile, has_image)
    hidden = len(e.vector)
    logits = head.bias + e.vector @ head.dense[:hidden] + extra @ head.dense[hidden:] + contrib.sum(axis=0)
    if head.rule_w is not None:
        logits = logits + model.rule_vector(rules) @ head.rule_w
    return Scored(model, head_name, profile, _sigmoid(logits), e, toks, contrib, own1[known], own2[known])


def score(text: str, profile: str = "staff", has_image: bool = False, rules=None) -> dict[str, float]:
    """Every category's probability for this post and profile (masked categories left out): with ``rules``
    (the rule engine's findings, and its quiet matches) as check() scores it; without, the text alone."""
    return _score(get_model(), text, profile, has_image, rules).judged()


def judge(text: str, profile: str, has_image: bool, rules) -> Scored:
    """The stacked head's scores for one post, given what the rule layers found (findings and quiet matches)."""
    return _score(get_model(), text, profile, bool(has_image), list(rules))


def _top_words(toks, e: _Encoded, contrib, own1, own2, k: int, column: int) -> tuple[tuple[int, int], ...]:
    """The spans of the words that raised category ``k``'s score most (``column``: its embedding share)."""
    if not toks:
        return ()
    share = np.zeros(len(toks), dtype=np.float32)
    half = contrib[:, k] * 0.5
    np.add.at(share, own1, half)
    np.add.at(share, own2, half)
    starts = np.array([t[1] for t in toks], dtype=np.int64)
    ends = np.array([t[2] for t in toks], dtype=np.int64)
    for (s, t_end), value in zip(e.piece_spans, e.piece_scores[:, column]):
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


def findings(text: str, profile: str = "staff", has_image: bool = False) -> list[LearnedFinding]:
    """The learned layer alone (the text head, no rule evidence): its findings for one post, most severe and
    most sure first. Empty when the layer is switched off (SMPOLICY_LEARNED=0). check() does not use this:
    it scores with the rules' evidence (``judge``) and combines the two (``decide``)."""
    if not enabled() or not text.strip():
        return []
    scored = _score(get_model(), text, profile, bool(has_image))
    out = [scored.finding(name) for name in scored.flagged()]
    out.sort(key=lambda f: (-SEVERITIES[f.severity], -f.confidence))
    return out


# --- the rules and the scores together -------------------------------------------------------

class Decision(NamedTuple):
    """What the checker reports for one finding: the category, its severity, how sure, and where it came from.

    ``rule`` is the rule finding it keeps (its span and evidence), or None for the learned layer's own
    finding; ``why`` is "learned" (the score reached the threshold), "override" (a hard override: a validated
    identifier stops whatever the score) or "rules" (a category the learned layer does not judge for this
    profile: the rules' finding stands as it is)."""

    category: str
    severity: str
    confidence: float
    rule: object | None
    why: str


def decide(categories: dict[str, Category], judged: dict[str, float], flagged: dict[str, float],
           found: list) -> list[Decision]:
    """Combine the rule findings (``found``, from the rule engine: findings with a severity, not the quiet
    matches) with the learned scores: ``judged`` is every category the learned layer judges for this profile
    and its probability, ``flagged`` those at or above their threshold.

    - A judged category that is flagged: each of its rule findings at the category's severity (a medium-band
      finding that asked for sign-off stops if the category is a stop one); none, the learned layer's own.
    - A judged category that is not flagged: its rule findings are dropped, except the hard overrides.
    - A category not judged (not learned, or not for this profile): the rule findings as they are.

    Pure: tools/train_checker.py calls it with out-of-fold scores to measure the method it ships."""
    out: list[Decision] = []
    covered: set[str] = set()
    for f in found:
        cat = f.category
        if cat not in judged:
            out.append(Decision(cat, f.severity, f.confidence_score or 1.0, f, "rules"))
        elif cat in flagged:
            out.append(Decision(cat, categories[cat].severity, flagged[cat], f, "learned"))
            covered.add(cat)
        elif any(o.holds(f) for o in categories[cat].always_stop):
            out.append(Decision(cat, "stop", max(judged[cat], f.confidence_score), f, "override"))
    for cat, p in flagged.items():
        if cat not in covered:
            out.append(Decision(cat, categories[cat].severity, p, None, "learned"))
    return out


def warm() -> None:
    """Load the encoder and the model now (server start-up, or before timing), rather than on the first check,
    and run one post through them so that the first person's check is not the slow one."""
    if enabled():
        model = get_model()
        _score(model, "Warm-up: the library is open on Saturday.", "staff", False, [])
