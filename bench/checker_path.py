"""Where one checked post's time goes in the server (issue 11, "Cost"): wall-clock spans around each step.

    python bench/checker_path.py [--posts 200] [--learned] [--show 3]

Runs `python app.py` on loopback with the Slack stand-in exactly as bench/checker_cost.py does (one signed
`/smpolicy check --as P <draft>` at a time, realistic posts), but with the steps of the path timed inside the
server: the front door, Bolt, the inbox (accept, handle, finish), the posting-state read, the check (and its
thread), the audit event, the outbox (look-up, claim, delivery, recording it sent). Prints, per step, how many
times it ran, its duration (p50, p90) and when it started and ended after the command was sent (p50), then a
few posts' timelines. A step listed before the door belongs to the previous post (what it still does when the
next command arrives). The timers cost a little: read the shape, and take the latency itself from
bench/checker_cost.py. Wall-clock: on a shared machine, compare runs made one after the other.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (module, attribute, label): coroutine functions and methods timed where the path calls them.
ASYNC_STEPS = [
    ("bot.web", "slack_door", "door"),
    ("slack_bolt.async_app:AsyncApp", "async_dispatch", "bolt"),
    ("storage.inbox", "accept", "inbox.accept"),
    ("chat.inbox:Inbox", "handle", "inbox.handle"),
    ("handlers.check", "run_check", "run_check"),
    ("dialogs.check.flow", "posting_state", "posting_state"),
    ("dialogs.check.flow", "check_async", "check_async"),
    ("dialogs.check.flow", "record_event", "audit_event"),
    ("chat.inbox:Inbox", "finish", "inbox.finish"),
    ("storage.outbox", "add", "outbox.add"),
    ("storage.inbox", "mark_done", "inbox.mark_done"),
    ("chat.outbox:Outbox", "drain", "outbox.drain"),
    ("storage.outbox", "due", "outbox.due"),
    ("storage.outbox", "claim", "outbox.claim"),
    ("chat.outbox:Outbox", "_deliver", "outbox.deliver"),
    ("chat.outbox:Outbox", "_sent", "outbox.sent"),
]
SYNC_STEPS = [("policy.checker", "check", "check (thread)"), ("policy.checker", "_checked_text", "check (thread)")]


# --- inside the server ------------------------------------------------------------------------------------

def serve() -> int:
    """`app.py`'s main with the steps timed; the spans are written to $CHECKER_PATH_SPANS as it exits."""
    import atexit
    import importlib

    spans: list = []

    def target(spec: str):
        module, _, cls = spec.partition(":")
        obj = importlib.import_module(module)
        return getattr(obj, cls) if cls else obj

    def timed_async(fn, label):
        @functools.wraps(fn)
        async def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                spans.append((label, started, time.perf_counter()))
        return timed

    def timed_sync(fn, label):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spans.append((label, started, time.perf_counter()))
        return timed

    import app

    for spec, attr, label in ASYNC_STEPS:
        obj = target(spec)
        if hasattr(obj, attr):
            setattr(obj, attr, timed_async(getattr(obj, attr), label))
    for spec, attr, label in SYNC_STEPS:
        obj = target(spec)
        if hasattr(obj, attr):
            setattr(obj, attr, timed_sync(getattr(obj, attr), label))

    def dump():
        Path(os.environ["CHECKER_PATH_SPANS"]).write_text(json.dumps(spans), encoding="utf-8")

    atexit.register(dump)
    return app.main()


# --- the driver ---------------------------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def drive(posts: list[dict], learned_on: bool, spans_file: str) -> list[tuple[float, float]]:
    import aiohttp
    from aiohttp import web

    import bench.checker_cost as cost

    class TimedServer(cost.Server):
        def __init__(self, slack_url: str, learned: bool, tmp: str):
            env = dict(os.environ, CHECKER_PATH_SPANS=spans_file)
            real_popen = subprocess.Popen

            def popen(cmd, **kw):   # the same server, started through serve() above
                return real_popen([sys.executable, __file__, "--serve"], **{**kw, "env": {**kw["env"], **env}})

            subprocess.Popen = popen
            try:
                super().__init__(slack_url, learned, tmp)
            finally:
                subprocess.Popen = real_popen

    slack = cost.WatchedSlack(users=dict(cost.SLACK_USERS))
    runner = web.AppRunner(slack.app(), access_log=None)
    await runner.setup()
    port = cost.free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    slack.base_url = f"http://127.0.0.1:{port}"
    windows = []
    try:
        async with aiohttp.ClientSession() as http:
            server = TimedServer(slack.base_url, learned_on, tempfile.mkdtemp(prefix="checker-path-"))
            try:
                await server.healthy(http)
                for i in range(10):   # warm
                    await cost.check_in_server(server, slack, http, posts[-1 - i], -1 - i)
                cpu0 = server.cpu_s()
                for i, post in enumerate(posts):
                    sent = time.perf_counter()   # the same clock in both processes (CLOCK_MONOTONIC)
                    ms = await cost.check_in_server(server, slack, http, post, i)
                    windows.append((sent, sent + ms / 1000))
                cpu = (server.cpu_s() - cpu0) * 1000 / len(posts)
            finally:
                server.stop()
                server.proc.wait()
    finally:
        await runner.cleanup()
    totals = [(b - a) * 1000 for a, b in windows]
    print(cost.spread_line("command sent -> verdict at the response_url (timed server)", totals)
          + f"; server CPU {cpu:.1f} ms a post")
    return windows


def report(windows: list[tuple[float, float]], spans: list, show: int) -> None:
    per_post = []
    for i, (sent, arrived) in enumerate(windows):
        until = windows[i + 1][0] if i + 1 < len(windows) else arrived + 1
        per_post.append((sent, arrived, sorted((s for s in spans if sent - 1e-3 <= s[1] < until - 1e-3),
                                               key=lambda s: s[1])))
    steps: dict[str, dict[str, list[float]]] = {}
    for sent, _, mine in per_post:
        for label, a, z in mine:
            d = steps.setdefault(label, {"dur": [], "start": [], "end": []})
            d["dur"].append((z - a) * 1000)
            d["start"].append((a - sent) * 1000)
            d["end"].append((z - sent) * 1000)
    print(f"{'step':16} {'runs':>5} {'p50 ms':>7} {'p90 ms':>7} {'starts':>7} {'ends':>7}   (after the command)")
    for label, d in sorted(steps.items(), key=lambda kv: pct(kv[1]["start"], 0.5)):
        print(f"{label:16} {len(d['dur']):5} {pct(d['dur'], .5):7.2f} {pct(d['dur'], .9):7.2f} "
              f"{pct(d['start'], .5):7.2f} {pct(d['end'], .5):7.2f}")
    for i in sorted(random.Random(1).sample(range(len(per_post)), min(show, len(per_post)))):
        sent, arrived, mine = per_post[i]
        print(f"post {i}: verdict at the response_url after {(arrived - sent) * 1000:.2f} ms")
        for label, a, z in mine:
            print(f"    {label:16} {(a - sent) * 1000:7.2f} .. {(z - sent) * 1000:7.2f}  ({(z - a) * 1000:.2f})")


def main(argv=None) -> int:
    if argv is None and sys.argv[1:] == ["--serve"]:
        return serve()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=200)
    ap.add_argument("--learned", action="store_true", help="with the learned layer (default: the rules alone, "
                                                            "where the server's own steps are easiest to see)")
    ap.add_argument("--show", type=int, default=3, help="timelines of this many posts")
    args = ap.parse_args(argv)
    import bench.checker_cost as cost

    posts = cost.spread(cost.realistic_posts(), args.posts)
    print(f"{args.posts} realistic posts, {'rules and learned layer' if args.learned else 'rules only'}; "
          f"load average {cost.load()}")
    with tempfile.TemporaryDirectory() as tmp:
        spans_file = str(Path(tmp) / "spans.json")
        windows = asyncio.run(drive(posts, args.learned, spans_file))
        spans = json.loads(Path(spans_file).read_text(encoding="utf-8"))
    report(windows, spans, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
