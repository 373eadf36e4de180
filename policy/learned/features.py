"""What the learned layer's classifiers see of a post, computed the same way at training and at run time:
hashed word, word-pair and character n-grams, the profile and image flags, and the rule layers' evidence."""
from __future__ import annotations

import math
import re
import zlib
from typing import Iterable

import numpy as np

from policy.check_pack import PROFILES


N_HASH = 1 << 18
CHAR_NGRAMS = (3, 4, 5)


_TOKEN = re.compile(r"[^\W_]+(?:['*]+[^\W_]+)*['*]*|[^\w\s]")
_DIGITS = str.maketrans("0123456789", "0000000000")


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


RULE_BANDS = ("high", "medium", "low")  # the rule features of a category: the best band one-hot, then its confidence
RULE_WIDTH = len(RULE_BANDS) + 1


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
