"""`python -m bot crisis report ID [--post]` and `crisis list`, run as an operator would on the bot's database: the
command line's own `main`, beside the running bot (tests/support/cli.py)."""
from __future__ import annotations

from tests.support import cli
from tests.support.server import BOT_TOKEN


async def run_cli(bot, *argv) -> tuple[int, str, str]:
    """The command with the bot's database and Slack (the stand-in, which keeps answering meanwhile)."""
    env = cli.cli_env(DATABASE_URL=bot.database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="x",
                      SLACK_API_URL=bot.slack.base_url + "/api/")
    done = await cli.run_cli_async(*argv, env=env)
    return done.returncode, done.stdout, done.stderr


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
