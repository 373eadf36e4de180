"""The shipped app manifests list what the bot really answers, pass the platforms' published rules
(bot/manifest_rules.py), and the Teams package unzips to something Teams accepts."""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

import workflows
from bot.manifest_rules import slack_problems, teams_problems
from bot.manifests import SLACK_SCOPES, slack_manifest, teams_manifest, write_committed
from tests.support.cli import run_cli

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = workflows.registry()
APP_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def _cli(*args: str) -> subprocess.CompletedProcess:
    """`python -m bot manifest ...`: the command line's own main, in this process (tests/support/cli.py)."""
    return run_cli("manifest", *args, env=dict(os.environ))


def _real_process(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot", "manifest", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_committed_copies_are_what_the_write_command_makes(tmp_path):
    written = write_committed(REGISTRY, tmp_path)
    for path in written:
        shipped = ROOT / "manifests" / path.relative_to(tmp_path)
        assert shipped.read_bytes() == path.read_bytes(), f"regenerate: python -m bot manifest --write ({shipped})"
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        "slack-app.json", "teams/manifest.json", "teams/color.png", "teams/outline.png"}


def test_the_generated_slack_manifest_passes_every_documented_limit():
    manifest = slack_manifest(REGISTRY, "https://bot.example.gov.uk")
    assert slack_problems(manifest) == []
    names = [s["name"] for s in manifest["features"]["shortcuts"]]
    assert all(len(n) <= 24 for n in names), names


def test_the_slack_checker_refuses_what_slack_refuses():
    manifest = slack_manifest(REGISTRY)
    manifest["features"]["shortcuts"][0]["name"] = "Start a crisis from this message"   # 32: Slack allows 24
    manifest["settings"]["event_subscriptions"]["bot_events"].append("message.channels")
    manifest["oauth_config"]["scopes"]["bot"] = [s for s in SLACK_SCOPES if s not in ("im:history",
                                                                                      "channels:history")]
    manifest["features"]["slash_commands"][0]["command"] = "/" + "x" * 40
    manifest["display_information"]["name"] = "The Social Media Policy assistant bot"
    problems = "\n".join(slack_problems(manifest))
    assert "features.shortcuts[0].name is 32 characters; at most 24" in problems
    assert "message.im event needs the im:history" in problems
    assert "message.channels event needs the channels:history" in problems
    assert "slash_commands[0].command is 41 characters" in problems
    assert "display_information.name is 37 characters" in problems


def test_slack_hears_direct_messages_mentions_and_the_home_tab():
    manifest = slack_manifest(REGISTRY, "https://bot.example.gov.uk")
    events = manifest["settings"]["event_subscriptions"]
    assert events["request_url"] == "https://bot.example.gov.uk/slack/events"
    assert set(events["bot_events"]) >= {"message.im", "app_mention", "app_home_opened"}
    assert {"im:history", "app_mentions:read"} <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False


def test_the_generated_teams_manifest_passes_the_schema_rules():
    assert teams_problems(teams_manifest(REGISTRY, APP_ID)) == []


def test_the_teams_checker_refuses_what_the_schema_refuses():
    manifest = teams_manifest(REGISTRY, "not-a-guid")
    manifest["description"]["short"] = "x" * 81
    manifest["bots"][0]["commandLists"][0]["commands"] *= 2
    manifest["composeExtensions"][0]["commands"][0]["title"] = "y" * 33
    manifest["accentColor"] = "blue"
    del manifest["developer"]["privacyUrl"]
    problems = "\n".join(teams_problems(manifest))
    for expected in ("id must be a GUID", "description.short is 81 characters", "commands has 20 entries",
                     "composeExtensions[0].commands[0].title is 33 characters", "accentColor must be",
                     "developer.privacyUrl is missing"):
        assert expected in problems


def test_every_shortcut_is_a_slack_shortcut_and_a_teams_action():
    slack_ids = {s["callback_id"] for s in slack_manifest(REGISTRY)["features"]["shortcuts"]}
    teams_ids = {c["id"] for c in teams_manifest(REGISTRY)["composeExtensions"][0]["commands"]}
    assert slack_ids == teams_ids == set(REGISTRY.shortcuts)
    assert {"is_this_ok", "forward_foi", "crisis_from_message", "crisis_add_to_timeline"} <= slack_ids


def test_a_teams_app_id_that_is_not_a_guid_is_refused_in_one_line():
    result = _cli("teams", "--app-id", "not-a-guid")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--app-id" in result.stderr and "GUID" in result.stderr and "not-a-guid" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _pixels(data: bytes) -> tuple[int, int, int, list[tuple]]:
    """Decode one of our PNGs (8-bit, unfiltered rows) into its pixels."""
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    idat, pos = b"", 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    channels = {2: 3, 6: 4}[colour]
    stride = 1 + width * channels
    assert depth == 8 and all(raw[y * stride] == 0 for y in range(height))
    pixels = [tuple(raw[y * stride + 1 + x * channels:y * stride + 1 + (x + 1) * channels])
              for y in range(height) for x in range(width)]
    return width, height, colour, pixels


def test_the_teams_zip_is_ready_to_upload(tmp_path):
    target = tmp_path / "smpolicy-teams.zip"
    result = _cli("teams", "--app-id", APP_ID, "--zip", str(target))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(zf.read("manifest.json"))
        color, outline = zf.read(manifest["icons"]["color"]), zf.read(manifest["icons"]["outline"])
    assert teams_problems(manifest) == []
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    width, height, _, _ = _pixels(color)
    assert (width, height) == (192, 192)
    width, height, colour_type, pixels = _pixels(outline)
    assert (width, height, colour_type) == (32, 32, 6)      # RGBA: the outline needs transparency
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels)
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3] > 0), "the outline must be white"
    again = tmp_path / "again.zip"            # made by a process of its own, as an operator makes it
    assert _real_process("teams", "--app-id", APP_ID, "--zip", str(again)).returncode == 0
    assert again.read_bytes() == target.read_bytes(), "the package is the same bytes every time"


@pytest.mark.parametrize("args", [("teams", "--zip", "x.zip"), ("slack", "--zip", "x.zip"), ("--write", "slack"),
                                  ("teams", "--url", "https://x")])
def test_mixed_up_options_are_refused(args, tmp_path):
    result = _cli(*args)
    assert result.returncode == 2 and result.stderr.strip() and "Traceback" not in result.stderr
    assert not (ROOT / "x.zip").exists()
