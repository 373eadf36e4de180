"""The shipped app manifests list what the bot really answers (they are generated from the registry)."""
from __future__ import annotations

import json
from pathlib import Path

import workflows
from bot.manifests import slack_manifest, teams_manifest

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = workflows.registry()


def test_shipped_slack_manifest_is_current():
    shipped = json.loads((ROOT / "manifests/slack-app.json").read_text())
    assert shipped == slack_manifest(REGISTRY), "regenerate: python -m bot manifest slack > manifests/slack-app.json"


def test_shipped_teams_manifest_is_current():
    shipped = json.loads((ROOT / "manifests/teams/manifest.json").read_text())
    assert shipped == teams_manifest(REGISTRY), "regenerate: python -m bot manifest teams > manifests/teams/manifest.json"


def test_every_shortcut_is_a_slack_shortcut_and_a_teams_action():
    slack_ids = {s["callback_id"] for s in slack_manifest(REGISTRY)["features"]["shortcuts"]}
    teams_ids = {c["id"] for c in teams_manifest(REGISTRY)["composeExtensions"][0]["commands"]}
    assert slack_ids == teams_ids == set(REGISTRY.shortcuts)
    assert {"is_this_ok", "forward_foi", "crisis_from_message", "crisis_add_to_timeline"} <= slack_ids


def test_teams_limits_are_respected():
    manifest = teams_manifest(REGISTRY)
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    assert 0 < len(commands) <= 10
    assert all(len(c["title"]) <= 32 for c in manifest["composeExtensions"][0]["commands"])
    assert (ROOT / "manifests/teams/color.png").exists() and (ROOT / "manifests/teams/outline.png").exists()
