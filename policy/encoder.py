"""A sentence encoder in plain numpy: all-MiniLM-L6-v2 (6-layer BERT, 384 dimensions).

    from policy.encoder import get_encoder
    vectors = get_encoder().encode(["Bin collections move to Saturday", "..."])   # (n, 384), unit length

What it does is what sentence-transformers does with this model: BERT WordPiece tokens (uncased),
at most 256 of them with [CLS] and [SEP], six transformer layers, the mean of the token vectors
(padding excluded) and L2 normalisation. No torch: the weights are numpy arrays converted by
tools/build_encoder.py into policy/pack/encoder/ (or the directory named by SMPOLICY_ENCODER_DIR,
a council's own copy), and both files are checked against the SHA-256 in the pack's manifest before
they are used. The encoder is loaded lazily, once per process.

The tokenizer is written here (about 80 lines) rather than taken from the `tokenizers` package: it is
the reference BertTokenizer's algorithm, small enough to read, costs ~0.1 ms a post, and adds no
compiled dependency for the sake of one function. tests/policy/test_learned.py checks it and the
forward pass against ids and a vector the reference produced.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import unicodedata
from pathlib import Path

import numpy as np

from policy.check_pack import PackError

PACK_ENCODER_DIR = Path(__file__).resolve().parent / "pack" / "encoder"
ENV_DIR = "SMPOLICY_ENCODER_DIR"
BATCH = 32  # posts per forward pass in encode(); sorted by length so padding stays small


class EncoderError(PackError):
    """The encoder's files are missing, altered or malformed. One line naming the file."""


# --- tokenizer -------------------------------------------------------------------------

def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True  # all non-letter, non-digit ASCII counts, as in BERT ("$", "^", "`")
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _basic_tokens(text: str) -> list[str]:
    """BERT's basic tokenizer for an uncased model: clean, lower-case, strip accents, split."""
    chars = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(ch)
        if ch in " \t\n\r" or cat == "Zs":
            chars.append(" ")
        elif cat in ("Cc", "Cf"):
            continue
        elif _is_cjk(cp):
            chars.append(f" {ch} ")
        else:
            chars.append(ch)
    out: list[str] = []
    for word in "".join(chars).split():
        word = unicodedata.normalize("NFD", word.lower())
        word = "".join(c for c in word if unicodedata.category(c) != "Mn")
        piece = []
        for c in word:
            if _is_punctuation(c):
                if piece:
                    out.append("".join(piece))
                    piece = []
                out.append(c)
            else:
                piece.append(c)
        if piece:
            out.append("".join(piece))
    return out


class WordPiece:
    """Greedy longest-match-first WordPiece over a BERT vocabulary."""

    def __init__(self, vocab: list[str]):
        self.ids = {tok: i for i, tok in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]
        self._cache: dict[str, list[int]] = {}  # word -> ids: words repeat a lot, posts are not kept

    def word_ids(self, word: str) -> list[int]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        ids = self._split(word)
        if len(self._cache) < 50_000:
            self._cache[word] = ids
        return ids

    def _split(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        ids, start, vocab = [], 0, self.ids
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                found = vocab.get(sub)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_len: int) -> list[int]:
        """[CLS] ids... [SEP], truncated to ``max_len`` ids in all."""
        ids = [self.cls]
        for word in _basic_tokens(text):
            ids.extend(self.word_ids(word))
            if len(ids) >= max_len - 1:
                break
        del ids[max_len - 1:]
        ids.append(self.sep)
        return ids

    def tokens(self, text: str) -> list[list[int]]:
        """Ids per basic word (for explaining which words mattered)."""
        return [self.word_ids(w) for w in _basic_tokens(text)]


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
        vocab = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")
        if vocab and vocab[-1] == "":
            vocab.pop()
        self.wordpiece = WordPiece(vocab)
        self.w = self._load(directory / "encoder.npz")

    def _load(self, path: Path) -> dict[str, np.ndarray]:
        try:
            raw = dict(np.load(path))
        except Exception as exc:  # noqa: BLE001 - a damaged file of any kind is one line
            raise EncoderError(f"{path}: cannot read the encoder weights ({exc})") from None
        w: dict[str, np.ndarray] = {}
        for name, arr in raw.items():
            if name.endswith(".scale"):
                continue
            if arr.dtype == np.int8:
                scale = raw[name + ".scale"]
                arr = arr.astype(np.float32) * (scale[:, None] if name == "word" else scale)
            if name == "word":
                # 30,522 rows of which a post uses a few dozen: kept half-size, rows widened on use.
                w[name] = arr.astype(np.float16)
            else:
                w[name] = np.ascontiguousarray(arr, dtype=np.float32)
        return w

    # -- forward pass ---------------------------------------------------------------------
    def ids(self, text: str) -> list[int]:
        return self.wordpiece.encode(text, self.max_len)

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors for token id lists (one forward pass)."""
        w, nh = self.w, self.heads
        n, length = len(batch), max(len(b) for b in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, b in enumerate(batch):
            ids[i, :len(b)] = b
            mask[i, :len(b)] = 1.0
        d, hd = self.hidden, self.hidden // nh
        x = w["word"][ids].astype(np.float32)
        x += w["pos_type"][:length]
        x = _layer_norm(x.reshape(n * length, d), w["emb_ln.g"], w["emb_ln.b"], self.eps)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]  # (n, 1, 1, L): padding gets no attention
        scale = np.float32(1.0 / np.sqrt(hd))
        for i in range(self.layers):
            p = f"l{i}."
            qkv = x @ w[p + "qkv.w"]
            qkv += w[p + "qkv.b"]
            qkv = qkv.reshape(n, length, 3, nh, hd).transpose(2, 0, 3, 1, 4)  # (3, n, heads, L, hd)
            q, k, v = qkv[0], qkv[1], qkv[2]
            s = q @ k.transpose(0, 1, 3, 2)
            s *= scale
            s += bias
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(n * length, d)
            a = ctx @ w[p + "ao.w"]
            a += w[p + "ao.b"]
            a += x
            x = _layer_norm(a, w[p + "ln1.g"], w[p + "ln1.b"], self.eps)
            h = x @ w[p + "ff1.w"]
            h += w[p + "ff1.b"]
            h = _gelu(h) @ w[p + "ff2.w"]
            h += w[p + "ff2.b"]
            h += x
            x = _layer_norm(h, w[p + "ln2.g"], w[p + "ln2.b"], self.eps)
        x = x.reshape(n, length, d)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled

    def encode(self, texts: list[str] | tuple[str, ...], batch_size: int = BATCH) -> np.ndarray:
        """(len(texts), 384) float32 unit vectors. Texts are grouped by length for the batches."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts")
        all_ids = [self.ids(t) for t in texts]
        out = np.zeros((len(all_ids), self.hidden), dtype=np.float32)
        order = sorted(range(len(all_ids)), key=lambda i: len(all_ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            out[chunk] = self._forward([all_ids[i] for i in chunk])
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self._forward([self.ids(text)])[0]


# --- loading once ----------------------------------------------------------------------

_lock = threading.Lock()
_loaded: Encoder | None = None


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
    return Encoder(directory, manifest)


def get_encoder() -> Encoder:
    """The process's encoder, loaded (and checked) on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = load_encoder()
    return _loaded
