"""The install files agree with each other (issue 15): a runtime-only requirements.txt, a development file on top,
a hashed lock file that pins what the requirements pin, and one version number."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import bot

ROOT = Path(__file__).resolve().parent.parent
TEST_ONLY = {"pytest", "pytest-asyncio", "pytest-xdist", "aiosmtpd", "psutil"}


def _pins(path: Path) -> dict[str, str]:
    """name -> version for every `name==version` line in a requirements file and the files it includes."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins.update(_pins(path.parent / line[3:].strip()))
        elif m := re.match(r"^([A-Za-z0-9_.\[\]-]+)==([^\s;\\]+)", line):
            pins[re.sub(r"\[.*\]", "", m.group(1)).lower().replace("_", "-")] = m.group(2)
    return pins


def test_runtime_requirements_hold_no_test_package_and_dev_adds_them():
    runtime, dev = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    assert runtime and not TEST_ONLY & set(runtime)
    assert TEST_ONLY <= set(dev) and set(runtime) <= set(dev)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -r requirements-dev.txt && python -m pytest" in readme
    assert "-r requirements-dev.txt" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_lock_file_pins_what_the_requirements_pin_each_with_hashes():
    lock_text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    lock = _pins(ROOT / "requirements.lock")
    stale = {name: (version, lock.get(name)) for name, version in _pins(ROOT / "requirements.txt").items()
             if lock.get(name) != version}
    assert not stale, f"requirements.lock is stale (regenerate it, docs/OPERATIONS.md): {stale}"
    assert not TEST_ONLY & set(lock)
    entries = re.findall(r"^[A-Za-z0-9_.-]+==\S+(?: ;[^\\\n]+)? \\\n(?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+",
                         lock_text, re.M)
    assert len(entries) == len(lock), "every locked package carries its hashes"
    assert "--require-hashes -r requirements.lock" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_one_version_number():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "bot.__version__"}
    assert project["project"]["scripts"]["smpolicy"] == "bot.__main__:main"
    teams = json.loads((ROOT / "manifests" / "teams" / "manifest.json").read_text(encoding="utf-8"))
    assert teams["version"] == bot.__version__
