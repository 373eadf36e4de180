"""Where the bot may send Teams traffic: the one check on every `serviceUrl`.

A Teams activity names the Bot Connector the bot should reply to (`serviceUrl`); the bot also sends proactive
messages and reads rosters there. Trusting it blindly lets any caller point the bot at a server of their own
(and have it sent personal data, or use it to reach internal hosts). So:

- authenticated mode: only the Bot Framework's own service hosts (the SDK's `OutboundHostValidator` list:
  botframework.com, smba.trafficmanager.net, teams.microsoft.com/us …), https, public addresses;
- anonymous local mode: only loopback (a local emulator or the tests' stand-in on this machine);
- Teams off: nowhere.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from microsoft_agents.hosting.core.security import OutboundHostValidator

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class ServiceUrlPolicy:
    def __init__(self, mode: str):
        if mode not in ("authenticated", "anonymous", "off"):
            raise ValueError(f"unknown Teams mode {mode!r}")
        self.mode = mode
        self._microsoft = OutboundHostValidator(enabled=True, include_default_microsoft_hosts=True)

    def allows(self, url: object) -> bool:
        if not isinstance(url, str) or not url:
            return False
        if self.mode == "authenticated":
            return self._microsoft.is_allowed(url)
        if self.mode == "anonymous":
            return _is_loopback_url(url)
        return False

    def host_validator(self) -> OutboundHostValidator:
        """The SDK's own inbound check, for the adapter (authenticated mode)."""
        return self._microsoft


def _is_loopback_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and not parts.username and not parts.password \
        and host in LOOPBACK_HOSTS
