"""The checker's labelled corpus: well formed, and the test sets frozen (policy/eval/README.md)."""
from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[2] / "policy" / "eval"
STOP = {"personal_data", "payment_data", "credentials", "incident_sensitive", "confidential", "hate_or_abuse",
        "profanity", "defamation", "predetermination", "surveillance"}
SIGN_OFF = {"children", "political", "controversial", "paid_promotion", "campaign", "copyright",
            "speaking_for_council"}
ADVICE = {"foi_request"}
KEYS = {"id", "text", "profile", "has_image", "verdict", "categories", "note"}
HELD_OUT = ("test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl", "test5.jsonl", "test6.jsonl", "test7.jsonl", "test8.jsonl", "test9.jsonl", "test10.jsonl", "test11.jsonl")   # never tuned on; figures from test8 to test11
WRITTEN_IN_TWO_VOICES = {"test2.jsonl": "uv", "test3.jsonl": "wx", "test4.jsonl": "yz", "test5.jsonl": "pq", "test6.jsonl": "tn", "test7.jsonl": "ce", "test8.jsonl": "kl", "test9.jsonl": "gh", "test10.jsonl": "mo", "test11.jsonl": "rs"}   # each set's two writers, by id prefix


def _files() -> list[Path]:
    return sorted([*(EVAL / name for name in HELD_OUT), EVAL / "dev.jsonl", *(EVAL / "train").glob("*.jsonl")])


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", HELD_OUT)
def test_the_test_sets_are_frozen(name):
    recorded = (EVAL / name.replace(".jsonl", ".sha256")).read_text().split()[0]
    actual = hashlib.sha256((EVAL / name).read_bytes()).hexdigest()
    assert actual == recorded, (f"policy/eval/{name} changed: the test set is frozen. Put new cases in "
                                "train/, or write a fresh test set with a new hash.")


def test_every_test_set_is_listed_and_has_its_hash():
    """Every frozen test*.jsonl has its .sha256 beside it and is in HELD_OUT, so a new set cannot slip in unfrozen."""
    assert sorted(path.name for path in EVAL.glob("test*.jsonl")) == sorted(HELD_OUT)
    for name in HELD_OUT:
        assert re.fullmatch(r"[0-9a-f]{64}", (EVAL / name.replace(".jsonl", ".sha256")).read_text().split()[0])


@pytest.mark.parametrize("name", sorted(WRITTEN_IN_TWO_VOICES))
def test_the_fresh_test_sets_have_the_shape_they_were_written_to(name):
    """480 posts, 240 from each of two writers, about half ok, every category at least 12 times, every profile."""
    writers = WRITTEN_IN_TWO_VOICES[name]
    rows = _rows(EVAL / name)
    assert len(rows) == 480
    for writer in writers:
        ids = sorted(row["id"] for row in rows if row["id"][0] == writer)
        assert ids == [f"{writer}{n:04d}" for n in range(1, 241)]
    assert all(re.fullmatch(rf"[{writers}]\d{{4}}", row["id"]) for row in rows)
    ok = sum(row["verdict"] == "ok" for row in rows)
    assert 0.4 * len(rows) <= ok <= 0.6 * len(rows)
    counts = Counter(category for row in rows for category in row["categories"])
    assert {category: counts[category] for category in STOP | SIGN_OFF | ADVICE if counts[category] < 12} == {}
    assert {row["profile"] for row in rows} == {"staff", "sfrs", "member", "personal"}
    assert all(row["text"].strip() and row["note"].strip() and isinstance(row["has_image"], bool) for row in rows)


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
    texts = {path.relative_to(EVAL).as_posix(): {row["text"].strip().lower() for row in _rows(path)}
             for path in _files()}
    held_out = {name: texts.pop(name) for name in HELD_OUT}
    tuned = set().union(*texts.values())
    for name, test in held_out.items():
        assert not (test & tuned), f"{name} shares a post with train/ or dev"
    for first, second in itertools.combinations(HELD_OUT, 2):
        assert not (held_out[first] & held_out[second]), f"{first} and {second} share a post"


@pytest.mark.parametrize("name", [*HELD_OUT, "dev.jsonl"])
def test_the_feedback_export_never_puts_a_held_out_post_into_training(name):
    from handlers.cli.feedback import _held_out

    held = _held_out(EVAL)
    assert all(row["text"].strip().lower() in held for row in _rows(EVAL / name))
