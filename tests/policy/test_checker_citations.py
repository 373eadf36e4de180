"""Every finding cites a section that applies to the profile checked (issue 13): the fire-service appendix (8.2)
only for the fire service, the Members' protocol (8.3) only for members, 8.2 5.3 (deleting the public's posts)
never for one's own draft; and no rule the documents do not make, presented as theirs."""
from __future__ import annotations

import pytest

from policy import checker

PROFILES = ("staff", "sfrs", "member", "personal")
HIGHWAYS = ("A14 travel alert: the westbound carriageway at Copdock is closed after a collision. A 45-year-old man "
            "was taken to Ipswich Hospital with serious injuries. Please avoid the area.")


def _pairs():
    for rule in checker.PACK.rules:
        for profile in sorted(rule.profiles):   # a set: sorted, so every xdist worker collects the same list
            yield pytest.param(rule.id, profile, rule.section[profile], rule.message[profile], id=f"{rule.id}-{profile}")


@pytest.mark.parametrize("rule_id,profile,section,msg", list(_pairs()))
def test_each_rule_cites_a_section_for_its_profile(rule_id, profile, section, msg):
    if profile != "sfrs":
        assert not section.startswith("8.2"), (rule_id, profile, section)
        assert "crews attended" not in msg.lower(), (rule_id, profile)
    if profile != "member":
        assert section != "8.3" and not section.startswith("MG"), (rule_id, profile, section)
    assert section != "8.2 5.3", rule_id           # about deleting the public's posts, not our own drafts
    assert "politically neutral, especially" not in msg
    assert "manager and the Communications Team" not in msg    # 4.2: "a manager or councillor"
    assert "20-working-day clock" not in msg                    # subject access is one calendar month


@pytest.mark.parametrize("profile", ("staff", "member", "personal"))
def test_a_council_travel_alert_gets_no_fire_service_rule(profile):
    result = checker.check(HIGHWAYS, profile=profile)
    for f in result.findings:
        assert not f.section.startswith("8.2") and "crews" not in f.message, f


def test_swearing_in_a_firefighters_draft_cites_tone_of_voice():
    (found,) = [f for f in checker.check("What a shit day, crews were out for hours", profile="sfrs").findings
                if f.category == "profanity"]
    assert found.section == "3.2"


def test_a_councillors_paid_election_advert_gets_mg_5_6():
    text = "I've paid for a Facebook advert for my election campaign: vote for me on 7 May"
    (found,) = [f for f in checker.check(text, profile="member").findings if f.category == "paid_promotion"]
    assert found.section == "MG 5.6" and "return of expenditure" in found.message


def test_a_password_says_to_report_it_to_information_management():
    (found,) = [f for f in checker.check("The password for the Highways account is Tr0ub4dor&3",
                                         profile="staff").findings if f.category == "credentials"]
    assert "report it to Information Management" in found.message and "(2.10)" in found.message
