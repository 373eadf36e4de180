"""How well and how fast the whole post checker judges a labelled corpus (issue 11, item 4).

    python bench/checker_eval.py                    # policy/eval/test11.jsonl, the freshest frozen set: reported first
    python bench/checker_eval.py --corpus test10    # policy/eval/test10.jsonl to test8.jsonl, reported beside it
    python bench/checker_eval.py --corpus test7     # test2 to test7: frozen sets earlier models were measured on
    python bench/checker_eval.py --corpus dev       # policy/eval/dev.jsonl (or train/writer_a, or a path)
    python bench/checker_eval.py --corpus dev --misses    # also list dev's wrong verdicts (never for test)

Runs every post (its profile and image flag) through the checker's layers and prints, side by side:

    rules       policy.checker.check with SMPOLICY_LEARNED=0: the rule layers alone (identifiers as graded
                evidence, people and their circumstances)
    learned     the learned layer alone: its text head, which never sees the rules (learned.findings)
    union       the two as the checker combined them before stacking: every finding of either
    stacked     policy.checker.check as shipped: the learned layer scores each category from the text and
                the rules' evidence together, keeps the rule findings it agrees with, drops the others, and
                the hard overrides (validated identifiers) always stop; the verdict forest, trained on the
                verdict itself over the heads, the rules and the nearest training posts, stops a post no stop
                category was sure of, and clears the learned layer's findings from a post it reads as fine

and for each:

    verdict accuracy        the verdict (stop / sign_off / ok) equals the label's
    stop recall             posts labelled stop that get stop
    sign-off recall         posts labelled sign_off held back (sign_off or stop); exact sign_off in brackets
    ok false alarm          posts labelled ok that get stop or sign_off
    per category            precision and recall of the categories found, with the counts

then the corpus's SHA-256 (and, for test, whether it matches the frozen test.sha256), the cost of one
post (p50/p99 ms, one at a time as the server checks them), posts/s batched (as the CSV and JSON-lines
modes check them), start-up time and memory. The test set's posts are never printed: only figures.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

PROC = psutil.Process()
RSS0 = PROC.memory_info().rss

from policy import learned  # noqa: E402
from policy.checker import check  # noqa: E402

EVAL = ROOT / "policy" / "eval"
VERDICTS = ("stop", "sign_off", "ok")
NOT_POST = {"mourning_pause", "crisis", "image_location"}  # findings from state or the photo, not the text


def corpus_path(name: str) -> Path:
    p = Path(name)
    if p.suffix == ".jsonl" and p.exists():
        return p.resolve()
    q = EVAL / f"{name}.jsonl"
    if q.exists():
        return q
    sys.exit(f"checker_eval: no corpus {name!r} (looked for {p} and {q})")


def is_test(path: Path) -> bool:
    return path.name.startswith("test")


def read(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            row.setdefault("has_image", False)
            row["categories"] = set(row.get("categories") or [])
            rows.append(row)
    return rows


def verdict_of(findings) -> str:
    sev = {f.severity for f in findings}
    return "stop" if "stop" in sev else "sign_off" if "sign_off" in sev else "ok"


def run(rows: list[dict], mode: str) -> list[tuple[str, set]]:
    """(verdict, categories) per post: mode "rules", "learned" or "stacked"."""
    os.environ[learned.ENV_SWITCH] = "0" if mode == "rules" else "1"
    out = []
    with learned.prefetch([r["text"] for r in rows]):
        for r in rows:
            if mode == "learned":
                found = learned.findings(r["text"], r["profile"], bool(r["has_image"]))
                out.append((verdict_of(found), {f.category for f in found}))
            else:
                res = check(r["text"], profile=r["profile"], has_image=bool(r["has_image"]))
                out.append((res.verdict, {f.category for f in res.findings} - NOT_POST))
    os.environ[learned.ENV_SWITCH] = "1"
    return out


def union(a: list[tuple[str, set]], b: list[tuple[str, set]]) -> list[tuple[str, set]]:
    """Every finding of either: the more severe verdict and both sets of categories."""
    order = {v: i for i, v in enumerate(VERDICTS)}
    return [(min(va, vb, key=order.get), ca | cb) for (va, ca), (vb, cb) in zip(a, b)]


def figures(rows, preds) -> dict:
    gold = [r["verdict"] for r in rows]
    got = [p[0] for p in preds]
    n = len(rows)

    def rate(cond, of):
        idx = [i for i in range(n) if of(i)]
        return (sum(cond(i) for i in idx) / len(idx) if idx else float("nan")), len(idx)

    f = {
        "accuracy": (sum(g == p for g, p in zip(gold, got)) / n, n),
        "stop_recall": rate(lambda i: got[i] == "stop", lambda i: gold[i] == "stop"),
        "signoff_recall": rate(lambda i: got[i] in ("sign_off", "stop"), lambda i: gold[i] == "sign_off"),
        "signoff_exact": rate(lambda i: got[i] == "sign_off", lambda i: gold[i] == "sign_off"),
        "ok_false_alarm": rate(lambda i: got[i] != "ok", lambda i: gold[i] == "ok"),
    }
    cats = sorted(set().union(*(r["categories"] for r in rows), *(p[1] for p in preds)))
    per = {}
    for c in cats:
        tp = sum(c in r["categories"] and c in p[1] for r, p in zip(rows, preds))
        fp = sum(c not in r["categories"] and c in p[1] for r, p in zip(rows, preds))
        fn = sum(c in r["categories"] and c not in p[1] for r, p in zip(rows, preds))
        per[c] = (tp, fp, fn)
    f["categories"] = per
    tp, fp, fn = (sum(v[i] for v in per.values()) for i in range(3))
    f["micro"] = (tp / max(tp + fp, 1), tp / max(tp + fn, 1))
    return f


def fmt(x) -> str:
    return "  n/a" if x != x else f"{x:.3f}"


def print_figures(results: dict[str, dict]) -> None:
    modes = list(results)
    print(f"{'':<24}" + "".join(f"{m:>16}" for m in modes))
    lines = [("verdict accuracy", "accuracy"), ("stop recall", "stop_recall"),
             ("sign-off recall", "signoff_recall"), ("  (exactly sign_off)", "signoff_exact"),
             ("ok false alarm", "ok_false_alarm")]
    for label, key in lines:
        print(f"{label:<24}" + "".join(f"{fmt(results[m][key][0]):>10} (n={results[m][key][1]:<3})"
                                       for m in modes))
    print(f"{'category micro P / R':<24}" + "".join(
        f"{results[m]['micro'][0]:.3f} / {results[m]['micro'][1]:.3f}".rjust(16) for m in modes))
    print()
    print(f"{'per category':<22}{'labelled':>9}" + "".join(f"{m + ' P / R (flagged)':>26}" for m in modes))
    cats = sorted(set().union(*(results[m]["categories"] for m in modes)))
    for c in cats:
        row = f"{c:<22}"
        counts = [results[m]["categories"].get(c, (0, 0, 0)) for m in modes]
        row += f"{counts[0][0] + counts[0][2]:>9}"
        for tp, fp, fn in counts:
            p = tp / (tp + fp) if tp + fp else float("nan")
            r = tp / (tp + fn) if tp + fn else float("nan")
            row += f"{fmt(p):>13} / {fmt(r):<5} ({tp + fp:>3})"
        print(row)
    print("(per category: P / R, and in brackets how many posts that layer flagged)")


def cost(rows: list[dict], single_n: int, batch_n: int) -> None:
    texts = [(r["text"], r["profile"], bool(r["has_image"])) for r in rows]
    t = time.perf_counter()
    learned.warm()
    load_s = time.perf_counter() - t
    rss_loaded = PROC.memory_info().rss
    check("Warm-up post: the libraries are open on Saturday.", profile="staff")
    times = []
    gc.collect()
    for i in range(single_n):
        text, profile, img = texts[i % len(texts)]
        s = time.perf_counter()
        check(text, profile=profile, has_image=img)
        times.append(time.perf_counter() - s)
    times.sort()
    p50 = statistics.median(times) * 1000
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
    many = [texts[i % len(texts)] for i in range(batch_n)]
    # different texts each time, as a real calendar has (identical texts would be encoded once)
    many = [(f"{t} ({i})" if i >= len(texts) else t, p, img) for i, (t, p, img) in enumerate(many)]
    s = time.perf_counter()
    with learned.prefetch([m[0] for m in many]):
        for text, profile, img in many:
            check(text, profile=profile, has_image=img)
    batch_s = time.perf_counter() - s
    rss_end = PROC.memory_info().rss
    tokens = sum(len(learned.tokens(t[0])) for t in texts) / len(texts)
    print(f"cost: one post p50 {p50:.1f} ms, p99 {p99:.1f} ms (n={single_n}, one at a time); "
          f"batched {batch_n / batch_s:.0f} posts/s ({batch_n} posts in {batch_s:.1f} s); "
          f"mean {tokens:.0f} words a post")
    print(f"memory: RSS {RSS0 / 2**20:.0f} MB at start, {rss_loaded / 2**20:.0f} MB with the encoder and model "
          f"(loaded in {load_s:.2f} s), {rss_end / 2**20:.0f} MB after the runs: growth "
          f"{(rss_end - RSS0) / 2**20:.0f} MB (target < 150 MB)")
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="test11",
                    help="test11 (default), test10 to test8 (the frozen sets we report), test2 to test7 (earlier "
                         "models'), "
                         "test (the oldest), dev, "
                         "train/writer_a, or a .jsonl path")
    ap.add_argument("--misses", action="store_true", help="list the wrong verdicts (not for a test corpus)")
    ap.add_argument("--single", type=int, default=300, help="posts timed one at a time")
    ap.add_argument("--batch", type=int, default=1000, help="posts timed in a batch")
    ap.add_argument("--no-cost", action="store_true")
    args = ap.parse_args(argv)

    path = corpus_path(args.corpus)
    if args.misses and is_test(path):
        sys.exit("checker_eval: --misses is not for the test set: its posts are never looked at one by one")
    rows = read(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    frozen = ""
    if is_test(path):
        sha_file = path.with_suffix(".sha256")
        if sha_file.exists():
            want = sha_file.read_text(encoding="utf-8").split()[0]
            frozen = " (matches the frozen hash)" if want == digest else f" (DIFFERS from {sha_file.name}: {want})"
        else:
            frozen = " (no frozen hash file)"
    print(f"corpus {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {len(rows)} posts, "
          f"sha256 {digest}{frozen}")
    model = learned.get_model()
    posts = model.meta.get("posts", {})
    print(f"learned model: trained {model.meta.get('date')} on {sum(posts.values())} posts "
          f"({', '.join(f'{k} {v}' for k, v in posts.items())}; sha256 {model.meta.get('sha256', '')[:16]}...)\n")

    preds = {mode: run(rows, mode) for mode in ("rules", "learned", "stacked")}
    preds = {"rules": preds["rules"], "learned": preds["learned"],
             "union": union(preds["rules"], preds["learned"]), "stacked": preds["stacked"]}
    final = preds["stacked"]
    results = {mode: figures(rows, p) for mode, p in preds.items()}
    print_figures(results)
    print()
    if args.misses:
        print("wrong verdicts (stacked, as shipped):")
        for r, (v, cats) in zip(rows, final):
            if v != r["verdict"]:
                print(f"  {r.get('id')} [{r['profile']}] labelled {r['verdict']} {sorted(r['categories'])}, "
                      f"got {v} {sorted(cats)}: {r['text'][:150]!r}")
        print()
    if not args.no_cost:
        cost(rows, args.single, args.batch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
