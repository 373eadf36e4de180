"""The rules of a reported verdict: the button's value, the forms' checks, the final label, and the export."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from chat.orgconfig import ConfigError, parse_config
from dialogs.feedback import rules
from dialogs.feedback.rules import (CATEGORIES, button_value, check_report, corpus_line, export_refusal,
                                    parse_button_value, review_label, verdict_of)

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "policy" / "eval"


def test_the_button_carries_the_source_or_the_draft_and_reads_back():
    slack = parse_button_value(button_value("member", True, source="slack|C1|1.2", draft="ignored"))
    assert (slack.profile, slack.has_image, slack.source, slack.draft) == ("member", True, "slack|C1|1.2", None)
    teams = parse_button_value(button_value("staff", False, draft="Ring Dave on 07911 123456"))
    assert (teams.source, teams.draft) == ("", "Ring Dave on 07911 123456")


def test_a_draft_too_long_for_a_button_is_left_for_the_form_to_ask_for():
    value = button_value("staff", False, draft="é" * 1999)
    assert len(value) <= rules.BUTTON_VALUE_LIMIT
    assert parse_button_value(value).draft is None


@pytest.mark.parametrize("forged", ["", "nonsense", "[1]", '{"p": "wizard"}', '{"i": 1}'])
def test_a_value_this_workflow_did_not_write_is_refused(forged):
    assert parse_button_value(forged) is None


def test_the_report_form_needs_a_draft_and_a_verdict_and_a_real_correction():
    _, errors = check_report({})
    assert set(errors) == {"draft", "correction"}
    _, errors = check_report({"draft": "x" * 3001, "correction": "ok"})
    assert "3,000" in errors["draft"]
    _, errors = check_report({"draft": "Hello", "correction": "stop", "category": "wizardry"})
    assert "category" in errors
    # Saying what the checker already said is not a correction, unless it names a category the checker missed.
    _, errors = check_report({"draft": "Hello", "correction": "ok"}, "ok", [])
    assert "That is what the checker said" in errors["correction"]
    report, errors = check_report({"draft": "Hello", "correction": "stop", "category": "personal_data",
                                   "consent": True}, "stop", ["profanity"])
    assert errors == {} and report.category == "personal_data" and report.consent


def test_the_label_follows_the_corpus_rule_that_categories_give_the_verdict():
    keep = review_label("keep", correction="ok", correction_category=None,
                        checker_categories=["personal_data", "mourning_pause"], chosen=[])[0]
    assert (keep.verdict, keep.categories) == ("stop", ["personal_data"])   # the pause is the day, not the words
    agree = review_label("agree", correction="ok", correction_category=None,
                         checker_categories=["personal_data"], chosen=[])[0]
    assert (agree.verdict, agree.categories) == ("ok", [])
    label, errors = review_label("agree", correction="stop", correction_category=None,
                                 checker_categories=[], chosen=[])
    assert label is None and "Another label" in errors["decision"]
    other = review_label("other", correction="stop", correction_category=None, checker_categories=[],
                         chosen=["controversial", "foi_request"])[0]
    assert (other.verdict, other.categories) == ("sign_off", ["controversial", "foi_request"])
    assert review_label(None, correction="ok", correction_category=None, checker_categories=[],
                        chosen=[])[1] == {"decision": "Choose which label is right."}


def test_the_categories_are_the_corpus_categories():
    from tests.policy.test_eval_corpus import ADVICE, SIGN_OFF, STOP

    assert {c for c, s in rules.SEVERITY.items() if s == "stop"} == STOP
    assert {c for c, s in rules.SEVERITY.items() if s == "sign_off"} == SIGN_OFF
    assert {c for c, s in rules.SEVERITY.items() if s == "advice"} == ADVICE


def test_verdict_of_matches_the_corpus_readme():
    assert verdict_of([]) == "ok" and verdict_of(["foi_request"]) == "ok"
    assert verdict_of(["children", "credentials"]) == "stop" and verdict_of(["copyright"]) == "sign_off"
    assert "mourning_pause" not in CATEGORIES and "personal_data" in CATEGORIES


def test_a_corpus_line_has_the_readme_fields():
    line = corpus_line("1a2b3c4d", "Ring 07911 000000", "staff", False, ["personal_data", "crisis"], None)
    assert list(line) == ["id", "text", "profile", "has_image", "verdict", "categories", "note"]
    assert line["id"] == "fb-1a2b3c4d" and line["verdict"] == "stop" and line["categories"] == ["personal_data"]
    json.dumps(line)


@pytest.mark.parametrize("target, refused", [
    (EVAL / "test.jsonl", True),
    (EVAL / "test.sha256", True),
    (EVAL / "test2.jsonl", True),
    (EVAL / "test2.sha256", True),
    (EVAL / "test3.jsonl", True),
    (EVAL / "test3.sha256", True),
    (EVAL / "test4.jsonl", True),
    (EVAL / "test5.jsonl", True),
    (EVAL / "test6.jsonl", True),
    (EVAL / "test7.jsonl", True),
    (EVAL / "test8.jsonl", True),
    (EVAL / "test9.jsonl", True),
    (EVAL / "test10.jsonl", True),
    (EVAL / "test11.jsonl", True),
    (EVAL / "dev.jsonl", True),
    (EVAL / "feedback.jsonl", True),
    (Path("/tmp/somewhere/test-copy.jsonl"), True),
    (EVAL / "train" / "feedback.jsonl", False),
    (Path("/tmp/feedback.jsonl"), False),
])
def test_the_export_never_writes_into_the_test_set(target, refused):
    assert bool(export_refusal(target, EVAL)) is refused


def test_the_retention_period_is_in_the_organisation_file():
    assert parse_config({}).feedback_retention_days == 30
    assert parse_config(tomllib.loads("[organisation]\nfeedback_retention_days = 7")).feedback_retention_days == 7
    for bad in ("0", "true", '"30"', "400"):
        with pytest.raises(ConfigError) as caught:
            parse_config(tomllib.loads(f"[organisation]\nfeedback_retention_days = {bad}"))
        assert "organisation.feedback_retention_days: expected a whole number of days" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads("[organisation]\nfeedback_retention_day = 7"))
    assert "did you mean `feedback_retention_days`?" in str(caught.value)
