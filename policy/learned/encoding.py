"""The embedding part of a post's score: one post at a time, or many encoded in batches ahead of the
check() calls that need them (``prefetch``)."""
from __future__ import annotations

import contextlib
import contextvars
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Iterable, NamedTuple

import numpy as np

from policy import encoder as enc
from policy.learned.model import Model, enabled


# --- the embedding part, one post or many ---------------------------------------------------

class _Encoded(NamedTuple):
    vector: np.ndarray  # (384 * layers,): each layer's mean, unit length
    piece_scores: np.ndarray  # (pieces, 2K): each word piece's share of the embedding's logits, both heads
    piece_spans: list[tuple[int, int]]


def _encode(texts: list[str], model: Model) -> list[_Encoded]:
    encoder = enc.get_encoder()
    spans = [encoder.wordpiece.encode_with_spans(t, encoder.max_len) for t in texts]
    vectors, shares = encoder.encode_ids([s[0] for s in spans], project=model.project, layers=model.layers)
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
