"""The service-URL policy on its own: what each Teams mode may send to."""
from __future__ import annotations

import pytest

from bot.teams.service_urls import ServiceUrlPolicy


@pytest.mark.parametrize("url, ok", [
    ("https://smba.trafficmanager.net/emea/", True),
    ("https://smba.infra.gcc.teams.microsoft.com/teams", True),
    ("http://smba.trafficmanager.net/emea/", False),          # not https
    ("https://smba.trafficmanager.net.evil.example/", False),
    ("https://evil.example/smba.trafficmanager.net/", False),
    ("https://user:pw@smba.trafficmanager.net/", False),
    ("http://127.0.0.1:3978/", False),
    ("", False), (None, False), (42, False),
])
def test_authenticated_mode_allows_only_bot_framework_hosts(url, ok):
    assert ServiceUrlPolicy("authenticated").allows(url) is ok


@pytest.mark.parametrize("url, ok", [
    ("http://127.0.0.1:51234/", True), ("http://localhost:9/", True), ("http://[::1]:80/", True),
    ("http://192.0.2.10/", False), ("https://smba.trafficmanager.net/emea/", False),
    ("http://127.0.0.1.evil.example/", False), ("http://x@127.0.0.1/", False), ("ftp://127.0.0.1/", False),
    ("http://127.0.0.1:notaport/", False),
])
def test_anonymous_mode_allows_only_loopback(url, ok):
    assert ServiceUrlPolicy("anonymous").allows(url) is ok


def test_teams_off_allows_nothing():
    assert not ServiceUrlPolicy("off").allows("https://smba.trafficmanager.net/emea/")


async def test_the_sdk_client_factory_refuses_a_stored_reference_elsewhere():
    # Proactive sends use stored references; one saved before the front door was closed must not be used.
    from bot.settings import Settings
    from bot.teams.host import ServiceUrlRefused, build_adapter

    adapter = build_adapter(Settings(teams_anonymous=True))
    factory = adapter._channel_service_client_factory
    with pytest.raises(ServiceUrlRefused):
        await factory.create_connector_client(None, None, "https://attacker.example/", "aud")
