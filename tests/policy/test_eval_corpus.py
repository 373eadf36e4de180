"""The checker's labelled corpus: well formed, and the test set frozen (policy/eval/README.md)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[2] / "policy" / "eval"
STOP = {"personal_data", "payment_data", "credentials", "incident_sensitive", "confidential", "hate_or_abuse",
        "profanity", "defamation", "predetermination", "surveillance"}
SIGN_OFF = {"children", "political", "controversial", "paid_promotion", "campaign", "copyright",
            "speaking_for_council"}
ADVICE = {"foi_request"}
KEYS = {"id", "text", "profile", "has_image", "verdict", "categories", "note"}


def _files() -> list[Path]:
    return sorted([EVAL / "test.jsonl", EVAL / "dev.jsonl", *(EVAL / "train").glob("*.jsonl")])


def test_the_test_set_is_frozen():
    recorded = (EVAL / "test.sha256").read_text().split()[0]
    actual = hashlib.sha256((EVAL / "test.jsonl").read_bytes()).hexdigest()
    assert actual == recorded, ("policy/eval/test.jsonl changed: the test set is frozen. Put new cases in "
                                "train/, or write a fresh test set with a new hash.")


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_every_line_is_labelled_consistently(path):
    ids = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        assert set(row) == KEYS, f"{path.name}:{n}"
        assert row["id"] not in ids, f"{path.name}:{n} repeats id {row['id']}"
        ids.add(row["id"])
        assert row["profile"] in ("staff", "sfrs", "member", "personal"), f"{path.name}:{n}"
        cats = set(row["categories"])
        assert cats <= STOP | SIGN_OFF | ADVICE, f"{path.name}:{n}: {cats - STOP - SIGN_OFF - ADVICE}"
        expected = "stop" if cats & STOP else "sign_off" if cats & SIGN_OFF else "ok"
        assert row["verdict"] == expected, f"{path.name}:{n}"


def test_test_and_training_posts_do_not_overlap():
    test = {json.loads(line)["text"].strip().lower() for line in (EVAL / "test.jsonl").read_text().splitlines()}
    tuned = set()
    for path in _files():
        if path.name != "test.jsonl":
            tuned |= {json.loads(line)["text"].strip().lower() for line in path.read_text().splitlines()}
    assert not (test & tuned)
