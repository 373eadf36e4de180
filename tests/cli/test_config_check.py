"""The organisation file is validated (issue 15): each malformed file is refused at start-up and by
`python -m bot config check` with the key named; the example file passes and resolves to who is in which role."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import app
import workflows
from bot.cli import main as cli_main
from tests.support.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "smpolicy.example.toml"
GOOD = EXAMPLE.read_text(encoding="utf-8")

# (what to change in the example file, the key path and the problem the one line must name)
MALFORMED = {
    "timezone": (('time_zone = "Europe/London"', 'timezone = "Europe/London"'),
                 "organisation.timezone: unknown key (did you mean `time_zone`?)"),
    "manger": (('manager = "sam.manager@suffolk.gov.uk"', 'manger = "sam.manager@suffolk.gov.uk"'),
               'people."jo.bloggs@suffolk.gov.uk".manger: unknown key (did you mean `manager`?)'),
    "service_leed": (('service_lead = "highways.lead', 'service_leed = "highways.lead'),
                     "accounts.highways.service_leed: unknown key (did you mean `service_lead`?)"),
    "comms-team": (('comms_team = { slack', 'comms-team = { slack'),
                   "channels.comms-team: unknown key (did you mean `comms_team`?)"),
    "retention_true": (("foi_retention_months = 12", "foi_retention_months = true"),
                       "organisation.foi_retention_months: expected a whole number of months, got true"),
    "time_zone_unknown": (('time_zone = "Europe/London"', 'time_zone = "Europe/Lundun"'),
                          "organisation.time_zone: unknown time zone 'Europe/Lundun'"),
    "email_without_domain": (('head_of_comms = ["head.comms@suffolk.gov.uk"]', 'head_of_comms = ["head.comms"]'),
                             "roles.head_of_comms[1]: expected an email address"),
    "profile_unknown": (('profile = "member"', 'profile = "councillor"'),
                        'people."cllr.smith@suffolk.gov.uk".profile: expected one of staff, sfrs, member, personal'),
    "unknown_table": (("[channel_profiles]", "[channel_profile]"),
                      "channel_profile: unknown table (did you mean `channel_profiles`?)"),
}


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMS_", "SMTP_", "SMPOLICY_", "DATABASE_URL", "LOG_"))}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", **extra)
    return env


def _malformed(tmp_path, name: str) -> Path:
    (old, new), _ = MALFORMED[name]
    assert GOOD.count(old) >= 1, f"the example file no longer has {old!r}"
    path = tmp_path / f"{name}.toml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    return path


def _bot(*args, env):
    """`python -m bot ...` in this process, with the environment `env` (tests/support/cli.py)."""
    return run_cli(*args, env=env)


def _real_process(*args, env):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.fixture
def environment(tmp_path, monkeypatch):
    """The process environment the command line and start-up read, without this machine's own settings; the
    root logger is put back afterwards (start-up configures logging)."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "TEAMS_", "SMTP_", "SMPOLICY_", "DATABASE_URL", "LOG_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield monkeypatch
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_config_check_names_the_file_and_key(tmp_path, environment, capsys, name):
    path = _malformed(tmp_path, name)
    assert cli_main(["config", "check", str(path)], registry=workflows.registry()) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert lines[0] == f"organisation file {path}: 1 problem"
    assert lines[1].startswith(f"organisation file {path}: {MALFORMED[name][1]}"), lines
    assert out == ""


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_start_up_refuses_it_with_one_line(tmp_path, environment, capsys, name):
    path = _malformed(tmp_path, name)
    environment.setenv("SMPOLICY_CONFIG", str(path))
    assert app.main() == 2            # what `python app.py` runs
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"organisation file {path}: {MALFORMED[name][1]}"), lines
    assert not (tmp_path / "bot.db").exists()   # refused before anything was touched


def test_as_real_processes_the_command_and_start_up_exit_2_in_one_line(tmp_path):
    path = _malformed(tmp_path, "manger")
    run = _real_process("config", "check", str(path), env=_env(tmp_path))
    assert run.returncode == 2 and MALFORMED["manger"][1] in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env=_env(tmp_path, SMPOLICY_CONFIG=str(path), PORT="0"))
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [f"organisation file {path}: {MALFORMED['manger'][1]}"]


def test_the_example_file_passes_and_shows_who_is_in_which_role(tmp_path):
    run = _bot("config", "check", env=_env(tmp_path, SMPOLICY_CONFIG=str(EXAMPLE)))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert f"organisation file {EXAMPLE}: valid" in out
    assert "  information_management: info.management@suffolk.gov.uk" in out
    assert "  comms_team: Slack C0123COMMS, Teams 19:comms@thread.tacv2" in out
    assert "Jo Bloggs <jo.bloggs@suffolk.gov.uk>, manager sam.manager@suffolk.gov.uk" in out
    assert "Warnings" not in out


def test_every_problem_is_listed_and_emails_are_normalised(tmp_path):
    path = tmp_path / "org.toml"
    path.write_text('[organisation]\ntimezone = "Europe/London"\nfoi_retention_months = 0\n'
                    '[roles]\ncomms_team = ["  Alex.Comms@Suffolk.gov.uk "]\n', encoding="utf-8")
    run = _bot("config", "check", str(path), env=_env(tmp_path))
    assert run.returncode == 2
    assert "2 problems" in run.stderr.splitlines()[0]
    assert "organisation.foi_retention_months: expected a whole number of months from 1 to 120, got 0" in run.stderr
    path.write_text('[roles]\ncomms_team = ["  Alex.Comms@Suffolk.gov.uk "]\n', encoding="utf-8")
    run = _bot("config", "check", str(path), env=_env(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "  comms_team: alex.comms@suffolk.gov.uk\n" in run.stdout
    # the roles this file leaves empty are reported, with what goes unanswered
    assert "roles.information_management: names nobody (forwarded FOI" in run.stdout
    strict = _bot("config", "check", "--strict", str(path), env=_env(tmp_path))
    assert strict.returncode == 2 and "name nobody" in strict.stderr


def test_no_file_given_is_one_line(tmp_path):
    run = _bot("config", "check", env=_env(tmp_path))
    assert run.returncode == 2 and "SMPOLICY_CONFIG" in run.stderr and len(run.stderr.splitlines()) == 1
    run = _bot("config", "check", str(tmp_path / "missing.toml"), env=_env(tmp_path))
    assert run.returncode == 2 and "missing.toml: not found" in run.stderr
