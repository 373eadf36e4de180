"""The labelled corpus the learned layer is trained on: train/*.jsonl and dev.jsonl, each file one fold."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from policy.check_pack import PROFILES

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "policy" / "eval"


def read_corpus(path: Path) -> list[dict]:
    if path.name.startswith("test"):
        sys.exit(f"train_checker: refusing to read {path}: the test set is never used for training")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            sys.exit(f"train_checker: {path}:{n}: not valid JSON ({exc.msg})")
        if not isinstance(row.get("text"), str) or row.get("profile") not in PROFILES:
            sys.exit(f"train_checker: {path}:{n}: needs a text and a profile ({', '.join(PROFILES)})")
        row["has_image"] = bool(row.get("has_image", False))
        row["categories"] = list(row.get("categories") or [])
        row["_source"] = path.stem
        rows.append(row)
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Corpus:
    def __init__(self, rows: list[dict], cats: dict):
        self.rows, self.cats = rows, cats
        self.names = list(cats)
        self.Y = np.array([[n in r["categories"] for n in self.names] for r in rows], dtype=np.int8)
        self.mask = np.array([[r["profile"] in cats[n].profiles for n in self.names] for r in rows])
        self.source = np.array([r["_source"] for r in rows])
        self.groups = sorted(set(self.source))
        self.folds = [(self.source != g, self.source == g) for g in self.groups]

