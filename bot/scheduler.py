"""APScheduler as a clock only: it says when; each sweep reads the database and claims what it sends.

Jobs live in memory (APScheduler's SQLAlchemy job store is synchronous and cannot be shared between
instances). Every sweep also runs at start-up, so a reminder missed while the bot was down still goes out;
a daily sweep only runs once its local time has passed (and, if it asks, on a working day).
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from chat import logcontext
from chat.registry import Daily, Every, Sweep
from chat.services import Services

from storage import sweep_runs

from .metrics import SWEEPS
from storage.claims import any_unfinished_since

from chat.workdays import one_calendar_read, working_calendar

RECOVERY_MINUTES = 5  # how often to look for reminders whose sender died between claiming and sending
READINESS_GRACE = timedelta(minutes=30)  # a daily sweep not done this long after its time makes /readyz fail

log = logging.getLogger(__name__)


class SweepRunner:
    def __init__(self, svc: Services):
        self.svc = svc
        self.scheduler: AsyncIOScheduler | None = None

    @property
    def running(self) -> bool:
        return bool(self.scheduler and self.scheduler.running)

    async def is_due(self, sweep: Sweep, now: datetime) -> bool:
        if isinstance(sweep.schedule, Every):
            return True
        local = now.astimezone(self.svc.config.tz)
        if local.time() < sweep.schedule.at:
            return False
        if sweep.schedule.working_days_only:
            return (await working_calendar(self.svc)).is_working_day(local.date())
        return True

    async def run_all(self, now: datetime | None = None, dry_run: bool = False) -> list[tuple[str, str]]:
        """Run every sweep that is due as at `now`; returns (name, outcome) pairs for the operator. Their
        outcomes are recorded together at the end, in one transaction."""
        now = now or self.svc.now()
        outcomes, finished = [], []
        with one_calendar_read():   # the sweeps and their due checks share one read of the proclaimed holidays
            for sweep in self.svc.registry.sweeps.values():
                if not await self.is_due(sweep, now):
                    outcomes.append((sweep.name, "not due"))
                    continue
                if dry_run:
                    outcomes.append((sweep.name, "would run"))
                    continue
                error = await self._run(sweep, now)
                finished.append((sweep.name, self.svc.now(), error))
                outcomes.append((sweep.name, "failed" if error else "ran"))
        await self._record(finished)
        return outcomes

    async def run_one(self, sweep: Sweep, now: datetime | None = None) -> str:
        """Run one sweep and record the outcome in the database; a failure is retried at its next run."""
        error = await self._run(sweep, now or self.svc.now())
        await self._record([(sweep.name, self.svc.now(), error)])
        return "failed" if error else "ran"

    async def _run(self, sweep: Sweep, now: datetime) -> str | None:
        """Run one sweep; None if it succeeded, else the reason it failed (logged, and counted)."""
        logcontext.start(f"sweep-{uuid.uuid4().hex[:8]}", logcontext.workflow_of(sweep.fn))
        try:
            await sweep.fn(self.svc, now)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip(": ")
            log.error("sweep %s failed (%s); it runs again at its next time", sweep.name, reason)
            log.debug("sweep %s failure", sweep.name, exc_info=True)
            SWEEPS.labels(sweep.name, "failed").inc()
            return reason
        SWEEPS.labels(sweep.name, "ran").inc()
        return None

    async def _record(self, finished: list[tuple[str, datetime, str | None]]) -> None:
        try:
            await sweep_runs.record_all(self.svc.db, finished)
        except Exception as exc:  # the database itself is down: readiness reports that separately
            names = ", ".join(name for name, _at, _error in finished)
            log.warning("could not record the outcome of sweeps %s (%s)", names, type(exc).__name__)

    async def overdue(self, now: datetime | None = None) -> list[str]:
        """Daily sweeps that should have succeeded today by now (their time plus a grace period) and have not,
        on any instance."""
        now = now or self.svc.now()
        runs = await sweep_runs.all_runs(self.svc.db)
        tz = self.svc.config.tz
        late = []
        with one_calendar_read():
            for sweep in self.svc.registry.sweeps.values():
                if not isinstance(sweep.schedule, Daily) or not await self.is_due(sweep, now):
                    continue
                local = now.astimezone(tz)
                due_at = datetime.combine(local.date(), sweep.schedule.at, tzinfo=tz)
                if now < due_at + READINESS_GRACE:
                    continue
                run = runs.get(sweep.name)
                if run is None or run.last_success is None or run.last_success < due_at:
                    late.append(sweep.name)
        return late

    async def failing(self) -> dict[str, str]:
        """Sweeps whose most recent run (on any instance) failed: name -> the reason recorded."""
        runs = await sweep_runs.all_runs(self.svc.db)
        return {name: run.last_error or "failed" for name, run in runs.items() if run.last_outcome == "failed"}

    async def _tick(self, name: str) -> None:
        sweep = self.svc.registry.sweeps.get(name)
        if sweep is not None and await self.is_due(sweep, self.svc.now()):
            await self.run_one(sweep)

    async def recover_unsent(self, now: datetime | None = None) -> bool:
        """A reminder claimed today but never sent (its process died, or the send failed) goes out now: every
        due sweep runs again, and its claims let through only what was not sent. True if it ran them."""
        now = now or self.svc.now()
        if not await any_unfinished_since(self.svc.db, now - timedelta(days=1), now):
            return False
        log.info("re-running due sweeps: a reminder claimed earlier was not sent")
        await self.run_all(now)
        return True

    async def _recover_tick(self) -> None:
        try:
            await self.recover_unsent()
        except Exception:
            log.exception("looking for unsent reminders failed")

    def start(self) -> None:
        tz = self.svc.config.tz
        self.scheduler = AsyncIOScheduler(timezone=tz)
        for sweep in self.svc.registry.sweeps.values():
            sched = sweep.schedule
            if isinstance(sched, Daily):
                trigger = CronTrigger(hour=sched.at.hour, minute=sched.at.minute,
                                      day_of_week="mon-fri" if sched.working_days_only else "*", timezone=tz)
            else:
                trigger = IntervalTrigger(minutes=sched.minutes, timezone=tz)
            self.scheduler.add_job(self._tick, trigger, args=[sweep.name], id=sweep.name,
                                   coalesce=True, max_instances=1, misfire_grace_time=3600)
        self.scheduler.add_job(self._recover_tick, IntervalTrigger(minutes=RECOVERY_MINUTES, timezone=tz),
                               id="recover_unsent", coalesce=True, max_instances=1)
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

