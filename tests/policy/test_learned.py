"""The checker's learned layer: the numpy encoder (policy/encoder.py) and the classifier (policy/learned.py).

The reference ids and vector in tests/policy/data/encoder_reference.json were produced once by
sentence-transformers with torch from the same model files; nothing here needs torch.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from policy import encoder as enc

REFERENCE = json.loads((Path(__file__).parent / "data" / "encoder_reference.json").read_text(encoding="utf-8"))


# --- the encoder -------------------------------------------------------------------------

def test_tokenizer_matches_the_reference_ids():
    e = enc.get_encoder()
    for case in REFERENCE["ids"]:
        assert e.ids(case["text"]) == case["ids"], case["text"]


def test_embedding_of_a_fixed_sentence_matches_the_reference_vector():
    e = enc.get_encoder()
    ref = np.array(REFERENCE["vector"], dtype=np.float32)
    mine = e.encode_one(REFERENCE["vector_sentence"])
    assert mine.shape == (384,)
    assert abs(float(np.linalg.norm(mine)) - 1.0) < 1e-5
    assert float(mine @ ref) >= 0.9999
    # A batch (padded with shorter and longer posts) gives the same vector as the post alone.
    batch = e.encode(["ok", REFERENCE["vector_sentence"], "a much longer post " * 20])
    assert float(batch[1] @ mine) >= 0.99999


def _copy_pack(tmp_path: Path) -> Path:
    d = tmp_path / "encoder"
    d.mkdir()
    (d / "encoder.npz").symlink_to(enc.PACK_ENCODER_DIR / "encoder.npz")
    shutil.copy(enc.PACK_ENCODER_DIR / "vocab.txt", d / "vocab.txt")
    return d


def test_altered_vocabulary_is_refused_with_one_line_naming_the_file(tmp_path):
    d = _copy_pack(tmp_path)
    with open(d / "vocab.txt", "a", encoding="utf-8") as fh:
        fh.write("sneaky\n")
    with pytest.raises(enc.EncoderError) as err:
        enc.load_encoder(d)
    msg = str(err.value)
    assert str(d / "vocab.txt") in msg and "SHA-256" in msg and "\n" not in msg


def test_other_weights_are_refused_and_the_directory_comes_from_the_environment(tmp_path, monkeypatch):
    d = _copy_pack(tmp_path)
    (d / "encoder.npz").unlink()
    np.savez(d / "encoder.npz", word=np.zeros((2, 2), dtype=np.float16))
    monkeypatch.setenv(enc.ENV_DIR, str(d))
    assert enc.encoder_dir() == d
    with pytest.raises(enc.EncoderError, match="encoder.npz: SHA-256"):
        enc.load_encoder()


def test_missing_files_are_named(tmp_path):
    with pytest.raises(enc.EncoderError, match="encoder.npz: missing"):
        enc.load_encoder(tmp_path)
