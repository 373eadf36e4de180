"""The organisation file catches the typos that silently broke routing (issue 15): one line, the key, a hint."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from chat.orgconfig import ConfigError, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parents[2] / "smpolicy.example.toml"


@pytest.mark.parametrize("toml, message", [
    ('[organisation]\ntimezone = "Europe/London"', "organisation.timezone: unknown key (did you mean `time_zone`?)"),
    ('[people."jo@x.gov.uk"]\nmanger = "sam@x.gov.uk"', 'people."jo@x.gov.uk".manger: unknown key (did you mean `manager`?)'),
    ('[accounts.highways]\nservice_leed = "a@x.gov.uk"', "accounts.highways.service_leed: unknown key (did you mean `service_lead`?)"),
    ('[channels]\ncomms-team = { slack = "C1" }', "channels.comms-team: unknown key (did you mean `comms_team`?)"),
    ('[organisation]\nfoi_retention_months = true', "organisation.foi_retention_months: expected a whole number"),
    ('[roles]\ncomms = ["a@x.gov.uk"]', "roles.comms: unknown key"),
    ('[channels.comms_team]\nslak = "C1"', "channels.comms_team.slak: unknown key (did you mean `slack`?)"),
    ('[organisation]\nworking_hours = { start = "09:00", finish = "17:00" }', "organisation.working_hours.finish"),
    ('[peple."a@x.gov.uk"]\nname = "A"', "peple: unknown table (did you mean `people`?)"),
])
def test_a_misspelt_key_stops_start_up_with_one_line(toml, message):
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(toml))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_example_file_is_valid():
    config = load_config(EXAMPLE)
    assert config.tz.key == "Europe/London" and config.members("comms_team")
