"""`python -m bot foi due-date`, `python -m bot calendar add-holiday` and `python -m bot remind --now` as an
operator runs them, on the bot's database: the command line's own `main`, in this process with the environment
a separate process would have (tests/support/cli.py; tests/e2e/test_process.py runs it as a real process)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.support.cli import cli_env, run_cli, run_cli_async
from tests.support.server import ORG_FILE


def run(*args: str, database_url: str | None = None):
    return run_cli(*args, env=cli_env(**({"DATABASE_URL": database_url} if database_url else {})))


async def run_async(*args: str, database_url: str):
    """From a test running its own event loop (it holds the database open meanwhile)."""
    return await run_cli_async(*args, env=cli_env(DATABASE_URL=database_url))


@pytest.mark.parametrize("received, kind, expected", [
    ("2026-12-24", "foi", "2027-01-27"),
    ("2026-12-24", "sar", "2027-01-25"),
    ("2026-12-01", "eir-extended", "2027-02-01"),
    ("2026-10-03", "eir", "2026-10-30"),
])
def test_due_date_prints_the_date(tmp_path, received, kind, expected):
    done = run("foi", "due-date", "--received", received, "--type", kind,
               database_url=f"sqlite:///{tmp_path / 'none.db'}")
    assert (done.returncode, done.stdout, done.stderr) == (0, expected + "\n", "")
    assert not (tmp_path / "none.db").exists()          # no database is created just to read holidays


@pytest.mark.parametrize("args, says", [
    (("--received", "2026-02-30"), "expected a date like 2026-12-01"),
    (("--received", "2026-12-01", "--type", "gdpr"), "invalid choice"),
    (("--received", "2301-01-01"), "outside the supported range"),
    ((), "--received"),
])
def test_due_date_bad_input_is_one_line_and_exit_2(tmp_path, args, says):
    done = run("foi", "due-date", *args, database_url=f"sqlite:///{tmp_path / 'none.db'}")
    assert done.returncode == 2 and done.stdout == ""
    assert says in done.stderr and done.stderr.count("\n") == 1


async def test_add_holiday_recomputes_open_cases(database_url, tmp_path):
    from dialogs.foi.store import create_case, open_cases
    from dialogs.foi.rules import Submission

    from app import build_services
    from chat.clock import FixedClock
    from chat.orgconfig import load_config
    from bot.settings import Settings
    from chat.workdays import working_calendar
    from storage import migrate
    from tests.conftest import london

    svc = build_services(Settings(database_url=database_url, config_path=str(ORG_FILE)), load_config(ORG_FILE),
                         FixedClock(london(2026, 12, 1, 10, 0)), {})
    await migrate.upgrade(svc.db)
    sub = Submission("How many?", "x", "public", None, None, None, date(2026, 12, 1), "foi")
    await create_case(svc, sub, "staff@example.gov.uk", "staff@example.gov.uk", await working_calendar(svc))

    done = await run_async("calendar", "add-holiday", "2026-12-15", "State", "funeral", database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert "added 2026-12-15 State funeral" in done.stdout
    assert "FOI-2026-0001\t2026-12-31 -> 2027-01-05\tstaff@example.gov.uk" in done.stdout
    (case,) = await open_cases(svc)
    assert case.due == date(2027, 1, 5)
    # due-date now knows the proclaimed day too.
    due = await run_async("foi", "due-date", "--received", "2026-12-01", database_url=database_url)
    assert due.stdout == "2027-01-05\n"
    again = await run_async("calendar", "add-holiday", "2026-12-15", "Again", database_url=database_url)
    assert again.returncode == 2 and "already a holiday" in again.stderr
    weekend = await run_async("calendar", "add-holiday", "2026-12-19", "Saturday", database_url=database_url)
    assert weekend.returncode == 2 and "weekends are never working days" in weekend.stderr
    listed = await run_async("calendar", "list", "--year", "2026", database_url=database_url)
    assert "2026-12-15\tTue\tState funeral" in listed.stdout and "Saint Andrew" in listed.stdout
    assert "FOI-2026-0001" in (await run_async("foi", "list", database_url=database_url)).stdout
    await svc.db.close()


@pytest.mark.parametrize("when, outcome", [
    ("2026-12-02T09:00", "would run"),
    ("2026-12-02T08:59", "not due"),
    ("2026-12-05T09:30", "not due"),        # a Saturday
    ("2026-12-25T09:30", "not due"),        # Christmas Day
])
def test_remind_dry_run_says_when_the_digest_is_due(tmp_path, when, outcome):
    done = run("remind", "--now", when, "--dry-run", database_url=f"sqlite:///{tmp_path / 'bot.db'}")
    assert done.returncode == 0, done.stderr
    assert f"foi_digest: {outcome}" in done.stdout
