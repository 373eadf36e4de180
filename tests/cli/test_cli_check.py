"""`python -m bot check`, run as an operator would: real files, real exit codes, the command line's own `main`
in this process (tests/support/cli.py); the first test runs it as a real subprocess too."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]

ORG = """
[organisation]
name = "Suffolk County Council"
email_domains = ["suffolk.gov.uk", "suffolkfire.gov.uk"]
published_phones = ["01473 260588", "07700 900123"]
public_buildings = ["Endeavour House, 8 Russell Road, Ipswich IP1 2BX"]
"""

FIRE_EXAMPLE_END = ("For thatch safety advice please see our safety leaflet http://fal.cn/K7hi or contact us on "
                    "Fire.BusinessSupport@suffolk.gov.uk, 01473 260588")
# A mobile beside a first name reads as a person's number, unless the organisation file publishes it as its own.
DUTY_LINE = "For thatch safety advice ring Dave on 07700 900123"


@pytest.fixture
def env(tmp_path):
    org = tmp_path / "org.toml"
    org.write_text(ORG, encoding="utf-8")
    e = {k: v for k, v in os.environ.items() if k not in ("SMPOLICY_CONFIG",)}
    e["SMPOLICY_CONFIG"] = str(org)
    return e


def bot(*args, env, stdin: str | None = None, cwd=None):
    return run_cli("check", *args, env=env, stdin=stdin, cwd=cwd or ROOT)


def real_process(*args, env):
    return subprocess.run([sys.executable, "-m", "bot", "check", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)


@pytest.mark.parametrize("run_it", [bot, real_process], ids=["in_process", "real_process"])
def test_one_draft_readable_output_and_exit_1_on_stop(env, run_it):
    run = run_it("Please ring Dave on 07911 123456 about the fence", env=env)
    assert run.returncode == 1, run.stderr
    out = run.stdout
    assert out.startswith("Verdict: STOP")
    assert "personal_data" in out and "(3.4)" in out and "Take it out" in out
    assert "Before you post:" in out and "(4.2)" in out
    assert "Words that raised it: “07911 123456”" in out
    assert run.stderr == ""


def test_a_reader_that_goes_away_gets_no_traceback(env, tmp_path):
    """`python -m bot check --jsonl < calendar.jsonl | head -1`: the pipe closes long before the answers end."""
    drafts = tmp_path / "calendar.jsonl"
    drafts.write_text("".join(json.dumps({"text": f"Join us at the library on Saturday {n}"}) + "\n"
                              for n in range(3000)), encoding="utf-8")
    with open(drafts, "rb") as stdin:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "check", "--jsonl"], stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**env, "SMPOLICY_LEARNED": "0"}, cwd=ROOT)
    first = proc.stdout.readline()
    proc.stdout.close()   # as head does after its line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert json.loads(first)["verdict"] == "ok"
    assert "Traceback" not in err and err == ""


def test_own_details_from_the_organisation_file_are_not_personal_data(env):
    run = bot(FIRE_EXAMPLE_END, "--profile", "sfrs", env=env)
    assert run.returncode == 0, run.stdout
    assert run.stdout.startswith("Verdict: OK")
    run = bot(DUTY_LINE, "--profile", "sfrs", env=env)
    assert (run.returncode, run.stderr) == (0, "") and run.stdout.startswith("Verdict: OK"), run.stdout
    without = {k: v for k, v in env.items() if k != "SMPOLICY_CONFIG"}
    run = bot(DUTY_LINE, "--profile", "sfrs", env=without, cwd=env["SMPOLICY_CONFIG"].rsplit("/", 1)[0])
    # With no organisation file, our own number is just a number (a person's: 3.4).
    assert (run.returncode, run.stderr) == (1, ""), run.stderr
    assert run.stdout.startswith("Verdict: STOP") and "personal_data" in run.stdout and "(3.4)" in run.stdout


def test_profile_image_and_json(env):
    run = bot("Pupils from Bacton primary visited the fire station", "--profile", "sfrs", "--image", "--json",
              env=env)
    assert run.returncode == 0
    result = json.loads(run.stdout)
    assert set(result) == {"verdict", "findings", "checklist", "policy_version"}
    assert result["verdict"] == "sign_off"
    assert [(f["category"], f["section"]) for f in result["findings"]] == [("children", "8.2 4.3")]
    assert any("number plates" in item.lower() for item in result["checklist"])


def test_jsonl_in_order_and_exit_codes(env):
    lines = [
        {"text": "Join us at Christchurch Park on Saturday"},
        {"text": "What a load of bollocks", "profile": "sfrs"},
        {"text": "Great photos of the kids at the fair", "profile": "staff", "has_image": True},
        {"text": "I will be voting against the planning application", "profile": "member"},
    ]
    run = bot("--jsonl", env=env, stdin="\n".join(json.dumps(x) for x in lines) + "\n")
    assert run.returncode == 1, run.stderr
    results = [json.loads(x) for x in run.stdout.splitlines()]
    assert [r["verdict"] for r in results] == ["ok", "stop", "sign_off", "stop"]
    assert results[1]["findings"][0]["section"] == "3.2"   # tone (3.2): 8.2 5.3 is for the public's posts
    assert results[3]["findings"][0]["category"] == "predetermination"
    ok = bot("--jsonl", env=env, stdin=json.dumps(lines[0]) + "\n\n" + json.dumps(lines[2]) + "\n")
    assert ok.returncode == 0 and len(ok.stdout.splitlines()) == 2


@pytest.mark.parametrize("line,error", [
    ("not json", "line 2: not valid JSON"),
    ('["a list"]', "line 2: expected an object"),
    ('{"txt": "hello"}', 'line 2: "text" must be a string'),
    ('{"text": "hi", "profile": "wizard"}', 'line 2: "profile" must be one of staff, sfrs, member, personal'),
    ('{"text": "hi", "has_image": "yes"}', 'line 2: "has_image" must be true or false'),
    ('{"text": ""}', 'line 2: "text" is empty: there is nothing to check'),
    ('{"text": " \\n\\t ", "profile": "member"}', 'line 2: "text" is empty: there is nothing to check'),
])
def test_jsonl_bad_line_is_exit_2_with_the_line_number(env, line, error):
    run = bot("--jsonl", env=env, stdin='{"text": "hello"}\n' + line + "\n")
    assert run.returncode == 2
    assert run.stderr.startswith("python -m bot check: ") and error in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert len(run.stdout.splitlines()) == 1  # the good line before it was answered


def test_csv_content_calendar(env, tmp_path):
    src = tmp_path / "calendar.csv"
    with open(src, "w", newline="", encoding="utf-8-sig") as fh:  # Excel's UTF-8 with a byte-order mark
        w = csv.writer(fh)
        w.writerow(["Date", "Channel", "Message"])
        w.writerow(["2026-12-01", "Facebook", "Join us at Christchurch Park on Saturday"])
        w.writerow(["2026-12-02", "X", "Council tax will rise by 4.99% from April"])
        w.writerow(["2026-12-03", "X", "Call Dave on 07911 123456 or email dave@gmail.com"])
        w.writerow(["2026-12-04", "X", ""])
        w.writerow(["2026-12-05", "X", "  "])
        w.writerow(["2026-12-06", "Facebook"])   # a short row: no Message at all
    run = bot("--csv", str(src), env=env)
    assert run.returncode == 1, run.stderr
    out = tmp_path / "calendar.results.csv"
    assert str(out) in run.stdout
    assert "Checked 3 posts: 1 stop, 1 sign_off, 1 ok; 3 rows with no text were not checked." in run.stdout
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["row", "verdict", "categories", "sections", "messages"]
    assert [(r["row"], r["verdict"]) for r in rows] == [("1", "ok"), ("2", "sign_off"), ("3", "stop"), ("4", ""),
                                                       ("5", ""), ("6", "")]
    # An empty row is not "ok to post": it says nothing was checked.
    assert [r["messages"] for r in rows[3:]] == ["No text in the Message column, so nothing was checked."] * 3
    assert rows[1]["categories"] == "controversial" and rows[1]["sections"] == "4.2"
    assert rows[2]["categories"] == "personal_data" and "07911" not in rows[2]["messages"]
    assert "Take it out" in rows[2]["messages"]


@pytest.mark.parametrize("header", ["text", "Post", "MESSAGE"])
def test_csv_column_names(env, tmp_path, header):
    src = tmp_path / "posts.csv"
    src.write_text(f"id,{header}\n1,Vote Labour on Thursday\n", encoding="utf-8")
    run = bot("--csv", str(src), env=env)
    assert run.returncode == 0 and (tmp_path / "posts.results.csv").exists()


def test_csv_bad_input_is_exit_2(env, tmp_path):
    src = tmp_path / "posts.csv"
    src.write_text("id,body\n1,hello\n", encoding="utf-8")
    run = bot("--csv", str(src), env=env)
    assert run.returncode == 2
    assert "no column called text, message or post (found: id, body)" in run.stderr
    run = bot("--csv", str(tmp_path / "missing.csv"), env=env)
    assert run.returncode == 2 and "no such file" in run.stderr


def test_bad_usage_is_one_line_and_exit_2(env, tmp_path):
    run = bot(env=env)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    run = bot("hello", "--profile", "wizard", env=env)
    assert run.returncode == 2 and "wizard" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    run = bot("hello", "--as", "wizard", env=env)   # --as is --profile; an unknown one says what each is for
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "unknown profile 'wizard'" in run.stderr and "member (a councillor's account)" in run.stderr
    assert "unrecognized arguments" not in run.stderr
    run = bot("Join us at the library on Saturday", "--as", "Member", env=env)
    assert run.returncode == 0 and "checked as member" in run.stdout
    run = bot("hello", "--jsonl", env=env)
    assert run.returncode == 2 and "not both" in run.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[organisation\n", encoding="utf-8")
    run = bot("hello", env={**env, "SMPOLICY_CONFIG": str(bad)})
    assert run.returncode == 2 and "not valid TOML" in run.stderr and len(run.stderr.strip().splitlines()) == 1
