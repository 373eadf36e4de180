"""Builds the Agents SDK adapter: authenticated with an app id and secret, or anonymous for local runs only.

Every connector client the SDK makes (replies, proactive messages, roster reads) goes through a factory that
refuses a `serviceUrl` the policy does not allow, so a stored or forged reference cannot send data elsewhere.
"""
from __future__ import annotations

import logging

from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import AgentAuthConfiguration, AnonymousTokenProvider
from microsoft_agents.hosting.core.authorization import AuthTypes, Connections
from microsoft_agents.hosting.core.rest_channel_service_client_factory import RestChannelServiceClientFactory

from bot.settings import Settings

from .service_urls import ServiceUrlPolicy

log = logging.getLogger(__name__)


class _AnonymousConnections(Connections):
    """Local runs without an app registration: outgoing calls carry no token."""

    def __init__(self) -> None:
        self._provider = AnonymousTokenProvider()
        self._config = AgentAuthConfiguration(anonymous_allowed=True)

    def get_connection(self, connection_name):
        return self._provider

    def get_default_connection(self):
        return self._provider

    def get_token_provider(self, claims_identity, service_url):
        return self._provider

    def get_token_provider_from_activity(self, activity):  # pragma: no cover - SDK hook
        return self._provider

    def get_default_connection_configuration(self):
        return self._config


class ServiceUrlRefused(PermissionError):
    """The bot was asked to talk to a Bot Connector it does not trust."""


class _GuardedClientFactory(RestChannelServiceClientFactory):
    """Checks the service URL before any connection is made."""

    def __init__(self, connections: Connections, policy: ServiceUrlPolicy, anonymous: bool = False):
        super().__init__(connections)
        self._policy = policy
        self._anonymous = anonymous

    async def create_connector_client(self, context, claims_identity, service_url, audience, scopes=None,
                                      use_anonymous=False):
        if not self._policy.allows(service_url):
            log.warning("Refused to contact a Teams service URL outside the allowed hosts (Teams %s mode)",
                        self._policy.mode)
            raise ServiceUrlRefused("that Teams service address is not allowed")
        # Anonymous local mode end to end: proactive turns (a new chat or channel thread) would otherwise ask
        # for a token the SDK cannot have without an app registration.
        return await super().create_connector_client(context, claims_identity, service_url, audience, scopes,
                                                     use_anonymous=use_anonymous or self._anonymous)

    async def create_user_token_client(self, context, claims_identity, use_anonymous=False):
        return await super().create_user_token_client(context, claims_identity,
                                                      use_anonymous=use_anonymous or self._anonymous)


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    if settings.teams_mode == "authenticated":
        return AgentAuthConfiguration(
            auth_type=AuthTypes.client_secret,
            client_id=settings.teams_app_id,
            client_secret=settings.teams_app_password,
            tenant_id=settings.teams_tenant_id,
        )
    return AgentAuthConfiguration(anonymous_allowed=settings.teams_mode == "anonymous")


def build_adapter(settings: Settings) -> CloudAdapter:
    policy = ServiceUrlPolicy(settings.teams_mode)
    if settings.teams_mode == "authenticated":
        config = auth_configuration(settings)
        manager = MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": config})
        return _raising(CloudAdapter(connection_manager=manager,
                                     channel_service_client_factory=_GuardedClientFactory(manager, policy),
                                     host_validator=policy.host_validator()))
    if settings.teams_mode == "anonymous":
        log.warning("TEAMS_ANONYMOUS=1: Teams runs in anonymous local mode, with no token checks, for callers on "
                    "this machine only (loopback, no proxy headers). Never use it behind a proxy or in production; "
                    "set TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID for a real tenant.")
    # Teams off: the adapter exists so the sender can be wired, but the route answers 503 and the factory
    # refuses every service URL.
    return _raising(CloudAdapter(channel_service_client_factory=_GuardedClientFactory(_AnonymousConnections(),
                                                                                      policy, anonymous=True)))


def _raising(adapter: CloudAdapter) -> CloudAdapter:
    """The SDK's default turn-error handler sends the person "Exception caught : <the error>" (internals, a
    connector URL) and then swallows the error, so a proactive send the Bot Connector refused (a 429, a 5xx)
    would look sent and the outbox would never retry it. Raise it instead: the outbox retries a send, and an
    inbound turn's failure is logged by the web route."""
    async def turn_failed(context, error: Exception) -> None:
        raise error

    adapter.on_turn_error = turn_failed
    return adapter
