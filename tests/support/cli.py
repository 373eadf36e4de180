"""`python -m bot ...` run in this process: the same `main` the console script and `python -m bot` call, with the
environment, working directory, standard input and output a separate process would have.

A separate process costs every test ~2 s of CPU (importing the bot, loading the checker's encoder and model);
in-process, the test worker pays that once. A few real processes stay, so start-up, exit codes and the entry
point are still tested for real: tests/e2e/test_process.py (app.py started and stopped, and `python -m bot`
refusing bad usage), and one run each in tests/cli/test_cli_check.py, tests/cli/test_config_check.py,
tests/test_manifests.py and tests/test_logs.py.

    done = run_cli("foi", "due-date", "--received", "2026-12-01", env=cli_env(DATABASE_URL=url))
    assert (done.returncode, done.stdout, done.stderr) == (0, "2027-01-04\n", "")

Inside a test that is itself running an event loop (one with the `bot` fixture), `await run_cli_async(...)`:
the command runs in a thread of its own, so the bot and the stand-ins keep answering it.
"""
from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from tests.support.server import ORG_FILE

ROOT = Path(__file__).resolve().parents[2]
# What the machine running the tests may have set that the command line would read as the bot's own settings.
MACHINE_SETTINGS = ("SLACK_", "TEAMS_", "SMTP_", "SMPOLICY_", "DATABASE_URL", "LOG_")
_one_at_a_time = threading.Lock()   # os.environ, the working directory and sys.std* belong to the process


def cli_env(*, org_file: Path | str | None = ORG_FILE, **settings: str) -> dict[str, str]:
    """This process's environment without the machine's bot settings, with the tests' organisation file (or
    none: `org_file=None`) and `settings` (DATABASE_URL=..., and so on)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(MACHINE_SETTINGS)}
    if org_file is not None:
        env["SMPOLICY_CONFIG"] = str(org_file)
    env.update(settings)
    return env


class _LastResort(logging.Handler):
    """What a process that configures no logging does with a warning: its message alone, on stderr (Python's
    logging.lastResort). Only the command's own records: the bot a test runs beside it logs elsewhere."""

    def __init__(self, stream, thread_id: int):
        super().__init__(logging.WARNING)
        self.stream, self.thread_id = stream, thread_id

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread_id:
            self.stream.write(self.format(record) + "\n")


def run_cli(*argv: str, env: dict[str, str], stdin: str | None = None,
            cwd: Path | str | None = None) -> subprocess.CompletedProcess:
    """`python -m bot *argv` as a process started with `env` and `stdin` in `cwd` (the repository by default)
    would run it: its exit code, and everything it wrote to stdout and stderr."""
    from bot.__main__ import main

    return _as_a_process(main, ["python", "-m", "bot", *argv], argv, env, stdin, cwd)


def run_app(*, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python app.py` with `env`, for the start-ups that stop before serving (a bad setting or file)."""
    import app

    return _as_a_process(app.main, ["python", "app.py"], [], env, None, None)


def _as_a_process(main, shown: list[str], argv, env, stdin, cwd) -> subprocess.CompletedProcess:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("this test runs an event loop: use `await run_cli_async(...)`")
    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    with _one_at_a_time:
        saved_env, saved_cwd, saved_handlers = dict(os.environ), os.getcwd(), list(root.handlers)
        last_resort = _LastResort(err, threading.get_ident())
        root.addHandler(last_resort)
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd or ROOT)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _stdin(stdin):
                code = _exit_code(main, argv, err)
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
            root.handlers[:] = saved_handlers    # whatever the command configured, the next test starts clean
    return subprocess.CompletedProcess(shown, code, out.getvalue(), err.getvalue())


async def run_cli_async(*argv: str, env: dict[str, str], stdin: str | None = None,
                        cwd: Path | str | None = None) -> subprocess.CompletedProcess:
    """run_cli from a test with a running event loop, which keeps running (the bot answers) meanwhile."""
    return await asyncio.to_thread(run_cli, *argv, env=env, stdin=stdin, cwd=cwd)


def _exit_code(main, argv, err) -> int:
    """The code the process would exit with: main's return, a SystemExit's code, or 1 with the traceback on
    stderr, as the interpreter does with an exception nobody caught."""
    saved_argv = sys.argv
    sys.argv = ["python", *argv]
    try:
        return main() or 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=err)
        return 1
    except Exception:  # noqa: BLE001 (reported as the interpreter would, for the test to see)
        traceback.print_exc(file=err)
        return 1
    finally:
        sys.argv = saved_argv


@contextlib.contextmanager
def _stdin(text: str | None):
    saved = sys.stdin
    sys.stdin = io.StringIO(text or "")   # nothing typed: the command reads an empty input, never the test's
    try:
        yield
    finally:
        sys.stdin = saved
