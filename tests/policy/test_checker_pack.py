"""The rules are data: a council edits the pack, not Python, and a broken pack fails at load in one line."""
from __future__ import annotations

import shutil

import pytest

from bench.checker import CLEAN, PROBLEMS, generate_posts
from policy.check_engine import evaluate
from policy.check_pack import PACK_DIR, PackError
from policy.pack_loader import load_rules
from policy.checker import PACK, PROFILES, _own_index, check
from tests.policy.test_checker import FIRE_EXAMPLE, SUFFOLK
from tests.policy.test_checker_categories import CAUGHT, NOT_CAUGHT

# The rule layers alone: what the rules decide, without the learned layer's judgement (tests/policy/conftest.py).
pytestmark = pytest.mark.usefixtures("rules_only")

MINIMAL = '''
[pack]
name = "Test council"
policy_version = "Test policy 1.0"

[checklists]
posting = ["Think before you post (4.2)"]
photo = ["Permission for children (2.9)"]

[categories]
fruit = { severity = "stop", sections = ["9.9"] }
mourning_pause = { severity = "stop", sections = ["4.4"] }
crisis = { severity = "sign_off", sections = ["4.3"] }

[detectors]
street_suffixes = "street_suffixes"
ambiguous_suffixes = "ambiguous_suffixes"
venue_words = "venue_words"
not_plates = "not_plates"
name_stopwords = "name_stopwords"

[state.pause]
category = "mourning_pause"
severity = "stop"
section = "4.4"
message = "Paused: {reason} ({section}). Don't post."

[state.crisis]
category = "crisis"
severity = "sign_off"
section = "4.3"
message = "Crisis on {account} ({section}). Ask {approver}."

[image.gps]
category = "fruit"
severity = "advice"
section = "3.4"
message = "Remove the location ({section})."

[[rules]]
id = "fruit.banana"
category = "fruit"
triggers = ["banana*"]
pattern = \'\'\'\\bbananas?\\b\'\'\'
section = "9.9"
message = "Don't mention bananas ({section})."
'''


@pytest.fixture
def pack_dir(tmp_path):
    shutil.copytree(PACK_DIR / "words", tmp_path / "words")
    return tmp_path


def write(pack_dir, text: str):
    path = pack_dir / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(pack_dir, text: str) -> str:
    with pytest.raises(PackError) as info:
        load_rules(write(pack_dir, text))
    message = str(info.value)
    assert "\n" not in message  # one line
    assert str(pack_dir / "rules.toml") in message or "words" in message  # names the file
    return message


def test_the_shipped_pack_loads_and_covers_the_issue_table():
    pack = load_rules()
    assert pack.policy_version == PACK.policy_version
    categories = {r.category for r in pack.rules}
    assert categories >= {
        "personal_data", "payment_data", "credentials", "incident_sensitive", "confidential", "hate_or_abuse",
        "profanity", "defamation", "predetermination", "surveillance", "children", "political", "controversial",
        "paid_promotion", "campaign", "copyright", "speaking_for_council", "foi_request",
    }


def test_profile_applicability_is_data():
    by_id = {r.id: r for r in PACK.rules}
    assert by_id["predetermination.closed_mind"].profiles == {"member"}
    assert by_id["speaking_for_council.capacity"].profiles == {"personal", "member"}
    assert by_id["incident_sensitive.crew_numbers"].profiles == {"staff", "sfrs"}


def test_a_council_changes_the_rules_without_python(pack_dir):
    pack = load_rules(write(pack_dir, MINIMAL))
    result = check("We sell Bananas on Friday", pack=pack)
    assert result.verdict == "stop" and result.policy_version == "Test policy 1.0"
    [f] = result.findings
    assert (f.category, f.section, f.message) == ("fruit", "9.9", "Don't mention bananas (9.9).")
    assert result.checklist == ["Think before you post (4.2)"]
    assert check("Call 07911 123456", pack=pack).verdict == "ok"  # no phone rule in this pack


@pytest.mark.parametrize("change,expected", [
    (("[pack]", "[pak]"), 'top level: missing key "pack"'),
    (('policy_version = "Test policy 1.0"', ""), '[pack]: missing key "policy_version"'),
    (('pattern = \'\'\'\\bbananas?\\b\'\'\'', "pattern = '''(banana'''"),
     'rules[0] (id "fruit.banana") key "pattern": bad regular expression'),
    (('category = "fruit"\ntriggers', 'category = "veg"\ntriggers'),
     'rules[0] (id "fruit.banana") key "category": unknown category "veg"'),
    (('id = "fruit.banana"', 'id = "fruit.banana"\nprofiles = ["staff", "wizard"]'),
     'rules[0] (id "fruit.banana") key "profiles": unknown profile \'wizard\''),
    (('message = "Don\'t mention bananas ({section})."', 'message = "Don\'t mention bananas."'),
     'rules[0] (id "fruit.banana") key "message": message must cite its section with {section}'),
    (('message = "Don\'t mention bananas ({section})."', 'message = "Don\'t mention {fruit} ({section})."'),
     'key "message": bad placeholder'),
    (('triggers = ["banana*"]', 'triggers = ["banana*"]\npatern = "x"'),
     'rules[0] (id "fruit.banana"): unknown key "patern"'),
    (('section = "9.9"\nmessage = "Don\'t', 'severity = "urgent"\nsection = "9.9"\nmessage = "Don\'t'),
     "unknown severity 'urgent'"),
    (('pattern = \'\'\'\\bbananas?\\b\'\'\'', "pattern = '''\\bBananas?\\b'''"),
     "upper-case letters never match the lower-cased text"),
    (('triggers = ["banana*"]', 'triggers = ["ba*"]'), "needs at least 3 letters"),
    (('venue_words = "venue_words"', 'venue_words = "no_such_list"'), "no word list"),
    (('pattern = \'\'\'\\bbananas?\\b\'\'\'', 'words = "no_such_list"'), "no word list"),
    (('pattern = \'\'\'\\bbananas?\\b\'\'\'', 'detector = "banana_phone"'), "unknown detector 'banana_phone'"),
    (('section = "9.9"\nmessage', 'section = { member = "9.9" }\nmessage'),
     'no value for profile "staff" and no "default"'),
    (('severity = "stop", sections = ["9.9"]', 'severity = "stop"'), '[categories.fruit]: missing key "sections"'),
    (("[[rules]]", "[[rules]]\nwindow = 5000"), 'key "window": expected a number of characters'),
    # graded evidence
    (('triggers = ["banana*"]', 'triggers = ["banana*"]\nbands = { high = "urgent" }'),
     "band 'high': expected one of rule, stop, sign_off, advice, none"),
    (('triggers = ["banana*"]', 'triggers = ["banana*"]\nbands = { certain = "stop" }'), "unknown band 'certain'"),
    (('triggers = ["banana*"]', 'triggers = ["banana*"]\nconfidence = "certain"'),
     'key "confidence": expected one of high, medium, low'),
    (('triggers = ["banana*"]', 'triggers = ["banana*"]\nsupport = ["nope"]'),
     'key "support": unknown context "nope"'),
    (('triggers = ["banana*"]', 'triggers = ["banana*"]\nmasked_only = true'),
     'masked_only only applies to a "words" rule'),
    (("[state.pause]", '[published]\nphones = ["not a number"]\n\n[state.pause]'), "is not a phone number"),
    (("[state.pause]", '[published]\nemails = ["x"]\n\n[state.pause]'), '[published]: unknown key "emails"'),
    (("[state.pause]", "[detectors.people]\nwindow = 100\n\n[state.pause]"),
     '[people]: missing key "circumstances"'),
])
def test_a_malformed_pack_fails_at_load_naming_the_file_and_key(pack_dir, change, expected):
    old, new = change
    assert old in MINIMAL, old
    message = load_error(pack_dir, MINIMAL.replace(old, new, 1))
    assert expected in message, message


def test_broken_toml_names_the_file_and_line(pack_dir):
    message = load_error(pack_dir, MINIMAL + "\n[[rules]\n")
    assert "not valid TOML" in message and "line" in message


def test_a_missing_pack_file(tmp_path):
    with pytest.raises(PackError, match="no such file"):
        load_rules(tmp_path / "nowhere.toml")


def test_a_bad_word_list_line_names_the_list_and_line(pack_dir):
    (pack_dir / "words" / "not_plates.txt").write_text("the\nand\nA14 <<\n", encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_rules(write(pack_dir, MINIMAL))
    assert "not_plates.txt" in str(info.value) and "line 3" in str(info.value)


def test_a_wrong_type_is_named(pack_dir):
    message = load_error(pack_dir, MINIMAL.replace('triggers = ["banana*"]', 'triggers = "banana"'))
    assert 'key "triggers": expected list, got str' in message


# The triggers make the checker fast by trying each pattern only where one of its start words stands.
# A missing trigger would silently hide a match: compare with searching every pattern in full.

def _texts():
    yield FIRE_EXAMPLE
    yield from CLEAN
    yield from (t for texts in PROBLEMS.values() for t in texts)
    yield from (c[1] for c in CAUGHT)
    yield from (c[1] for c in NOT_CAUGHT)
    yield from (t for t, _, _ in generate_posts(300, seed=11))


@pytest.mark.parametrize("profile", PROFILES)   # one test a profile: the workers share the ~10 s it takes
def test_triggers_never_hide_a_match(profile):
    own = _own_index(SUFFOLK)
    for text in _texts():
        # with a photo every rule runs, the photo-only ones too
        fast = evaluate(PACK, text, profile, True, own)
        full = evaluate(PACK, text, profile, True, own, exhaustive=True)
        assert fast == full, (profile, text)


def test_a_council_grades_its_own_evidence_and_lists_its_own_published_contacts(pack_dir):
    text = MINIMAL.replace("[state.pause]", '''[contexts.fruit_words]
label = "a word about fruit"
pattern = \'\'\'\\b(?:fruit|yellow)\\b\'\'\'

[published]
phones = ["01473 555123"]

[state.pause]''').replace('triggers = ["banana*"]', 'triggers = ["banana*"]\nconfidence = "medium"\nsupport = ["fruit_words"]\nbands = { high = "stop", medium = "sign_off", low = "none" }')
    pack = load_rules(write(pack_dir, text))
    assert check("We sell bananas", pack=pack).verdict == "sign_off"  # the pattern alone: medium
    strong = check("We sell bananas, the yellow fruit", pack=pack)
    assert strong.verdict == "stop"
    assert pack.published.national == {"01473555123"}
