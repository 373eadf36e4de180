"""Work in flight, so a SIGTERM lets running handlers finish before the database closes."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)


class InFlight:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()
        self.accepting = True

    @asynccontextmanager
    async def track(self):
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)

    def spawn(self, coro) -> asyncio.Task:
        """Run work after the HTTP response has gone (after ack) and still have shutdown wait for it."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self, timeout: float = 20.0) -> None:
        self.accepting = False
        pending = [t for t in self._tasks if t is not asyncio.current_task()]
        if not pending:
            return
        log.info("waiting for %d running handler(s) to finish", len(pending))
        done, still = await asyncio.wait(pending, timeout=timeout)
        if still:
            log.warning("%d handler(s) still running after %.0fs; stopping anyway", len(still), timeout)

    def __len__(self) -> int:
        return len(self._tasks)
