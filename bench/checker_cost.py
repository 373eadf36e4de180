"""What the post checker costs with its learned layer (issue 11): time a post, a big CSV, the server's memory.

    python bench/checker_cost.py [--posts 300] [--rows 5000] [--long 10]

1. The server path: `python app.py` on loopback with a Slack stand-in, warm, one `/smpolicy check --as P <draft>`
   at a time (signed, as Slack sends it): milliseconds from sending the command to the verdict arriving at its
   response_url (the ack, the durable inbox, the check in the checker's thread, the audit event, the outbox, the
   delivery), p50/p95/p99 over --posts realistic posts of varied length from policy/eval/train/ and dev.jsonl,
   and separately over --long posts of 3,000 characters (the longest a draft can be; the encoder reads their
   first 256 tokens). With the server's CPU time a post.
2. The server's memory: RSS when idle with the learned layer off (SMPOLICY_LEARNED=0: nothing of the encoder
   loaded), idle with it loaded and warmed (as start-up leaves it), and after all those checks.
3. The checker alone as the server runs it: policy.checker.check_async in this process over the same posts
   (the checker's thread, the post encoded ahead while the rules run), its wall time and CPU time a post (the
   honest figure when the machine is shared: wall time then includes waiting for a core).
4. A content calendar of --rows posts through `python -m bot check --csv` as a whole process (start-up,
   loading, batched encoding on both cores, writing the results): wall and CPU seconds; the rules alone beside.

Targets: one post p99 < 50 ms in the server; 5,000 posts < 60 s; idle RSS growth < 150 MB. The load average is
printed before and after: above the core count, read the CPU figures. Never reads policy/eval/test*.jsonl.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import psutil  # noqa: E402
from aiohttp import web  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from tests.support.people import SLACK_USERS  # noqa: E402
from tests.support.slack_api import SlackStandIn  # noqa: E402

SECRET = "bench-signing-secret"
LONGEST = 3000  # characters: the longest draft the checker is asked about
USER = "USTAFF"
VERDICTS = ("Stop – please don't post this", "Get sign-off before you post this", "This looks OK to post")


# --- the posts --------------------------------------------------------------------------------------

def realistic_posts() -> list[dict]:
    """The labelled posts written by people who had not seen the rules: train (writers a-h) and dev."""
    files = sorted((ROOT / "policy" / "eval" / "train").glob("*.jsonl")) + [ROOT / "policy" / "eval" / "dev.jsonl"]
    rows = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                rows.append({"text": item["text"], "profile": item.get("profile", "staff"),
                             "has_image": bool(item.get("has_image"))})
    if not rows:
        sys.exit("checker_cost: no posts in policy/eval/train/ or dev.jsonl")
    return rows


def spread(rows: list[dict], n: int) -> list[dict]:
    """``n`` posts taken evenly through the files: every writer, every length, as they come."""
    step = max(1, len(rows) // n)
    return [rows[(i * step) % len(rows)] for i in range(n)]


def long_posts(rows: list[dict], n: int) -> list[dict]:
    """``n`` different drafts of 3,000 characters, made of consecutive real posts."""
    out = []
    for i in range(n):
        parts, size, j = [], 0, i * 97
        while size < LONGEST:
            parts.append(rows[j % len(rows)]["text"])
            size += len(parts[-1]) + 1
            j += 1
        text = " ".join(parts)[:LONGEST].rsplit(" ", 1)[0]
        out.append({"text": text, "profile": "staff", "has_image": False})
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spread_line(label: str, values: list[float], unit: str = "ms") -> str:
    return (f"{label}: p50 {pct(values, 0.5):.1f} {unit}, p95 {pct(values, 0.95):.1f} {unit}, "
            f"p99 {pct(values, 0.99):.1f} {unit}, max {max(values):.1f} {unit} (n={len(values)})")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# --- 1 and 2: the server ----------------------------------------------------------------------------

class WatchedSlack(SlackStandIn):
    """The Slack stand-in, telling the bench the moment each reply reaches its response_url."""

    def __post_init__(self):
        super().__post_init__()
        self.arrived: dict[str, asyncio.Future] = {}

    async def _response(self, request: web.Request) -> web.Response:
        answer = await super()._response(request)
        waiter = self.arrived.get(request.match_info["rid"])
        if waiter is not None and not waiter.done():
            waiter.set_result(time.perf_counter())
        return answer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python app.py` on a free port, a fresh SQLite file, the test organisation, Slack at the stand-in."""

    def __init__(self, slack_url: str, learned_on: bool, tmp: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PORT": str(self.port), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench-{self.port}.db",
               "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url + "/api/",
               "SMPOLICY_CONFIG": str(ROOT / "tests" / "support" / "org.toml"),
               "SMPOLICY_LEARNED": "1" if learned_on else "0", "LOG_LEVEL": "WARNING"}
        self.proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.ps = psutil.Process(self.proc.pid)

    async def healthy(self, http: aiohttp.ClientSession, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"checker_cost: the server stopped: {self.proc.stderr.read().decode()[-800:]}")
            try:
                async with http.get(self.url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        sys.exit("checker_cost: the server did not become healthy")

    def rss_mb(self) -> float:
        return self.ps.memory_info().rss / 2**20

    def cpu_s(self) -> float:
        t = self.ps.cpu_times()
        return t.user + t.system

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def idle_rss(server: Server, http: aiohttp.ClientSession) -> float:
    """RSS once start-up's work has settled (start-up loads and warms the checker before it is healthy)."""
    await server.healthy(http)
    await asyncio.sleep(2)
    return server.rss_mb()


async def check_in_server(server: Server, slack: WatchedSlack, http: aiohttp.ClientSession, post: dict,
                          n: int) -> float:
    """Milliseconds from sending `/smpolicy check --as P <draft>` to its verdict reaching the response_url."""
    rid = f"bench-{n}"
    arrival = slack.arrived[rid] = asyncio.get_running_loop().create_future()
    form = {"token": "legacy", "team_id": "T1", "team_domain": "council", "channel_id": "CBENCH",
            "channel_name": "bench", "user_id": USER, "user_name": SLACK_USERS[USER]["name"],
            "command": "/smpolicy", "text": f"check --as {post['profile']} {post['text']}", "api_app_id": "A1",
            "is_enterprise_install": "false", "response_url": f"{slack.base_url}/response/{rid}",
            "trigger_id": f"bench-trigger-{n}"}
    body = urlencode(form)
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)}
    started = time.perf_counter()
    async with http.post(server.url + "/slack/events", data=body, headers=headers) as resp:
        await resp.read()
        if resp.status != 200:
            sys.exit(f"checker_cost: the server answered {resp.status} to a check")
    try:
        arrived = await asyncio.wait_for(arrival, timeout=60)
    finally:
        slack.arrived.pop(rid, None)
    reply = slack.responses()[-1].text()
    if not any(v in reply for v in VERDICTS):
        sys.exit(f"checker_cost: the reply is not a verdict: {reply[:200]!r}")
    return (arrived - started) * 1000


async def timed_checks(server: Server, slack: WatchedSlack, http: aiohttp.ClientSession, posts: list[dict],
                       first: int) -> tuple[list[float], float]:
    """Each post's round trip in milliseconds, and the server's CPU milliseconds a post."""
    cpu0 = server.cpu_s()
    times = [await check_in_server(server, slack, http, p, first + i) for i, p in enumerate(posts)]
    return times, (server.cpu_s() - cpu0) * 1000 / max(1, len(posts))


async def server_path(posts: list[dict], longs: list[dict], warmup: int) -> None:
    slack = WatchedSlack(users=dict(SLACK_USERS))
    runner = web.AppRunner(slack.app(), access_log=None)
    await runner.setup()
    slack_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", slack_port).start()
    slack.base_url = f"http://127.0.0.1:{slack_port}"
    tmp = tempfile.mkdtemp(prefix="checker-cost-")
    results = {}
    try:
        async with aiohttp.ClientSession() as http:
            for learned_on in (False, True):
                server = Server(slack.base_url, learned_on, tmp)
                try:
                    started = time.perf_counter()
                    idle = await idle_rss(server, http)
                    up = time.perf_counter() - started - 2
                    for i in range(warmup):
                        await check_in_server(server, slack, http, posts[-1 - i], -1 - i)
                    times, cpu = await timed_checks(server, slack, http, posts, 0)
                    long_times, long_cpu = await timed_checks(server, slack, http, longs, len(posts))
                    await asyncio.sleep(1)
                    results[learned_on] = (up, idle, times, cpu, long_times, long_cpu, server.rss_mb())
                finally:
                    server.stop()
    finally:
        await runner.cleanup()
    checks = len(posts) + len(longs) + warmup
    for learned_on, label in ((False, "rules only (SMPOLICY_LEARNED=0)"), (True, "rules and learned layer")):
        up, idle, times, cpu, long_times, long_cpu, after = results[learned_on]
        print(f"server, {label}: started in {up:.1f} s")
        print("  " + spread_line("realistic posts, command sent -> verdict at the response_url", times)
              + f"; server CPU {cpu:.1f} ms a post" + ("; target p99 < 50 ms" if learned_on else ""))
        if longs:
            print("  " + spread_line(f"{LONGEST:,}-character posts", long_times) + f"; server CPU {long_cpu:.1f} ms a post")
    rss_off, rss_on, rss_after = results[False][1], results[True][1], results[True][6]
    print(f"server RSS: idle {rss_off:.0f} MB with the learned layer off, idle {rss_on:.0f} MB with it loaded and "
          f"warmed (+{rss_on - rss_off:.0f} MB), {rss_after:.0f} MB after {checks} checks "
          f"(+{rss_after - rss_off:.0f} MB); target growth < 150 MB")


# --- 3: CPU a post, in this process ------------------------------------------------------------------

def cpu_in_process(posts: list[dict], longs: list[dict]) -> None:
    """check_async as the server calls it (the checker's thread, the post encoded ahead while the rules run),
    without the Slack and database plumbing around it; and the CPU of each check."""
    from policy import learned
    from policy.checker import check_async

    started = time.perf_counter()
    learned.warm()
    loaded = time.perf_counter() - started
    me = psutil.Process()

    async def measure(batch: list[dict]) -> tuple[list[float], float]:
        wall = []
        cpu0 = sum(me.cpu_times()[:2])
        for p in batch:
            t = time.perf_counter()
            await check_async(p["text"], profile=p["profile"], has_image=p["has_image"])
            wall.append((time.perf_counter() - t) * 1000)
        return wall, (sum(me.cpu_times()[:2]) - cpu0) * 1000 / len(batch)

    async def both():
        await measure(posts[:20])  # warm: the checker's and the encoder's threads started
        return await measure(posts), (await measure(longs) if longs else None)

    (wall, cpu), long_run = asyncio.run(both())
    from policy.checker import check

    mine = []  # check() on this thread alone: its CPU is the whole pass for a post under SPLIT_TOKENS tokens
    for p in posts:
        c = time.thread_time()
        check(p["text"], profile=p["profile"], has_image=p["has_image"])
        mine.append((time.thread_time() - c) * 1000)
    print(f"the checker alone, as the server runs it (check_async in this process; loaded in {loaded:.2f} s):")
    print("  " + spread_line("realistic posts", wall) + f"; CPU {cpu:.1f} ms a post (all threads)")
    print("  " + spread_line("realistic posts, CPU of check() on one thread (the figure comparable across loads)",
                             mine))
    if long_run:
        print("  " + spread_line(f"{LONGEST:,}-character posts", long_run[0])
              + f"; CPU {long_run[1]:.1f} ms a post (all threads)")


# --- 4: a big CSV as a whole process -----------------------------------------------------------------

def write_calendar(rows: list[dict], n: int, path: Path) -> None:
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
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "bot", "check", "--csv", str(path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if run.returncode not in (0, 1) or f"Checked {rows} posts" not in run.stdout:
        sys.exit(f"checker_cost: python -m bot check --csv failed ({run.returncode}): {run.stderr.strip()[-500:]}")
    return wall, cpu, after.ru_maxrss / 1024


def calendar(rows: list[dict], n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calendar.csv"
        write_calendar(rows, n, path)
        for on in (False, True):
            wall, cpu, peak = whole_process(path, on, n)
            label = "rules and learned layer" if on else "rules only"
            print(f"{n:,} posts through python -m bot check --csv ({label}): {wall:.1f} s as a whole process "
                  f"({cpu:.1f} s of CPU), {n / wall:.0f} posts/s; largest child's peak RSS so far {peak:.0f} MB"
                  + ("; target < 60 s" if on else ""))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=300, help="realistic posts checked one at a time")
    ap.add_argument("--long", type=int, default=10, help="3,000-character posts checked one at a time")
    ap.add_argument("--rows", type=int, default=5000, help="posts in the generated CSV")
    ap.add_argument("--skip", choices=("server", "cpu", "csv"), action="append", default=[],
                    help="leave a part out (repeatable)")
    args = ap.parse_args(argv)
    rows = realistic_posts()
    posts, longs = spread(rows, args.posts), long_posts(rows, args.long)
    started = time.perf_counter()
    print(f"{len(rows)} realistic posts (train and dev); {args.posts} checked one at a time (mean "
          f"{sum(len(p['text']) for p in posts) / len(posts):.0f} characters, longest "
          f"{max(len(p['text']) for p in posts)}) and {args.long} of {LONGEST:,}; machine: {os.cpu_count()} cores, "
          f"load average {load()}")
    if "server" not in args.skip:
        asyncio.run(server_path(posts, longs, warmup=10))
    if "cpu" not in args.skip:
        cpu_in_process(posts, longs)
    if "csv" not in args.skip:
        calendar(rows, args.rows)
    print(f"bench took {time.perf_counter() - started:.0f} s; load average after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
