"""Settings: the .env beside app.py (wherever the bot is started from), flags read strictly."""
from __future__ import annotations

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
