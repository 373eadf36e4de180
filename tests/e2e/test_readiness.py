"""Readiness that tells the truth (issue 15, item 1): a failing sweep makes /readyz 503 with its reason."""
from __future__ import annotations

from datetime import time

from chat.registry import Daily, Sweep
from storage.sweep_runs import all_runs


async def test_a_failing_sweep_is_reported_until_it_succeeds(bot):
    async def broken(svc, now):
        raise RuntimeError("SMTP relay refused the digest")

    async def fixed(svc, now):
        return None

    assert (await bot.http.get(bot.url + "/readyz")).status == 200
    assert await bot.runtime.runner.run_one(Sweep("foi_digest", Daily(time(9, 0), True), broken)) == "failed"
    resp = await bot.http.get(bot.url + "/readyz")
    body = await resp.json()
    assert resp.status == 503
    assert body["sweeps_failing"] == ["foi_digest"]
    assert any("foi_digest" in r and "SMTP relay refused" in r for r in body["reasons"])
    assert (await bot.http.get(bot.url + "/healthz")).status == 200     # still alive: do not restart it
    assert (await all_runs(bot.svc.db))["foi_digest"].failures == 1
    assert await bot.runtime.runner.run_one(Sweep("foi_digest", Daily(time(9, 0), True), fixed)) == "ran"
    assert (await bot.http.get(bot.url + "/readyz")).status == 200


async def test_a_daily_sweep_that_never_ran_today_is_overdue(bot):
    from storage.models import SweepRun

    async with bot.svc.db.transaction() as session:
        row = await session.get(SweepRun, "foi_digest")
        row.last_success = None
    bot.clock.set(bot.clock.now().replace(hour=11))
    body = await (await bot.http.get(bot.url + "/readyz")).json()
    assert "foi_digest" in body["sweeps_overdue"]


async def test_a_run_of_every_sweep_records_each_outcome_with_one_failing(bot, monkeypatch):
    """run_all writes every sweep's outcome together: the failure with its reason, the rest as successes."""
    async def broken(svc, now):
        raise RuntimeError("Bot Connector unreachable")

    sweeps = bot.svc.registry.sweeps
    before = await all_runs(bot.svc.db)
    monkeypatch.setitem(sweeps, "crisis", Sweep("crisis", sweeps["crisis"].schedule, broken))
    outcomes = dict(await bot.run_sweeps())
    assert outcomes["crisis"] == "failed" and outcomes["housekeeping"] == "ran"
    after = await all_runs(bot.svc.db)
    assert after["crisis"].failures == before["crisis"].failures + 1
    assert after["crisis"].last_error == "RuntimeError: Bot Connector unreachable"
    assert after["crisis"].last_outcome == "failed"
    ran = [name for name, outcome in outcomes.items() if outcome == "ran"]
    assert len(ran) > 5
    for name in ran:
        assert after[name].runs == before[name].runs + 1 and after[name].last_outcome == "ok"
        assert after[name].failures == before[name].failures
    body = await (await bot.http.get(bot.url + "/readyz")).json()
    assert body["sweeps_failing"] == ["crisis"]


async def test_a_holiday_proclaimed_between_two_runs_of_the_sweeps_is_seen_by_the_second(bot):
    """A run of the sweeps reads the proclaimed holidays once, and only for itself: the next run reads again."""
    from storage.models import ProclaimedHoliday

    first = dict(await bot.run_sweeps())
    assert first["foi_digest"] == "ran" and first["approval_chasers"] == "ran"
    async with bot.svc.db.transaction() as session:
        session.add(ProclaimedHoliday(day=bot.clock.now().date().isoformat(), name="State funeral",
                                      added_by="admin@example.gov.uk", added_at=bot.clock.now()))
    second = dict(await bot.run_sweeps())
    assert second["foi_digest"] == "not due" and second["approval_chasers"] == "not due"
    assert second["housekeeping"] == "ran"      # a daily sweep that runs on any day
