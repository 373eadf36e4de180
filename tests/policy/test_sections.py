"""The policy pack's sections: every numbered heading, lookups, clean text, pack errors."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from policy import sections as sections_mod
from policy.sections import (PACK_DIR, PackError, children, get_section, load_pack,
                             load_sections, normalise_ref)

# Every numbered heading of both documents, in document order, written out by hand from the
# source texts (the contents pages list 2.9 twice and omit 5 and 2.11; the body is right).
POLICY_IDS = (
    ["1", "1.1", "1.2", "1.3", "2"] + [f"2.{i}" for i in range(1, 12)]
    + ["3"] + [f"3.{i}" for i in range(1, 10)]
    + ["4", "4.1", "4.2", "4.3", "4.4", "5"] + [f"5.{i}" for i in range(1, 7)]
    + ["6"] + [f"6.{i}" for i in range(1, 7)] + ["7", "8", "8.1", "8.2"]
    + ["8.2/1", "8.2/2", "8.2/2.1", "8.2/2.2", "8.2/2.3", "8.2/2.4", "8.2/2.5",
       "8.2/3", "8.2/3.1", "8.2/3.2", "8.2/4", "8.2/4.2", "8.2/4.3",
       "8.2/5", "8.2/5.1", "8.2/5.2", "8.2/5.3", "8.2/5.4", "8.2/5.5",
       "8.2/6", "8.2/6.1", "8.2/6.2", "8.2/6.3"]
    + ["8.3"]
)
MEMBERS_IDS = (["MG 1", "MG 2", "MG 3", "MG 3.1", "MG 3.2", "MG 3.3", "MG 3.4", "MG 4", "MG 5"]
               + [f"MG 5.{i}" for i in range(1, 7)] + ["MG 6", "MG 7", "MG 8", "MG 9"])

TITLES = {
    "2.7": "Facebook boosting/paid advertising",
    "2.11": "Using social media for monitoring or surveillance",
    "3.9": "Dealing with online harassment and bullying (e-safety)",
    "4.4": "Operation Menai Bridge",
    "5.6": "Two-factor authentication",
    "8.1": "Freedom of Information Requests",
    "8.2": "Suffolk Fire and Rescue Service",
    "8.2/2.5": "Standards expected",
    "8.2/4.2": "Photography at incidents",
    "8.2/5.3": "When should a post be deleted?",
    "8.3": "Social Media Protocol for Members",
    "MG 3.1": 'The Members Code of Conduct and "Blurred identities"',
    "MG 5.4": "Confidential Information",
    "MG 9": "Review",
}


def test_every_numbered_heading_in_document_order():
    assert list(load_sections()) == POLICY_IDS + MEMBERS_IDS


def test_documents_and_parents():
    secs = load_sections()
    for sid in POLICY_IDS:
        assert secs[sid].document == "policy"
    for sid in MEMBERS_IDS:
        assert secs[sid].document == "members_guidance"
    expected_parent = {"1": None, "2.7": "2", "8": None, "8.1": "8", "8.2": "8", "8.3": "8",
                       "8.2/1": "8.2", "8.2/2": "8.2", "8.2/2.5": "8.2/2", "8.2/4.2": "8.2/4",
                       "MG 1": None, "MG 5": None, "MG 5.4": "MG 5", "MG 3.1": "MG 3"}
    for sid, parent in expected_parent.items():
        assert secs[sid].parent == parent, sid
    for s in secs.values():
        assert s.parent is None or list(secs).index(s.parent) < list(secs).index(s.id)


@pytest.mark.parametrize("sid,title", sorted(TITLES.items()))
def test_titles(sid, title):
    assert load_sections()[sid].title == title


@pytest.mark.parametrize("ref,sid", [
    ("3.4", "3.4"), ("§3.4", "3.4"), ("§ 3.4", "3.4"), ("section 3.4", "3.4"), ("s3.4", "3.4"),
    ("3.4.", "3.4"), (" 2.10 ", "2.10"), ("1", "1"), ("8.3", "8.3"), ("appendix 8.1", "8.1"),
    ("8.2 2.5", "8.2/2.5"), ("8.2/2.5", "8.2/2.5"), ("8.2 / 2.5", "8.2/2.5"),
    ("8.2 §2.5", "8.2/2.5"), ("SFRS 2.5", "8.2/2.5"), ("fire 5.3", "8.2/5.3"), ("8.2 1.", "8.2/1"),
    ("MG 5.4", "MG 5.4"), ("mg5.4", "MG 5.4"), ("Mg 9", "MG 9"), ("members guidance 5.4", "MG 5.4"),
])
def test_get_section_spellings(ref, sid):
    assert normalise_ref(ref) == sid
    found = get_section(ref)
    assert found is not None and found.id == sid


@pytest.mark.parametrize("ref", ["", "x", "3.45.6", "9.9", "MG 10", "8.2/4.1", "8.2/9", "policy"])
def test_get_section_unknown(ref):
    assert get_section(ref) is None


def test_no_page_furniture_or_contents_junk():
    for s in load_sections().values():
        text = s.text
        for junk in ("Table of Contents", "DOCUMENT CONTROL", "Changes History", "Document ID",
                     "<u>", "</u>", "**", "\t", "\u00a0", "Review and Approval"):
            assert junk not in text, (s.id, junk)
        lines = text.splitlines()
        assert "Social Media Policy" not in lines, s.id        # the running header
        assert "SOCIAL MEDIA PROTOCOL FOR MEMBERS" not in lines
        for line in lines:
            # contents rows are runs of section numbers or page numbers
            assert not line.strip().replace(".", "").replace(" ", "").isdigit() or len(line) > 30, (s.id, line)
            assert line == line.strip(), (s.id, line)
        assert "\n\n\n" not in text and text == text.strip()


def test_sentences_split_by_page_breaks_are_rejoined():
    secs = load_sections()
    assert "in accordance with the SCC Conduct and Capability Policy." in secs["2.10"].text
    assert "as defined by Section 1.3 of this policy" in secs["2.6"].text
    assert "follow the Council's social media accounts" in secs["3.7"].text
    assert "paused for approximately 10 days" in secs["4.4"].text
    assert "position on recycling (Member)." in secs["MG 3.1"].text
    assert "Code of Conduct for Members, and Use of Council Resources" in secs["MG 8"].text


def test_section_4_3_full_text():
    text = get_section("4.3").text
    assert text.startswith("It is important that we recognise that sometimes")
    for part in ("Crisis management", "The listening phase", "Crisis Management Group",
                 "Response phase", "Post crisis", '"listening response"',
                 "appoint one person as the approver", "Crisis does not end at 5pm",
                 "You should also do an analysis of the channel",
                 "review membership of the Crisis Management Group"):
        assert part in text, part
    assert text.endswith("The following flow chart may help to graphically illustrate the process described above.")
    assert len(text) > 5000


def test_section_8_1_full_text():
    text = get_section("8.1").text
    assert text.startswith("The Freedom of Information Act gives everyone the right")
    for part in ("Environmental Information Regulations", "within 20 working days",
                 '"Thank you for your request. Our Freedom of Information Team',
                 '"Thanks for the request. Please DM us your email',
                 "the request is still valid",
                 "emailed to the FOI team Information.Management@suffolk.gov.uk and thank the customer",
                 "Also email the Communications Team"):
        assert part in text, part
    assert text.endswith("as there are statutory time restraints in place.")


def test_lists_and_address_keep_their_lines():
    assert "\n- Details of firefighter numbers in each appliance.\n- Crews off the run." in get_section("8.2/2.5").text
    assert "Katherine Merlo\nSenior Communications Officer\n" in get_section("6.6").text
    # a list running over a page break stays one list
    assert "Council related information.\n- represent your personal views" in get_section("8.3").text


def test_children_and_empty_parents():
    assert [s.id for s in children("2")] == [f"2.{i}" for i in range(1, 12)]
    assert [s.id for s in children("8.2/4")] == ["8.2/4.2", "8.2/4.3"]
    assert get_section("2").text == ""          # heading only; its text is in 2.1-2.11


def test_policy_version():
    assert sections_mod.POLICY_VERSION == "Suffolk Social Media Policy 1.4 (May 2024); Members guidance 2024"
    assert load_pack().documents["policy"]["version"] == "1.4"


def test_load_sections_cached_and_fresh_dict():
    a, b = load_sections(), load_sections()
    assert a == b and a is not b
    assert a["3.4"] is b["3.4"]                  # same cached objects underneath
    a.clear()
    assert load_sections()


# ---------------------------------------------------------------- malformed packs

def _good() -> dict:
    return json.loads((PACK_DIR / "sections.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data) -> Path:
    (tmp_path / "sections.json").write_text(data if isinstance(data, str) else json.dumps(data))
    return tmp_path


def _mutate(fn):
    data = _good()
    fn(data)
    return data


@pytest.mark.parametrize("data,problem", [
    ("{not json", "invalid JSON"),
    ("[]", "top level must be an object"),
    (_mutate(lambda d: d.update(format=99)), "unsupported format"),
    (_mutate(lambda d: d.pop("policy_version")), "'policy_version'"),
    (_mutate(lambda d: d.update(sections=[])), "'sections' must be a non-empty list"),
    (_mutate(lambda d: d["sections"][3].pop("text")), "'text' must be a string"),
    (_mutate(lambda d: d["sections"].append(dict(d["sections"][0]))), "duplicate id"),
    (_mutate(lambda d: d["sections"][1].update(parent="99")), "parent '99'"),
    (_mutate(lambda d: d["sections"][1].update(document="manual")), "document must be one of"),
    (_mutate(lambda d: d["sections"][1].update(id="one point one")), "malformed id"),
])
def test_malformed_pack_raises_pack_error(tmp_path, data, problem):
    pack_dir = _write(tmp_path, data)
    with pytest.raises(PackError) as info:
        load_sections(pack_dir)
    message = str(info.value)
    assert problem in message
    assert str(pack_dir / "sections.json") in message and "\n" not in message


def test_missing_pack(tmp_path):
    with pytest.raises(PackError, match="file not found"):
        load_sections(tmp_path)


def test_pack_dir_is_self_contained():
    assert Path(sections_mod.__file__).parent / "pack" == PACK_DIR
    assert (PACK_DIR / "sections.json").is_file()


# ---------------------------------------------------------------- the build tool

SOURCE = Path("/work/shared/policy")
TOOL = Path(__file__).resolve().parents[2] / "tools" / "build_sections.py"


@pytest.mark.skipif(not SOURCE.is_dir(), reason="policy source texts not available")
def test_committed_pack_matches_build_tool():
    spec = importlib.util.spec_from_file_location("build_sections", TOOL)
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool        # dataclasses look their module up while building
    try:
        spec.loader.exec_module(tool)
    finally:
        del sys.modules[spec.name]
    built = tool.render(tool.build(SOURCE))
    assert built == (PACK_DIR / "sections.json").read_text(encoding="utf-8"), \
        "policy/pack/sections.json is stale: run python tools/build_sections.py"
