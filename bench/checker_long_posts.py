"""Long posts: does a risk stated once in a long draft still hold it back, and do long harmless drafts stay OK?

    python bench/checker_long_posts.py                         # posts from policy/eval/train/writer_u.jsonl
    python bench/checker_long_posts.py --corpus dev --n 100

Builds long drafts (over 300 word pieces, past what the encoder reads at once) from one corpus's posts:
each post that must be held back (stop or sign-off), alone and then buried at the start, middle or end of
harmless posts from the same corpus; and drafts made only of harmless posts. Prints how many are held back,
with the learned layer reading long posts in windows (policy/learned/windows.py) and without. Use a corpus the
shipped model was not trained on for an honest figure (writer_u for the model trained on writers a-s), and
never a frozen test set: this is a check of the mechanism, not the checker's figures."""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy import checker  # noqa: E402
from policy.learned import windows as win  # noqa: E402

FILLER_CHARS = 1400  # about 320 word pieces of ordinary posts, written for the same profile


def _load(name: str) -> list[dict]:
    path = Path(name) if name.endswith(".jsonl") else ROOT / "policy" / "eval" / (
        f"{name}.jsonl" if name == "dev" else f"train/{name}.jsonl")
    if path.name.startswith("test"):
        raise SystemExit("bench/checker_long_posts.py: not on a frozen test set (policy/eval/README.md)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _filler(ok: list[dict], rng: random.Random) -> list[str]:
    parts, size = [], 0
    while size < FILLER_CHARS:
        text = rng.choice(ok)["text"]
        parts.append(text)
        size += len(text) + 1
    return parts


def _drafts(posts: list[dict], n: int, seed: int):
    rng = random.Random(seed)
    ok = [p for p in posts if p["verdict"] == "ok"]
    held = [p for p in posts if p["verdict"] != "ok"]
    rng.shuffle(held)
    risky = []
    for i, post in enumerate(held[:n]):
        parts = _filler([o for o in ok if o["profile"] == post["profile"]] or ok, rng)
        at = (0, len(parts) // 2, len(parts))[i % 3]
        parts.insert(at, post["text"])
        risky.append((post, "\n\n".join(parts)))
    harmless = []
    for _ in range(n):
        profile = rng.choice(ok)["profile"]
        harmless.append(("\n\n".join(_filler([o for o in ok if o["profile"] == profile], rng)), profile))
    return risky, harmless


def _held(text: str, profile: str, has_image: bool) -> bool:
    return checker.check(text, profile=profile, has_image=has_image).verdict != "ok"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="writer_u")
    ap.add_argument("--n", type=int, default=90)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    risky, harmless = _drafts(_load(args.corpus), args.n, args.seed)
    alone = sum(_held(p["text"], p["profile"], p["has_image"]) for p, _ in risky)
    print(f"{len(risky)} posts to hold back from {args.corpus}; held back when alone: {alone}")
    for label, long_after in (("whole post only", 1 << 30), ("with windows", win.LONG)):
        saved, win.LONG = win.LONG, long_after
        try:
            t = time.perf_counter()
            caught = sum(_held(text, p["profile"], p["has_image"]) for p, text in risky)
            alarms = sum(_held(text, profile, False) for text, profile in harmless)
            took = (time.perf_counter() - t) / (len(risky) + len(harmless))
        finally:
            win.LONG = saved
        print(f"{label:>16}: buried risk held back {caught}/{len(risky)} ({caught / len(risky):.3f}); "
              f"long harmless drafts held {alarms}/{len(harmless)} ({alarms / len(harmless):.3f}); "
              f"{took * 1000:.0f} ms a draft")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
