"""A sentence encoder in plain numpy: all-MiniLM-L6-v2 (6-layer BERT, 384 dimensions).

    from policy.encoder import get_encoder
    vectors = get_encoder().encode(["Bin collections move to Saturday", "..."])   # (n, 384), unit length

What it does is what sentence-transformers does with this model: BERT WordPiece tokens (uncased),
at most 256 of them with [CLS] and [SEP], six transformer layers, the mean of the token vectors
(padding excluded) and L2 normalisation. With ``layers`` (e.g. ``(6, 4)``), the vector is the means of those
layers' outputs side by side, each L2-normalised (``(n, 384 * len(layers))``): an earlier layer's mean comes
from the same pass at no extra cost, and keeps more of the words than the last layer's (the learned layer
uses it, policy/pack/learned/model.json "embedding_layers"). No torch: the weights are numpy arrays converted by
tools/build_encoder.py into policy/pack/encoder/ (or the directory named by SMPOLICY_ENCODER_DIR,
a council's own copy), and both files are checked against the SHA-256 in the pack's manifest before
they are used. The encoder is loaded lazily, once per process.

The tokenizer is policy/wordpiece.py. tests/policy/test_learned.py checks both against ids and a vector the
reference produced.

What it costs (bench/checker_cost.py): the matrix products are almost all of it, in float32 on a single-threaded
BLAS. Many posts run as batches grouped by length, side by side on the encoder's threads; one long post runs
each layer by halves on two threads (``split``); the server's check starts a post's pass on another thread
while the rules run (``Encoder.ahead``). Each gives exactly the numbers of the plain pass.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from policy.check_pack import PackError
from policy.wordpiece import WordPiece

PACK_ENCODER_DIR = Path(__file__).resolve().parent / "pack" / "encoder"
ENV_DIR = "SMPOLICY_ENCODER_DIR"
BATCH = 64  # at most this many posts per forward pass in encode(); sorted by length so padding stays small
BATCH_TOKENS = 1024  # and at most this many (padded) tokens: bounds the working memory of a pass (~20 MB)
SPLIT_TOKENS = 64  # a single pass over at least this many tokens runs each layer by halves on two threads
ENV_THREADS = "SMPOLICY_ENCODER_THREADS"  # batches run on this many threads (default: the usable cores, <= 4)


class EncoderError(PackError):
    """The encoder's files are missing, altered or malformed. One line naming the file."""


# --- the model -------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, in place, in its tanh form. BERT's is the erf form; numpy has no vectorised erf, and a
    polynomial erf cost as much as the feed-forward matrix product. Measured against the reference
    embeddings: cosine >= 0.99999 either way, so the cheaper form is used."""
    t = x * x
    t *= 0.044715
    t += 1.0
    t *= x
    t *= 0.7978845608028654  # sqrt(2 / pi)
    np.tanh(t, out=t)
    t += 1.0
    x *= t
    x *= 0.5
    return x


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(axis=-1, keepdims=True)
    x = x - mu
    var = np.mean(x * x, axis=-1, keepdims=True)
    x *= 1.0 / np.sqrt(var + eps)
    x *= g
    x += b
    return x


class Encoder:
    def __init__(self, directory: Path, manifest: dict):
        self.dir = directory
        self.max_len = int(manifest["max_len"])
        self.heads = int(manifest["heads"])
        self.hidden = int(manifest["hidden"])
        self.layers = int(manifest["layers"])
        self.eps = float(manifest["layer_norm_eps"])
        self.sha256 = manifest["files"]["encoder.npz"]
        if self.heads % 2 or self.hidden % self.heads:
            raise EncoderError(f"{directory / 'manifest.json'}: {self.heads} heads of {self.hidden} cannot be halved")
        vocab = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")
        if vocab and vocab[-1] == "":
            vocab.pop()
        self.wordpiece = WordPiece(vocab)
        self.w = self._load(directory / "encoder.npz")

    def _load(self, path: Path) -> dict[str, np.ndarray]:
        """The weights as float32 (the word embeddings as float16), read one array at a time so that the
        process holds one copy of them, not the file's half-precision copy beside ours."""
        w: dict[str, np.ndarray] = {}
        try:
            with np.load(path) as z:
                for name in z.files:
                    if name.endswith(".scale"):
                        continue
                    arr = z[name]
                    if arr.dtype == np.int8:
                        scale = z[name + ".scale"]
                        arr = arr.astype(np.float32) * (scale[:, None] if name == "word" else scale)
                    if name == "word":
                        # 30,522 rows of which a post uses a few dozen: kept half-size, rows widened on use.
                        w[name] = arr.astype(np.float16)
                    else:
                        # Every product runs in float32: numpy has no fast half-precision matrix product.
                        if name.endswith((".qkv.w", ".qkv.b")):
                            arr = self._by_half(arr)
                        w[name] = np.ascontiguousarray(arr, dtype=np.float32)
                    del arr
        except Exception as exc:  # noqa: BLE001 - a damaged file of any kind is one line
            raise EncoderError(f"{path}: cannot read the encoder weights ({exc})") from None
        return w

    def _by_half(self, qkv: np.ndarray) -> np.ndarray:
        """The query, key and value columns reordered [q k v of heads 0-5 | q k v of heads 6-11], so that each
        half of the heads is one block of columns: a half's projection and attention need nothing of the other's
        (the same numbers, only their order differs)."""
        d = self.hidden
        q, k, v = (qkv[..., j * d:(j + 1) * d] for j in range(3))
        half = d // 2
        return np.concatenate([m[..., h * half:(h + 1) * half] for h in (0, 1) for m in (q, k, v)], axis=-1)

    # -- forward pass ---------------------------------------------------------------------
    def ids(self, text: str) -> list[int]:
        return self.wordpiece.encode(text, self.max_len)

    def _layers(self, layers) -> tuple[int, ...]:
        layers = (self.layers,) if layers is None else tuple(int(i) for i in layers)
        if not layers or any(not 1 <= i <= self.layers for i in layers):
            raise ValueError(f"layers must be drawn from 1-{self.layers}, not {layers}")
        return layers

    def _forward(self, batch: list[list[int]], project: np.ndarray | None = None, split: bool = False,
                 layers: tuple[int, ...] | None = None):
        """Mean-pooled, L2-normalised vectors for token id lists (one forward pass): the last layer's, or with
        ``layers`` each of those layers' (1 = the first transformer layer's output) side by side.

        With ``project`` (384 * len(layers), k), also each token's share of ``vector @ project``: each pooled
        vector is a mean of token vectors, so (token vector @ its block of project) / (tokens * norm), summed
        over the layers, sums exactly to it.

        With ``split``, each layer's work is done in two halves side by side, one on the encoder's other
        thread (each matrix product by halves of its columns, attention by halves of the heads): what makes
        one long post take half the time on two cores. The numbers are the same either way."""
        w = self.w
        n, length = len(batch), max(len(b) for b in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, b in enumerate(batch):
            ids[i, :len(b)] = b
            mask[i, :len(b)] = 1.0
        d = self.hidden
        x = w["word"][ids].astype(np.float32)
        x += w["pos_type"][:length]
        x = _layer_norm(x.reshape(n * length, d), w["emb_ln.g"], w["emb_ln.b"], self.eps)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]  # (n, 1, 1, L): padding gets no attention
        both = _Halves(_pool() if split else None)
        layers = self._layers(layers)
        counts = np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        pooled_parts, shares = [], None
        for i in range(max(layers)):
            x = self._layer(f"l{i}.", x, n, length, bias, both)
            for j, wanted in enumerate(layers):
                if wanted != i + 1:
                    continue
                xs = x.reshape(n, length, d)
                pooled = (xs * mask[:, :, None]).sum(axis=1) / counts
                norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
                pooled /= norms
                pooled_parts.append((j, pooled))
                if project is not None:
                    part = (xs @ project[j * d:(j + 1) * d]) / (counts * norms)[:, :, None]  # (n, L, k)
                    shares = part if shares is None else shares + part
        pooled = np.hstack([p for _, p in sorted(pooled_parts, key=lambda jp: jp[0])])
        if project is None:
            return pooled, None
        return pooled, [shares[i, :len(b)] for i, b in enumerate(batch)]

    def _layer(self, p: str, x: np.ndarray, n: int, length: int, bias: np.ndarray, both: "_Halves") -> np.ndarray:
        """One transformer layer over (n * length, 384) token vectors."""
        w, d, eps = self.w, self.hidden, self.eps
        heads, hd = self.heads // 2, self.hidden // self.heads  # per half
        scale = np.float32(1.0 / np.sqrt(hd))

        def attend(half: int) -> np.ndarray:
            """This half's heads: their query, key and value projections, attention, and context columns."""
            cols = slice(half * 3 * heads * hd, (half + 1) * 3 * heads * hd)
            qkv = x @ w[p + "qkv.w"][:, cols]
            qkv += w[p + "qkv.b"][cols]
            qkv = qkv.reshape(n, length, 3, heads, hd).transpose(2, 0, 3, 1, 4)  # (3, n, heads, L, hd)
            q, k, v = qkv[0], qkv[1], qkv[2]
            s = q @ k.transpose(0, 1, 3, 2)
            s *= scale
            s += bias
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            return (s @ v).transpose(0, 2, 1, 3).reshape(n * length, heads * hd)

        ctx = both.columns(attend)
        a = both.columns(lambda half: _affine(ctx, w[p + "ao.w"], w[p + "ao.b"], half, d // 2))
        a += x
        x = _layer_norm(a, w[p + "ln1.g"], w[p + "ln1.b"], eps)
        inner = w[p + "ff1.w"].shape[1] // 2
        h = both.columns(lambda half: _gelu(_affine(x, w[p + "ff1.w"], w[p + "ff1.b"], half, inner)))
        f = both.columns(lambda half: _affine(h, w[p + "ff2.w"], w[p + "ff2.b"], half, d // 2))
        f += x
        return _layer_norm(f, w[p + "ln2.g"], w[p + "ln2.b"], eps)

    def encode_ids(self, all_ids: list[list[int]], batch_size: int = BATCH, project: np.ndarray | None = None,
                   batch_tokens: int = BATCH_TOKENS, layers: tuple[int, ...] | None = None):
        """Vectors (n, 384 * len(layers)) for token id lists, grouped by length into batches; with ``project``,
        also each post's per-token shares (see _forward). Several batches run side by side on the encoder's
        threads; one batch of at least SPLIT_TOKENS tokens runs each layer by halves on them instead.
        Within ``ahead(ids, project)``, those ids with that projection take the result encoded ahead."""
        layers = self._layers(layers)
        pending = _ahead.get()
        if (pending is not None and len(all_ids) == 1 and pending[1] is project and pending[0] == all_ids[0]
                and pending[3] == layers):
            _ahead.set(None)  # used once
            return pending[2].result()
        out = np.zeros((len(all_ids), self.hidden * len(layers)), dtype=np.float32)
        shares: list = [None] * len(all_ids)
        order = sorted(range(len(all_ids)), key=lambda i: len(all_ids[i]))
        chunks: list[list[int]] = []
        for i in order:  # ascending length, so the post being added is the longest in its chunk
            if chunks and len(chunks[-1]) < batch_size and (len(chunks[-1]) + 1) * len(all_ids[i]) <= batch_tokens:
                chunks[-1].append(i)
            else:
                chunks.append([i])
        pool = _pool() if len(chunks) > 1 else None

        def run(chunk):
            batch = [all_ids[i] for i in chunk]
            # Halves only when this thread is not one of the pool's own (it would wait on itself).
            split = pool is None and len(batch) * max(map(len, batch)) >= SPLIT_TOKENS
            return chunk, self._forward(batch, project, split=split, layers=layers)

        for chunk, (vectors, parts) in (pool.map(run, chunks) if pool else map(run, chunks)):
            out[chunk] = vectors
            if parts is not None:
                for i, part in zip(chunk, parts):
                    shares[i] = part
        if len(chunks) > 1:
            _give_back_memory()
        return (out, shares) if project is not None else out

    def encode(self, texts: list[str] | tuple[str, ...], batch_size: int = BATCH,
               layers: tuple[int, ...] | None = None) -> np.ndarray:
        """(len(texts), 384 * len(layers)) float32: unit vectors, one per layer (default the last). Texts are
        grouped by length for the batches."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts")
        return self.encode_ids([self.ids(t) for t in texts], batch_size, layers=layers)

    def encode_one(self, text: str) -> np.ndarray:
        ids = self.ids(text)
        return self._forward([ids], split=len(ids) >= SPLIT_TOKENS)[0][0]

    @contextlib.contextmanager
    def ahead(self, ids: list[int], project: np.ndarray | None = None, layers: tuple[int, ...] | None = None):
        """Start encoding one post's ids on another thread now, while the caller does other work (the checker's
        rules); within this block, encode_ids([ids], project=project, layers=layers) waits for that result
        instead of encoding again. A handoff, not a cache: it is used once, and nothing of it outlives the block."""
        layers = self._layers(layers)
        future = _ahead_pool().submit(self.encode_ids, [list(ids)], BATCH, project, BATCH_TOKENS, layers)
        token = _ahead.set((list(ids), project, future, layers))
        try:
            yield
        finally:
            _ahead.reset(token)
            future.cancel()  # not started yet: never runs; under way: it finishes and its result is dropped


def _affine(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, half: int, width: int) -> np.ndarray:
    """``half`` (0 or 1) of the columns of x @ weight + bias, each ``width`` wide."""
    cols = slice(half * width, (half + 1) * width)
    out = x @ weight[:, cols]
    out += bias[cols]
    return out


class _Halves:
    """Runs a step as two halves of its output columns, side by side on the encoder pool when given one."""

    def __init__(self, pool: ThreadPoolExecutor | None):
        self.pool = pool

    def columns(self, step) -> np.ndarray:
        if self.pool is None:
            first, second = step(0), step(1)
        else:
            other = self.pool.submit(step, 1)
            first = step(0)
            second = other.result()
        return np.concatenate((first, second), axis=1)


# --- loading once ----------------------------------------------------------------------

_lock = threading.Lock()
_loaded: Encoder | None = None
_executor: ThreadPoolExecutor | None = None
_ahead_executor: ThreadPoolExecutor | None = None
_ahead: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("encoder_ahead", default=None)


def _threads() -> int:
    value = os.environ.get(ENV_THREADS, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return max(1, min(4, os.cpu_count() or 1))


def _libc():
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc
        return None


def _give_back_memory() -> None:
    """After a batch: hand the freed working memory back to the system (glibc keeps it otherwise)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def _pool() -> ThreadPoolExecutor | None:
    """Batches run side by side, one per core, each on a single-threaded BLAS: numpy lets go of the
    GIL in the matrix products and most element-wise work, and small products on a multi-threaded
    BLAS spend their time waiting for each other (measured: a single post took ten times longer)."""
    global _executor
    n = _threads()
    if n < 2:
        return None
    if _executor is None:
        with _lock:
            if _executor is None:
                _executor = ThreadPoolExecutor(max_workers=n, thread_name_prefix="encoder")
    return _executor


def _ahead_pool() -> ThreadPoolExecutor:
    """Where posts are encoded ahead (Encoder.ahead): its own threads, not the pool the halves of a long post
    run on, so a pass split in halves never waits for a thread that is itself waiting. Two: two checks at once."""
    global _ahead_executor
    if _ahead_executor is None:
        with _lock:
            if _ahead_executor is None:
                _ahead_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="encoder-ahead")
    return _ahead_executor


def encoder_dir() -> Path:
    value = os.environ.get(ENV_DIR, "").strip()
    return Path(value) if value else PACK_ENCODER_DIR


def load_encoder(directory: Path | None = None, manifest_path: Path | None = None) -> Encoder:
    """Check and load the encoder. The expected hashes always come from the pack's manifest
    (``manifest_path``, default policy/pack/encoder/manifest.json), whichever directory the files are in."""
    directory = Path(directory) if directory is not None else encoder_dir()
    manifest_path = manifest_path or PACK_ENCODER_DIR / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        expected = manifest["files"]
        for key in ("max_len", "heads", "hidden", "layers", "layer_norm_eps"):
            manifest[key]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EncoderError(f"{manifest_path}: cannot read the encoder manifest ({exc})") from None
    for name in ("encoder.npz", "vocab.txt"):
        path = directory / name
        if not path.is_file():
            raise EncoderError(f"{path}: missing; build it with tools/build_encoder.py or set {ENV_DIR}")
        actual = _sha256(path)
        if actual != expected.get(name):
            raise EncoderError(f"{path}: SHA-256 {actual[:16]}... differs from {expected.get(name, '?')[:16]}... "
                               f"in {manifest_path}; refusing altered or mismatched encoder files")
    # One BLAS thread: the process's parallelism is the batches (above), not each small product.
    threadpool_limits(1, user_api="blas")
    libc = _libc()
    if libc is not None:
        # One malloc arena, before any thread encodes: otherwise each thread that runs a pass (the batches', the
        # checker's, the one encoding ahead) keeps its own high-water mark of freed working memory (measured:
        # +75 MB RSS after a batch without it; in the server, +9 MB after 320 checks with it, +13 set later).
        libc.mallopt(-8, 1)  # M_ARENA_MAX
    loaded = Encoder(directory, manifest)
    _give_back_memory()  # the half-precision copies read from the file
    return loaded


def get_encoder() -> Encoder:
    """The process's encoder, loaded (and checked) on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = load_encoder()
    return _loaded
