"""Work in flight, so a SIGTERM lets running handlers finish before the database closes."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from chat import logcontext

log = logging.getLogger(__name__)


class InFlight:
    """Tracks running handlers, and runs work deferred until after ack() on a few worker tasks.

    Deferring keeps acknowledgements fast under a burst: new requests are acknowledged while earlier
    ones' replies wait their turn, instead of every request's work competing on the event loop at once.
    """

    def __init__(self, workers: int = 8) -> None:
        self._tasks: set[asyncio.Task] = set()
        self.accepting = True
        self._workers_wanted = workers
        self._queue: asyncio.Queue | None = None
        self._workers: list[asyncio.Task] = []
        self._queued = 0

    def defer(self, job) -> None:
        """Queue `job` (a no-argument coroutine function) to run after the HTTP response has gone."""
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._workers = [asyncio.create_task(self._work()) for _ in range(self._workers_wanted)]
        self._queued += 1
        # The log context of whoever deferred it (its request id), not of the request that started the worker.
        self._queue.put_nowait((job, logcontext.snapshot()))

    async def _work(self) -> None:
        while True:
            job, context = await self._queue.get()
            logcontext.restore(context)
            try:
                async with self.track():
                    await job()
            except Exception:
                log.exception("deferred work failed")
            finally:
                self._queued -= 1

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
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._queued and loop.time() < deadline:  # queued replies are sent before we stop
            await asyncio.sleep(0.05)
        for worker in self._workers:
            worker.cancel()
        pending = [t for t in self._tasks if t is not asyncio.current_task() and t not in self._workers]
        if not pending:
            return
        log.info("waiting for %d running handler(s) to finish", len(pending))
        done, still = await asyncio.wait(pending, timeout=max(0.1, deadline - loop.time()))
        if still:
            log.warning("%d handler(s) still running after %.0fs; stopping anyway", len(still), timeout)

    def abandon(self) -> None:
        """Stop as a killed process would: every running handler and worker cancelled, nothing queued run
        (tests simulate a crash with this; what was committed is all a new process finds)."""
        self.accepting = False
        current = asyncio.current_task()
        for task in [*self._tasks, *self._workers]:
            if task is not current:
                task.cancel()
        # Jobs still in the queue never run; a running one, cancelled, takes itself off the count as it ends
        # (in _work's finally), so only the dropped ones are taken off here, or the count would go below zero
        # and drain() would wait out its whole timeout for it to come back to zero.
        while self._queue is not None and not self._queue.empty():
            self._queue.get_nowait()
            self._queued -= 1

    def __len__(self) -> int:
        return len(self._tasks) + self._queued
