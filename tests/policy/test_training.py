"""The training script's own guards (tools/checker_training/): it never reads a test set, and a category's
threshold falls between the scores it has to tell apart. Needs no scikit-learn: these pieces use numpy only."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.checker_training.corpus import read_corpus  # noqa: E402
from tools.checker_training.thresholds import choose_high  # noqa: E402


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_test_set_is_refused_by_its_name_before_it_is_read(tmp_path):
    line = {"text": "The library opens at nine.", "profile": "staff", "categories": [], "verdict": "ok"}
    for name in ("test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl", "test5.jsonl", "test6.jsonl", "test7.jsonl", "test8.jsonl", "test9.jsonl", "test10.jsonl", "test11.jsonl"):
        with pytest.raises(SystemExit) as exc:
            read_corpus(_write(tmp_path / name, [line]))
        assert "never used for training" in str(exc.value) and name in str(exc.value)


def test_a_training_file_is_read_with_its_file_as_the_fold(tmp_path):
    rows = read_corpus(_write(tmp_path / "writer_z.jsonl", [
        {"text": "Ring Sharon on 07700 900123", "profile": "staff", "categories": ["personal_data"], "verdict": "stop"},
        {"text": "Bins go out on Tuesday", "profile": "sfrs"},
    ]))
    assert [r["_source"] for r in rows] == ["writer_z", "writer_z"]
    assert rows[1]["categories"] == [] and rows[1]["has_image"] is False


def test_a_line_without_a_known_profile_names_its_file_and_line(tmp_path):
    path = _write(tmp_path / "writer_z.jsonl", [{"text": "fine", "profile": "staff"}, {"text": "x", "profile": "boss"}])
    with pytest.raises(SystemExit) as exc:
        read_corpus(path)
    assert f"{path}:2:" in str(exc.value)


def test_the_threshold_falls_between_the_scores_it_separates():
    scores = np.array([0.05, 0.1, 0.2, 0.3, 0.7, 0.8, 0.9, 0.95])
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    t = choose_high(scores, labels)
    assert 0.3 < t < 0.7
    flagged = scores >= t
    assert (flagged == labels.astype(bool)).all()
