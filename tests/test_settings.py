"""Settings: the .env beside app.py (wherever the bot is started from), flags read strictly."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import settings as settings_module

ROOT = Path(__file__).resolve().parents[1]


def test_the_env_file_is_the_one_beside_app_py():
    assert settings_module.DEFAULT_ENV_FILE == ROOT / ".env"
    assert (ROOT / "app.py").is_file()


def test_env_file_is_read_and_never_overrides_the_environment(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("PORT=4321\nTEAMS_ANONYMOUS=1\nMETRICS_TOKEN=from-file\n")
    monkeypatch.setenv("METRICS_TOKEN", "from-environment")
    for name in ("PORT", "TEAMS_ANONYMOUS"):
        monkeypatch.delenv(name, raising=False)
    loaded = settings_module.load_settings(env)
    assert (loaded.port, loaded.teams_mode, loaded.metrics_token) == (4321, "anonymous", "from-environment")


def test_a_flag_that_is_not_yes_or_no_stops_start_up(monkeypatch):
    monkeypatch.setenv("TEAMS_ANONYMOUS", "maybe")
    with pytest.raises(SystemExit, match="TEAMS_ANONYMOUS must be 1 or 0"):
        settings_module.load_settings(None)


# What `python app.py` needs only to serve: the platform SDKs, the database layer, the checker's encoder, the
# scheduler and the workflows themselves (~1.5 s to import).
SERVER_ONLY = ("slack_bolt", "slack_sdk", "microsoft_agents", "sqlalchemy", "numpy", "apscheduler",
               "workflows", "handlers", "dialogs", "policy", "storage")


def test_a_bad_setting_stops_python_app_py_before_the_server_is_loaded(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LOG_LEVEL": "CHATTY", "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    run = subprocess.run([sys.executable, "-X", "importtime", "app.py"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env=env)
    assert run.returncode == 2
    imported, said = set(), []
    for line in run.stderr.splitlines():   # -X importtime: "import time: self | cumulative | module", on stderr
        if line.startswith("import time:"):
            imported.add(line.rsplit("|", 1)[1].strip().split(".")[0])
        else:
            said.append(line)
    assert said == ["LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'CHATTY'"]
    assert "bot" in imported                          # the settings were read
    assert sorted(imported & set(SERVER_ONLY)) == []  # and nothing else was loaded to say so
    assert not (tmp_path / "x.db").exists()
