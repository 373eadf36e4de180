"""How fast approval decisions are, and that racing double clicks are applied exactly once.

    python bench/approvals.py [--requests 200] [--database-url postgresql://...]

Files N account requests, then for each one two clicks on Approve race (asyncio.gather) at every step. Prints
decision latency (p50/p95), throughput, and how many racing clicks were refused as already decided (should be
exactly one per step). No chat platform is connected: cards and DMs go nowhere, the database work is all real.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import build_services  # noqa: E402
from chat.clock import FixedClock  # noqa: E402
from chat.orgconfig import load_config  # noqa: E402
from bot.settings import Settings  # noqa: E402
from dialogs.accounts import flow as accounts  # noqa: E402
from dialogs.accounts.rules import route  # noqa: E402
from dialogs.approvals import flow as approvals  # noqa: E402
from dialogs.approvals import store  # noqa: E402
from dialogs.approvals.rules import AlreadyDecided  # noqa: E402
from handlers.approvals import KINDS  # noqa: E402
from storage import migrate  # noqa: E402

ORG = Path(__file__).resolve().parent.parent / "tests" / "support" / "org.toml"
DETAILS = {"platform": "facebook", "platform_label": "Facebook", "service_area": "Highways", "kind": "service",
           "business_case": "b", "strategy": "s", "audience": "a", "hours": "5", "monitored": "Mon-Fri 9-5",
           "administrators": ["staff@example.gov.uk"], "manager": "manager@example.gov.uk"}


async def main(n: int, url: str) -> None:
    from datetime import datetime, timezone

    settings = Settings(port=0, database_url=url, config_path=str(ORG))
    svc = build_services(settings, load_config(ORG), FixedClock(datetime(2026, 12, 1, 10, tzinfo=timezone.utc)), {})
    await migrate.upgrade(svc.db)
    nm = {"manager@example.gov.uk": "Mo Manager"}
    reqs = []
    start = time.perf_counter()
    for i in range(n):
        d = {**DETAILS, "account_name": f"Bench Service {i}"}
        reqs.append(await accounts.file_request(svc, "staff@example.gov.uk", route(svc, d["administrators"][0], d,
                                                                                     nm, None), d))
    filed = time.perf_counter() - start
    latencies, refused = [], 0

    async def click(actor: str, value: str) -> None:
        nonlocal refused
        t = time.perf_counter()
        try:
            await approvals.approve(svc, KINDS, actor, value)
        except AlreadyDecided:
            refused += 1
        latencies.append(time.perf_counter() - t)

    start = time.perf_counter()
    for req in reqs:
        await asyncio.gather(click("manager@example.gov.uk", f"{req.id}:0"),
                             click("manager@example.gov.uk", f"{req.id}:0"))
        await asyncio.gather(click("comms@example.gov.uk", f"{req.id}:1"),
                             click("comms2@example.gov.uk", f"{req.id}:1"))
    decided = time.perf_counter() - start
    approved = sum(1 for r in [await store.load(svc, r.id) for r in reqs] if r.state == "approved")
    latencies.sort()
    print(f"database: {svc.db.dialect}")
    print(f"filed {n} requests in {filed:.2f}s ({filed / n * 1000:.1f} ms each)")
    print(f"{len(latencies)} racing clicks in {decided:.2f}s: p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms")
    print(f"refused as already decided: {refused} (expected {2 * n}); approved: {approved} of {n}")
    await svc.db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # "no way to reach ..." for every card: no platform is connected here
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main(args.requests, args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"))
