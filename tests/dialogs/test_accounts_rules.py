"""The account-request and boost rules on their own: names (3.7), routing (2.3, 3.7, 8.2 2.3), checklists."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from chat.orgconfig import load_config
from dialogs.accounts import rules as accounts
from dialogs.approvals.rules import Step
from dialogs.boost.rules import pounds
from dialogs.register.rules import iso_week
from chat.errors import BadInput
from storage.models.accounts import SocialAccount
from tests.support.server import ORG_FILE

SVC = SimpleNamespace(config=load_config(ORG_FILE))


@pytest.mark.parametrize("name", ["Jo Smith", "Sarah Jane Brown", "Dr Patel", "Cllr Chris", "Sam Staff",
                                  "Our Sam Staff page"])
def test_a_persons_name_is_not_an_account_name(name):
    assert accounts.looks_like_a_person(name, {"Sam Staff"})


@pytest.mark.parametrize("name", ["Suffolk Highways", "Grace Road Library", "Head of Libraries",
                                  "Ipswich East Fire Station", "Jo's Recycling Tips", "SuffolkCC", "Trading Standards"])
def test_role_and_service_names_are_fine(name):
    assert not accounts.looks_like_a_person(name, {"Sam Staff", "someone@example.gov.uk"})


def test_passwords_are_spotted():
    for text in ("password: hunter2", "The Password is abc", "login details - x"):
        assert accounts.PASSWORD.search(text)
    assert not accounts.PASSWORD.search("Logins are registered with the Communications Team")


def details(**over):
    return {"manager": "manager@example.gov.uk", "kind": "service", **over}


def keys(steps):
    return [s.key for s in steps]


def test_routing_follows_the_policy():
    nm = {"manager@example.gov.uk": "Mo Manager"}
    assert keys(accounts.route(SVC, "staff@example.gov.uk", details(), nm, None)) == ["manager", "comms"]
    assert keys(accounts.route(SVC, "staff@example.gov.uk", details(kind="professional"), nm, None)) == \
        ["manager", "head"]
    # 8.2 5.5: a station account is official only with the Chief Fire Officer and the head of communications.
    assert keys(accounts.route(SVC, "staff@example.gov.uk", details(kind="station"), nm, None)) == \
        ["manager", "sfrs", "cfo", "head"]
    assert keys(accounts.route(SVC, "firefighter@examplefire.gov.uk", details(kind="professional"), nm, None)) == \
        ["manager", "sfrs", "cfo", "head"]
    # An SFRS person (their profile, or the channel's) goes through business support whatever the kind.
    assert keys(accounts.route(SVC, "firefighter@examplefire.gov.uk", details(), nm, None)) == \
        ["manager", "sfrs", "comms"]
    assert keys(accounts.route(SVC, "staff@example.gov.uk", details(), nm, "CSFRS")) == ["manager", "sfrs", "comms"]
    first = accounts.route(SVC, "staff@example.gov.uk", details(), nm, None)[0]
    assert (first.person, first.label, first.section) == ("manager@example.gov.uk", "Mo Manager (the line manager)",
                                                          "2.3")


def test_routing_refuses_when_nobody_holds_the_role():
    from dataclasses import replace

    svc = SimpleNamespace(config=replace(SVC.config, roles={**SVC.config.roles, "head_of_comms": ()}))
    with pytest.raises(BadInput, match="Nobody is set up as the head of communications"):
        accounts.route(svc, "staff@example.gov.uk", details(kind="professional"), {}, None)


def test_steps_survive_the_database():
    step = Step("comms", "Communications Team", "the Communications Team", "2.5", role="comms_team",
                also=("head_of_comms",), channel="comms_team")
    assert Step.load(step.dump()) == step


def account(platform="Facebook", kind="service"):
    return SocialAccount(platform=platform, name="Suffolk Highways", kind=kind, monitored_hours="Mon–Fri 9–5",
                         owner="staff@example.gov.uk", service_area="Highways", state="active",
                         created_at=datetime(2026, 12, 1, tzinfo=timezone.utc))


def test_checklists_cite_their_sections():
    on = {k: s for k, _, _, s in accounts.checklist(account())}
    assert on == {"platform": "5.2–5.4", "2fa": "5.6", "training": "2.8", "bio": "3.8", "branding": "3.7"}
    off = {k for k, *_ in accounts.checklist(account(platform="TikTok"))}
    assert "login" in off and "platform" not in off
    station = {k: s for k, _, _, s in accounts.checklist(account(kind="station"))}
    assert station["sfrs_admin"] == "8.2 2.4" and station["safeguarding"] == "8.2 3.2"
    fire_service = {k for k, *_ in accounts.checklist(account(), fire_service=True)}
    assert "safeguarding" in fire_service and "sfrs_admin" not in fire_service
    professional = dict((k, what) for k, _, what, _ in accounts.checklist(account(kind="professional")))
    assert "professional account" in professional["branding"]
    assert "Mon–Fri 9–5" in dict((k, w) for k, _, w, _ in accounts.checklist(account()))["bio"]


def test_no_checklist_item_asks_for_a_password():
    for acct in (account(), account(platform="YouTube"), account(kind="station")):
        for _, _, what, _ in accounts.checklist(acct):
            assert "never" in what or "password" not in what.lower()


@pytest.mark.parametrize("raw,value", [("150", 150.0), ("£150", 150.0), ("£ 1,250.50", 1250.5), ("99.9", 99.9)])
def test_amounts(raw, value):
    assert pounds(raw) == value


@pytest.mark.parametrize("raw", ["", "lots", "0", "-5", "150.123", "£1,00", "1000000"])
def test_bad_amounts(raw):
    assert pounds(raw) is None


def test_iso_week_keys():
    assert iso_week(date(2026, 12, 1)) == "2026-W49"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
