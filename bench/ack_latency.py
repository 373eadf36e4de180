"""Ack latency of signed Slack slash commands against the real server (`python app.py` in a subprocess).

    python bench/ack_latency.py [--requests 2000] [--concurrency 50]

Starts a loopback Slack Web API stand-in, starts the bot on a free port with a fresh SQLite file, fires
signed `/smpolicy help` commands with 50 in flight, and prints p50/p99 ack latency, requests/s and the
server's RSS when idle and after the load. Targets on a 2-core machine: p99 < 100 ms, idle RSS < 150 MB.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import psutil
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.people import SLACK_USERS  # noqa: E402
from tests.support.slack_api import SlackStandIn  # noqa: E402

SECRET = "bench-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_healthy(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the bot did not become healthy")


def signed(body: str) -> dict:
    ts = str(int(time.time()))
    return {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=200, help="requests sent first and not measured")
    args = parser.parse_args()

    # The Slack stand-in runs in its own process so the load generator does not slow it down.
    api_port = free_port()
    stand_in_proc = subprocess.Popen([sys.executable, __file__, "--serve-stand-in", str(api_port)], cwd=ROOT)
    stand_in = RemoteStandIn(f"http://127.0.0.1:{api_port}")
    await stand_in.wait_up()

    port = free_port()
    tmp = tempfile.mkdtemp()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db",
           "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": stand_in.base_url + "/api/", "SMPOLICY_CONFIG": str(ROOT / "tests/support/org.toml")}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(url)
        proc = psutil.Process(server.pid)
        await asyncio.sleep(1)
        idle_rss = proc.memory_info().rss / 1e6

        latencies: list[float] = []
        statuses: dict[int, int] = {}
        queue: asyncio.Queue = asyncio.Queue()

        async def worker(http: aiohttp.ClientSession) -> None:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                user = list(SLACK_USERS)[i % len(SLACK_USERS)]
                body = urlencode({"command": "/smpolicy", "text": "help", "user_id": user, "user_name": user,
                                  "channel_id": "CBENCH", "team_id": "T1", "api_app_id": "A1",
                                  "response_url": f"{stand_in.base_url}/response/{i}", "trigger_id": f"t{i}"})
                started = time.perf_counter()
                async with http.post(url + "/slack/events", data=body, headers=signed(body)) as resp:
                    await resp.read()
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[resp.status] = statuses.get(resp.status, 0) + 1

        async def drain_replies(expected: int) -> None:
            for _ in range(300):
                await stand_in.refresh()
                if len(stand_in.responses()) >= expected:
                    return
                await asyncio.sleep(0.1)

        connector = aiohttp.TCPConnector(limit=args.concurrency)
        async with aiohttp.ClientSession(connector=connector) as http:
            # Warm-up: the first requests import lazily loaded modules and learn who each user is.
            for i in range(args.warmup):
                queue.put_nowait(-1 - i)
            await asyncio.gather(*(worker(http) for _ in range(args.concurrency)))
            await drain_replies(args.warmup)
            cold = sorted(latencies)
            latencies.clear()
            await stand_in._clear()
            for i in range(args.requests):
                queue.put_nowait(i)
            cpu_before = sum(proc.cpu_times()[:2])
            started = time.perf_counter()
            await asyncio.gather(*(worker(http) for _ in range(args.concurrency)))
            elapsed = time.perf_counter() - started
        # Let the post-ack work (the replies) finish before reading memory.
        await drain_replies(args.requests)
        loaded_rss = proc.memory_info().rss / 1e6
        cpu_ms = (sum(proc.cpu_times()[:2]) - cpu_before) * 1000 / args.requests
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
        print(f"requests: {args.requests} after {args.warmup} warm-up, in flight: {args.concurrency}, "
              f"statuses: {statuses}")
        if cold:
            print(f"warm-up (cold start) ack latency p99: {cold[int(0.99 * (len(cold) - 1))]:.1f} ms")
        print(f"ack latency p50: {p(0.50):.1f} ms, p99: {p(0.99):.1f} ms, max: {latencies[-1]:.1f} ms, "
              f"mean: {statistics.mean(latencies):.1f} ms")
        print(f"throughput: {args.requests / elapsed:.0f} requests/s; server CPU {cpu_ms:.2f} ms a request "
              f"(ack and the reply after it)")
        print(f"replies delivered: {len(stand_in.responses())}/{args.requests}")
        print(f"server RSS: idle {idle_rss:.0f} MB, after load {loaded_rss:.0f} MB")
        print(f"targets: p99 < 100 ms -> {'met' if p(0.99) < 100 else 'NOT met'}; "
              f"idle RSS < 150 MB -> {'met' if idle_rss < 150 else 'NOT met'}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        stand_in_proc.terminate()
        stand_in_proc.wait(timeout=10)


class RemoteStandIn:
    """The bench's view of the stand-in in the other process: how many replies has it received?"""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self._count = 0

    async def wait_up(self) -> None:
        for _ in range(100):
            try:
                await self.refresh()
                return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        raise SystemExit("the Slack stand-in did not start")

    async def refresh(self) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.get(self.base_url + "/count") as resp:
                self._count = int(await resp.text())

    def responses(self) -> list:
        return [None] * self._count

    def clear(self) -> None:
        asyncio.get_event_loop().create_task(self._clear())

    async def _clear(self) -> None:
        async with aiohttp.ClientSession() as http:
            await http.post(self.base_url + "/clear")


def serve_stand_in(port: int) -> None:
    stand_in = SlackStandIn(users=dict(SLACK_USERS), base_url=f"http://127.0.0.1:{port}")
    app = stand_in.app()

    async def count(_request):
        return web.Response(text=str(len(stand_in.responses())))

    async def clear(_request):
        stand_in.clear()
        return web.Response(text="ok")

    app.router.add_get("/count", count)
    app.router.add_post("/clear", clear)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-stand-in":
        serve_stand_in(int(sys.argv[2]))
    else:
        asyncio.run(main())
