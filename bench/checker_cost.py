"""What the post checker costs with its learned layer (issue 11): time per post, a big CSV, memory.

    python bench/checker_cost.py [--rows 5000] [--single 500]

1. One post at a time, as the server checks them: p50 and p99 milliseconds of policy.checker.check
   over varied posts (the training corpus's texts), after one warm-up check.
2. Memory: RSS before the encoder and model are loaded and after those checks (the growth is what
   the learned layer costs a running server).
3. A content calendar of --rows posts through `python -m bot check --csv` as a whole process (start-up,
   loading, batched encoding on all cores, writing the results), with and without the learned layer.

Targets: one post p99 < 50 ms; 5,000 posts < 60 s; RSS growth < 150 MB. The machine is shared: the
load average is printed with the figures.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

PROC = psutil.Process()
RSS_START = PROC.memory_info().rss

from policy import learned  # noqa: E402
from policy.checker import check  # noqa: E402

RSS_IMPORTED = PROC.memory_info().rss


def corpus_posts() -> list[dict]:
    rows = []
    for f in sorted((ROOT / "policy" / "eval" / "train").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    if not rows:
        sys.exit("checker_cost: no posts in policy/eval/train/")
    return rows


def single(rows: list[dict], n: int) -> None:
    t = time.perf_counter()
    learned.warm()
    load = time.perf_counter() - t
    check("Warm-up: the libraries are open on Saturday.", profile="staff")
    times, cpu = [], []
    for i in range(n):
        r = rows[(i * 7919) % len(rows)]  # spread over the writers and lengths
        s, c = time.perf_counter(), time.thread_time()
        check(r["text"], profile=r["profile"], has_image=bool(r.get("has_image")))
        cpu.append(time.thread_time() - c)
        times.append(time.perf_counter() - s)
    times.sort()
    cpu.sort()
    rss = PROC.memory_info().rss
    p99 = min(n - 1, int(n * 0.99))
    print(f"one post at a time: p50 {statistics.median(times) * 1000:.1f} ms, p99 {times[p99] * 1000:.1f} ms, "
          f"max {times[-1] * 1000:.1f} ms (n={n}; target p99 < 50 ms); this thread's CPU p50 "
          f"{statistics.median(cpu) * 1000:.1f} ms, p99 {cpu[p99] * 1000:.1f} ms (what a post costs when the "
          f"machine is shared); encoder and model loaded in {load:.2f} s")
    print(f"memory: RSS {RSS_START / 2**20:.0f} MB at start, {RSS_IMPORTED / 2**20:.0f} MB with the checker "
          f"imported, {rss / 2**20:.0f} MB after {n} checks: the learned layer adds "
          f"{(rss - RSS_IMPORTED) / 2**20:.0f} MB ({(rss - RSS_START) / 2**20:.0f} MB from process start; "
          f"target < 150 MB)")


def calendar(rows: list[dict], n: int, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "channel", "text"])
        for i in range(n):
            text = rows[i % len(rows)]["text"]
            if i >= len(rows):  # a real calendar's posts differ: no two texts alike
                text = f"{text} (week {i // len(rows) + 1})"
            w.writerow([f"2027-01-{i % 28 + 1:02d}", "facebook", text])


def whole_process(path: Path, learned_on: bool, rows: int) -> tuple[float, float, float]:
    env = dict(os.environ, SMPOLICY_LEARNED="1" if learned_on else "0")
    env.pop("SMPOLICY_CONFIG", None)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu0 = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    t = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "bot", "check", "--csv", str(path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss  # KB; the largest child so far
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    if run.returncode not in (0, 1) or f"Checked {rows} posts" not in run.stdout:
        sys.exit(f"checker_cost: python -m bot check --csv failed ({run.returncode}): {run.stderr.strip()[-500:]}")
    return wall, max(peak, before) / 1024, cpu


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--single", type=int, default=500)
    args = ap.parse_args(argv)
    rows = corpus_posts()
    print(f"posts from the training corpus: {len(rows)}; machine: {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    single(rows, args.single)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calendar.csv"
        calendar(rows, args.rows, path)
        for on in (False, True):
            wall, peak, cpu = whole_process(path, on, args.rows)
            label = "rules and learned layer" if on else "rules only"
            print(f"{args.rows} posts through python -m bot check --csv ({label}): {wall:.1f} s as a whole "
                  f"process ({cpu:.1f} s of CPU), {args.rows / wall:.0f} posts/s; peak RSS of the runs so far "
                  f"{peak:.0f} MB" + ("; target < 60 s" if on else ""))
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
