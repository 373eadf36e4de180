"""Benchmark /smpolicy ask: index build time, answer latency and accuracy on the test questions.

    python bench/search.py [--repeat N]

Prints figures; it asserts nothing (targets live here, not in timed tests).
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy.search import PolicySearch  # noqa: E402


def _questions():
    spec = importlib.util.spec_from_file_location("_staff_questions", ROOT / "tests" / "policy" / "test_search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.STAFF_QUESTIONS, module.OFF_TOPIC


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    t0 = time.perf_counter()
    engine = PolicySearch()
    build = time.perf_counter() - t0

    staff, off_topic = _questions()
    questions = [q for q, _ in staff] + off_topic
    timings = []
    for _ in range(args.repeat):
        for q in questions:
            t = time.perf_counter()
            engine.ask(q)
            timings.append(time.perf_counter() - t)
    timings.sort()

    first = sum(engine.ask(q).hits[:1] and engine.ask(q).hits[0].section.id == e for q, e in staff)
    top3 = sum(e in [h.section.id for h in engine.ask(q).hits] for q, e in staff)
    honest = sum(not engine.ask(q).known for q in off_topic)
    print(f"sections indexed      {len(engine._docs)} ({len(engine._units)} passages)")
    print(f"index build           {build * 1000:.0f} ms")
    print(f"ask, median           {statistics.median(timings) * 1000:.2f} ms")
    print(f"ask, 95th percentile  {timings[int(len(timings) * 0.95)] * 1000:.2f} ms")
    print(f"expected first        {first}/{len(staff)}")
    print(f"expected in top 3     {top3}/{len(staff)}")
    print(f"off-topic: don't know {honest}/{len(off_topic)}")


if __name__ == "__main__":
    main()
