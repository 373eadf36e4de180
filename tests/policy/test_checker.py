"""The checker's contract: verdicts, the result's shape, profiles, state, photos, and what is (not) kept."""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from policy import checker
from policy.checker import (PHOTO_CHECKLIST, PHOTO_CHECKLIST_SFRS, POSTING_CHECKLIST, POSTING_CHECKLIST_SFRS, PROFILES,
                            CheckResult, OwnContacts, PostingState, check, looks_like_foi)

SUFFOLK = OwnContacts(
    domains=("suffolk.gov.uk", "suffolkfire.gov.uk"),
    phones=("01473 260588",),
    buildings=("Endeavour House, 8 Russell Road, Ipswich IP1 2BX",),
)

# The fire service's own example post, 8.2 4.2 ("Please see picture below as an example").
FIRE_EXAMPLE = (
    "Earlier today we attended a thatch fire in Bacton. The first crews found the thatch alight on arrival, "
    "with visible flame issuing from around the chimney-stack and ridge. A timely decision was made to adopt "
    "offensive fire-fighting tactics and pitch ladders to fight the fire externally. A second crew, "
    "simultaneously, fought the fire from inside the roof space. The tactics proved effective and the hard "
    "work, from the outset, paid-off. This excellent work by all crews involved; Elmswell, Ixworth, "
    "Stowmarket, Eye and Debenham, Bury, Ixworth, prevented the fire from spreading. For thatch safety "
    "advice please see our safety leaflet http://fal.cn/K7hi or contact us on "
    "Fire.BusinessSupport@suffolk.gov.uk, 01473 260588"
)

ACTION = re.compile(
    r"\b(Take|Remove|Ask|Don't|Never|Get|Check|Make|Say|Send|Contact|Forward|Start|Leave|Name|Describe|"
    r"Keep|Talk|Comment|Use|Show|Stick|Wait|Reword|Deal|Move|Point|Blur|Give|Tell)\b"
)


def says_what_to_do(finding) -> bool:
    return f"({finding.section})" in finding.message and ACTION.search(finding.message) is not None


def test_the_fire_services_own_example_post_is_ok():
    result = check(FIRE_EXAMPLE, profile="sfrs", own=SUFFOLK)
    assert result.verdict == "ok"
    assert result.findings == []


def test_the_example_post_is_ok_without_an_organisation_file():
    # The pack ships the Suffolk published contacts, the policy's own example number among them (8.2 4.2).
    # (This test used to expect a stop for 01473 260588 with no organisation file: the policy publishes that
    # number, so flagging it was the checker's mistake.)
    assert check(FIRE_EXAMPLE, profile="sfrs").verdict == "ok"
    # "contact us on ...": an unknown number given as ours reads as an organisation's, not a person's.
    assert check(FIRE_EXAMPLE.replace("01473 260588", "01473 555123"), profile="sfrs").verdict == "ok"


def test_a_persons_landline_is_flagged_and_says_how_to_allow_a_published_one():
    text = "For a lift to the fire station ring Dave Smith on 01473 555123"
    result = check(text, profile="sfrs")
    assert result.verdict == "stop"
    flagged = [text[f.span[0]:f.span[1]] for f in result.findings]
    assert flagged == ["01473 555123"]
    assert "organisation file" in result.findings[0].message


# Four hard negatives of the rule layers' tests (test_checker_categories.py) on which the learned layer, when it
# was added, disagreed with them. Each decided by the policy and the labelling guide (policy/eval/README.md):
DISPUTED = [
    # 8.1's own model reply to a request on Twitter (X): neither a request for information nor personal data
    pytest.param("staff", "Thanks for the request. Please DM us your email and we will pass that on to the FOI team",
                 set(), {"foi_request", "personal_data"},
                 marks=pytest.mark.xfail(strict=True, reason="known false alarm of the learned layer: advice only, "
                                                             "the verdict stays ok")),
    # an idiom in a safety message: nobody is called an idiot; not insults or contempt (3.2, 3.9)
    ("staff", "Don't be an idiot, test your smoke alarm", set(), {"hate_or_abuse"}),
    # a casualty's age and hospital on an employee's own account: incident_sensitive for every profile by the
    # guide (8.2 2.5 for fire staff; train labels firefighters' own posts so); the test expected the opposite
    ("personal", "A 45-year-old man was taken to hospital after the fire", {"incident_sensitive"}, set()),
    # a named member of staff in their role is not personal data (3.4, the guide's "Not personal data")
    ("staff", "Mrs Smith from Adult Social Care will be at the library on Monday", set(), {"personal_data"}),
]


@pytest.mark.parametrize("profile,text,present,absent", DISPUTED, ids=lambda v: v[:30] if isinstance(v, str) else None)
def test_the_whole_checker_on_the_disputed_hard_negatives(profile, text, present, absent):
    result = check(text, profile=profile, own=SUFFOLK)
    assert present <= set(result.categories)
    assert not set(result.categories) & absent, result.findings


def test_result_shape_is_exactly_the_documented_one():
    result = check("Call Dave on 07911 123456, it's about the Part 2 report", profile="staff")
    d = result.to_dict()
    assert set(d) == {"verdict", "findings", "checklist", "policy_version"}
    assert d["verdict"] == "stop"
    for f in d["findings"]:
        assert set(f) == {"category", "severity", "section", "message", "span", "confidence", "evidence"}
        assert isinstance(f["span"], list) and len(f["span"]) == 2
        assert 0 <= f["confidence"] <= 1
        assert f["evidence"] and all(set(e) == {"what", "span"} and len(e["span"]) == 2 for e in f["evidence"])
        assert "07911" not in json.dumps(f["evidence"])  # the words by their spans, never copied
    assert d["checklist"] == list(POSTING_CHECKLIST)
    assert "1.4" in d["policy_version"]
    json.dumps(d)  # serialisable as is


def test_verdict_is_the_most_severe_finding_and_advice_does_not_raise_it():
    assert check("Join us at Christchurch Park on Saturday").verdict == "ok"
    foi = check("Under the Freedom of Information Act please provide the figures for 2023.")
    assert foi.verdict == "ok" and [f.severity for f in foi.findings] == ["advice"]
    assert check("Vote Labour on Thursday!").verdict == "sign_off"
    both = check("Vote Labour on Thursday! Ring me on 07911 123456")
    assert both.verdict == "stop"
    assert [f.severity for f in both.findings] == ["stop", "sign_off"]  # most severe first


def test_every_message_cites_its_section_and_says_what_to_do():
    for rule in checker.PACK.rules:
        for profile in rule.profiles:
            msg = rule.message[profile].format(section=rule.section[profile])
            assert f"({rule.section[profile]})" in msg, rule.id
            assert ACTION.search(msg), (rule.id, msg)


def test_text_hash_and_categories_for_the_audit_event():
    text = "Ring Dave on 07911 123456. Vote Labour on Thursday!"
    result = check(text)
    assert result.text_hash == hashlib.sha256(text.encode()).hexdigest()
    assert result.categories == ["personal_data", "political"]
    assert "07911" not in repr(result.to_dict()["findings"])  # spans, not copies of the text


def _holds(obj, needle: str, depth: int = 0, seen=None) -> bool:
    seen = set() if seen is None else seen
    if id(obj) in seen or depth > 6:
        return False
    seen.add(id(obj))
    if isinstance(obj, str):
        return needle in obj
    if isinstance(obj, dict):
        return any(_holds(k, needle, depth + 1, seen) or _holds(v, needle, depth + 1, seen) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return any(_holds(x, needle, depth + 1, seen) for x in obj)
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return _holds(vars(obj), needle, depth + 1, seen)
    return False


def test_the_engine_keeps_nothing_of_the_text():
    import importlib
    import re as re_module

    secret = "Zebedee Quux-Marmalade lives at 14 Church Road, phone 07911 654321, f**k"
    for profile in PROFILES:
        check(secret, profile=profile, has_image=True, own=SUFFOLK)
    looks_like_foi(secret)
    for name in ("policy.checker", "policy.check_engine", "policy.check_words", "policy.check_triggers",
                 "policy.check_pack", "policy.pack_loader", "policy.detectors", "policy.learned", "policy.encoder"):
        module = importlib.import_module(name)
        assert not _holds({k: v for k, v in vars(module).items() if not k.startswith("__")}, "Marmalade"), name
    assert not any("Marmalade" in str(key) for key in re_module._cache)  # no regex built from the text


def test_unknown_profile_is_a_clear_value_error():
    with pytest.raises(ValueError, match="unknown profile 'wizard'.*staff, sfrs, member, personal"):
        check("hello", profile="wizard")
    assert PROFILES == ("staff", "sfrs", "member", "personal")


def test_text_must_be_a_string():
    with pytest.raises(TypeError):
        check(None)  # type: ignore[arg-type]


# --- state escalation ------------------------------------------------------------------

def test_mourning_pause_stops_every_post_whatever_the_text():
    state = PostingState(pause_reason="Operation London Bridge")
    result = check("Join us at Christchurch Park on Saturday", state=state)
    assert result.verdict == "stop"
    [f] = result.findings
    assert (f.category, f.severity, f.section, f.span) == ("mourning_pause", "stop", "4.4", None)
    assert "Operation London Bridge" in f.message and "Don't post or schedule" in f.message


def test_crisis_needs_the_crisis_approver():
    state = PostingState(crisis_approver="comms@suffolk.gov.uk", crisis_account="@SuffolkCC")
    result = check("Thank you for your patience, we are listening", state=state)
    assert result.verdict == "sign_off"
    [f] = result.findings
    assert (f.category, f.section) == ("crisis", "4.3")
    assert "comms@suffolk.gov.uk" in f.message and "@SuffolkCC" in f.message
    # A post that stops anyway still stops, and still names the approver.
    worse = check("Ring 07911 123456", state=state)
    assert worse.verdict == "stop" and "crisis" in worse.categories


def test_crisis_without_an_account_name_says_this_account():
    result = check("More information to follow later today", state=PostingState(crisis_approver="Jo Bloggs"))
    assert "this account" in result.findings[0].message


# --- photos ----------------------------------------------------------------------------

def test_an_image_adds_the_photo_checklist():
    plain = check("Our new library opens on Saturday")
    photo = check("Our new library opens on Saturday", has_image=True)
    assert plain.checklist == list(POSTING_CHECKLIST)
    assert photo.checklist == list(POSTING_CHECKLIST) + list(PHOTO_CHECKLIST)
    assert "parental permission" in " ".join(PHOTO_CHECKLIST).lower() and "(2.9)" in PHOTO_CHECKLIST[0]
    assert "8.2" not in " ".join(PHOTO_CHECKLIST)        # the fire service's appendix is not the council's
    fire = check("Our new station opens on Saturday", profile="sfrs", has_image=True)
    assert fire.checklist == list(POSTING_CHECKLIST) + list(POSTING_CHECKLIST_SFRS) + list(PHOTO_CHECKLIST_SFRS)
    # The fire service's posting additions (8.2 5.1) are its own, with or without a photo.
    assert check("Our new station opens on Saturday", profile="sfrs").checklist[-len(POSTING_CHECKLIST_SFRS):] == \
        list(POSTING_CHECKLIST_SFRS)
    assert any("(8.2 5.1)" in item for item in POSTING_CHECKLIST_SFRS)
    joined = " ".join(PHOTO_CHECKLIST_SFRS).lower()
    for item in ("personal items", "signs of death", "house number", "number plates", "ppe", "casualty faces",
                 "written parental permission", "officer in charge has given permission",
                 "permission must be obtained before photographing or filming"):
        assert item in joined


def test_an_image_with_children_in_the_text_needs_sign_off():
    result = check("Pupils from Bacton primary enjoyed their visit to the fire station", has_image=True)
    assert result.verdict == "sign_off"
    [f] = result.findings
    assert f.category == "children" and f.section == "2.9" and "parental permission" in f.message
    sfrs = check("Pupils from Bacton primary visited the fire station", profile="sfrs", has_image=True)
    assert sfrs.findings[0].section == "8.2 4.3"
    # The same words without a photo are fine.
    assert check("Pupils from Bacton primary enjoyed their visit to the fire station").verdict == "ok"


def test_photo_location_data_is_reported():
    result = check("Crews at work today", has_image=True, image_gps=(52.06, 1.15))
    assert result.verdict == "ok"  # advice: most platforms strip it, but say so
    [f] = result.findings
    assert f.category == "image_location" and f.severity == "advice" and "location" in f.message
    assert check("Crews at work", profile="sfrs", image_gps=(52.0, 1.1)).findings[0].section == "8.2 2.5"
    with pytest.raises(ValueError):
        check("x", image_gps=(123.0, 1.0))


# --- FOI helper ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Under the Freedom of Information Act, how many potholes did you fix in 2023?",
    "Can you send me all emails about the A14 roadworks under freedom of information?",
    "I'd like to request a copy of the minutes and all emails about the depot.",
    "How much did the council spend on consultants last year?",
    "This is a subject access request for my records",
    "FOI: please provide the contract for the new bins",
])
def test_looks_like_foi(text):
    assert looks_like_foi(text)
    result = check(text)
    assert "foi_request" in result.categories
    f = next(f for f in result.findings if f.category == "foi_request")
    assert f.severity == "advice" and f.section == "8.1" and "/smpolicy foi" in f.message


@pytest.mark.parametrize("text", [
    "Please send us your photos of the summer fair!",
    "How many of you have tested your smoke alarm this month?",
    "Information about bin collections is on our website.",
])
def test_not_foi(text):
    assert not looks_like_foi(text)


def test_results_are_frozen():
    result = check("hello")
    assert isinstance(result, CheckResult)
    with pytest.raises(Exception):
        result.verdict = "ok"  # type: ignore[misc]


async def test_check_async_reads_the_posting_state_while_the_checker_thread_reads_the_text(monkeypatch):
    """The server gives check_async its database read of the posting state rather than waiting for it first:
    the read runs on the loop while the checker's thread reads the text, and the verdict is the one check()
    gives with that state (a mourning pause makes every post stop)."""
    import asyncio
    import threading

    text_started, state_read = threading.Event(), threading.Event()
    real = checker._text_findings

    def text_part(*args, **kwargs):
        text_started.set()
        assert state_read.wait(10), "the text was checked only after the posting state had been read"
        return real(*args, **kwargs)

    async def read_state():
        while not text_started.is_set():   # the database read, still going when the text check starts
            await asyncio.sleep(0.001)
        state_read.set()
        return PostingState(pause_reason="Operation London Bridge")

    monkeypatch.setattr(checker, "_text_findings", text_part)
    text = "Join us at Christchurch Park on Saturday for the summer fair"
    result = await asyncio.wait_for(checker.check_async(text, profile="staff", state=read_state()), 20)
    monkeypatch.undo()
    assert result == checker.check(text, profile="staff", state=PostingState(pause_reason="Operation London Bridge"))
    assert result.verdict == "stop"
    with pytest.raises(ValueError, match="unknown profile"):   # bad input fails before anything is read
        await checker.check_async(text, profile="nobody", state=read_state())
