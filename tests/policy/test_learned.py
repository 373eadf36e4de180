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


# --- the classifier ----------------------------------------------------------------------

from policy import learned  # noqa: E402
from policy.checker import check  # noqa: E402


def test_a_clear_abusive_post_gets_hate_or_abuse_with_how_sure_and_which_words():
    text = "Honestly the residents on that estate are lazy useless scroungers, the lot of them"
    found = {f.category: f for f in learned.findings(text, "staff")}
    f = found["hate_or_abuse"]
    assert f.severity == "stop" and f.section == "3.9"
    assert "(3.9)" in f.message and f.message.endswith("% sure.")
    assert 0.5 < f.confidence <= 1.0
    words = [text[a:b] for a, b in f.words]
    assert words and f.span == f.words[0]
    assert set(words) & {"lazy", "useless", "scroungers"}, words


def test_the_whole_checker_adds_learned_findings_the_rules_did_not_make(monkeypatch):
    seen = {}

    def fake(text, profile, has_image, skip=()):
        seen["skip"] = set(skip)
        return [learned.LearnedFinding("surveillance", "stop", "2.11", "Don't (2.11). The checker is 90% sure.",
                                       (4, 9), 0.9, ((4, 9), (0, 3)))]

    monkeypatch.setattr(learned, "findings", fake)
    result = check("Add Dave as a friend from the dummy profile", profile="staff")
    assert result.verdict == "stop"
    f = [f for f in result.findings if f.category == "surveillance"][0]
    assert f.confidence == 0.9 and f.words == ((4, 9), (0, 3))
    d = [x for x in result.to_dict()["findings"] if x["category"] == "surveillance"][0]
    assert d["confidence"] == 0.9 and d["words"] == [[4, 9], [0, 3]] and d["span"] == [4, 9]
    # the rules' own categories are passed on, so the learned layer does not repeat them
    assert {x["category"] for x in result.to_dict()["findings"] if "confidence" not in x} == seen["skip"]


def test_categories_are_masked_by_profile():
    text = "Vote Labour on 6 May: our candidate will fight for every family in Ipswich"
    staff = {f.category for f in learned.findings(text, "staff")}
    member = {f.category for f in learned.findings(text, "member")}
    assert "political" in staff
    assert "political" not in member  # a councillor's own party politics is their right (2.4)
    assert "political" not in learned.score(text, "member")
    assert "speaking_for_council" not in learned.score(text, "staff")


def test_rules_findings_are_not_repeated():
    text = "Honestly the residents on that estate are lazy useless scroungers, the lot of them"
    assert not [f for f in learned.findings(text, "staff", skip={"hate_or_abuse"}) if f.category == "hate_or_abuse"]


def test_switched_off_it_finds_nothing(monkeypatch):
    monkeypatch.setenv(learned.ENV_SWITCH, "0")
    assert learned.findings("You lazy useless idiots", "staff") == []


def test_batched_and_single_scores_agree():
    texts = ["Bins go out a day late after the bank holiday", "You lazy useless idiots",
             "Vote Labour on 6 May " * 10, "", "Library open late on Thursday", "You lazy useless idiots",
             "Our crews attended a chimney fire in Eye", "Please DM us your email address", "Thanks Jo!"]
    asked = [t for i, t in enumerate(texts) if i != 4] + ["a text nobody announced"]  # one skipped, one extra
    single = [learned.score(t, "staff") for t in asked]
    with learned.prefetch(texts, chunk=3):  # several chunks, each encoded ahead of its checks
        batched = [learned.score(t, "staff") for t in asked]
    for a, b in zip(single, batched):
        assert a.keys() == b.keys()
        assert all(abs(a[k] - b[k]) < 1e-4 for k in a)


def test_an_altered_model_is_refused(tmp_path):
    for name in ("categories.toml", "model.json"):
        shutil.copy(learned.LEARNED_DIR / name, tmp_path / name)
    raw = (learned.LEARNED_DIR / "model.npz").read_bytes()
    (tmp_path / "model.npz").write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))
    with pytest.raises(learned.PackError, match="model.npz: SHA-256"):
        learned.Model(tmp_path)


def test_every_category_cites_a_real_section_for_every_profile():
    sections = {s["id"].replace("8.2/", "8.2 ")
                for s in json.loads((Path(learned.__file__).parent / "pack" / "sections.json").read_text())["sections"]}
    model = learned.get_model()
    for name in model.names:
        cat = model.categories[name]
        for profile in cat.profiles:
            assert cat.section[profile] in sections, (name, profile)
            assert "{section}" in cat.message[profile]
