"""`python -m bot crisis report ID [--post]` and `crisis list`, run as a real process on the bot's database."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.support.server import BOT_TOKEN, ORG_FILE

ROOT = Path(__file__).resolve().parents[2]


async def run_cli(bot, *argv) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMS_", "SMTP_", "SMPOLICY_", "DATABASE_URL"))}
    env.update(DATABASE_URL=bot.database_url, SMPOLICY_CONFIG=str(ORG_FILE), SLACK_BOT_TOKEN=BOT_TOKEN,
               SLACK_SIGNING_SECRET="x", SLACK_API_URL=bot.slack.base_url + "/api/")
    # Asynchronously, so the Slack stand-in in this event loop can answer the process.
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *argv, cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_report_prints_markdown_and_posts_it_in_the_room(bot):
    await bot.slack_command("/crisis", "start highways Angry residents", user="USTAFF")
    await bot.slack_command("/crisis", "note Press office called", user="UCOMMS", channel="CNEW1")
    code, out, err = await run_cli(bot, "crisis", "list")
    assert code == 0 and "1\tTest Highways\tslack:crisis-20261201-highways" in out

    code, out, err = await run_cli(bot, "crisis", "report", "1", "--post")
    assert code == 0, err
    assert out.startswith("# Crisis 1: Test Highways")
    assert "## Timeline" in out and "Note: Press office called" in out
    assert "## Response checklist (0 of 11 ticked)" in out and "## Post-crisis review" in out
    upload = bot.slack.of("files.completeUploadExternal")[-1]
    assert upload.args["channel_id"] == "CNEW1"


async def test_report_of_an_unknown_crisis_is_a_usage_error(bot):
    code, out, err = await run_cli(bot, "crisis", "report", "42")
    assert code == 2 and err.strip() == "crisis report: there is no crisis 42"
    code, out, err = await run_cli(bot, "crisis", "report", "x")
    assert code == 2 and "expected a crisis number" in err
