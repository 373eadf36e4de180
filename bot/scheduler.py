"""APScheduler as a clock only: it says when; each sweep reads the database and claims what it sends.

Jobs live in memory (APScheduler's SQLAlchemy job store is synchronous and cannot be shared between
instances). Every sweep also runs at start-up, so a reminder missed while the bot was down still goes out;
a daily sweep only runs once its local time has passed (and, if it asks, on a working day).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from chat.registry import Daily, Every, Sweep

from storage.claims import any_unfinished_since

from chat.workdays import working_calendar

RECOVERY_MINUTES = 5  # how often to look for reminders whose sender died between claiming and sending

log = logging.getLogger(__name__)


class SweepRunner:
    def __init__(self, svc):
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
            calendar = await working_calendar(self.svc)
            return calendar.is_working_day(local.date())
        return True

    async def run_all(self, now: datetime | None = None, dry_run: bool = False) -> list[tuple[str, str]]:
        """Run every sweep that is due as at `now`; returns (name, outcome) pairs for the operator."""
        now = now or self.svc.now()
        outcomes = []
        for sweep in self.svc.registry.sweeps.values():
            if not await self.is_due(sweep, now):
                outcomes.append((sweep.name, "not due"))
                continue
            if dry_run:
                outcomes.append((sweep.name, "would run"))
                continue
            outcomes.append((sweep.name, await self.run_one(sweep, now)))
        return outcomes

    async def run_one(self, sweep: Sweep, now: datetime | None = None) -> str:
        try:
            await sweep.fn(self.svc, now or self.svc.now())
            return "ran"
        except Exception:
            log.exception("sweep %s failed", sweep.name)
            return "failed"

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
