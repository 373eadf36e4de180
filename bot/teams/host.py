"""Builds the Agents SDK adapter: authenticated with an app id and secret, or anonymous for local runs."""
from __future__ import annotations

import logging

from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import AgentAuthConfiguration, AnonymousTokenProvider
from microsoft_agents.hosting.core.authorization import AuthTypes, Connections
from microsoft_agents.hosting.core.rest_channel_service_client_factory import RestChannelServiceClientFactory

from bot.settings import Settings

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


class _AnonymousClientFactory(RestChannelServiceClientFactory):
    """Anonymous local mode end to end: proactive turns (a new chat or channel thread) would otherwise ask
    for a token the SDK cannot have without an app registration."""

    async def create_connector_client(self, context, claims_identity, service_url, audience, scopes=None,
                                      use_anonymous=False):
        return await super().create_connector_client(context, claims_identity, service_url, audience, scopes,
                                                     use_anonymous=True)

    async def create_user_token_client(self, context, claims_identity, use_anonymous=False):
        return await super().create_user_token_client(context, claims_identity, use_anonymous=True)


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    if settings.teams_app_id:
        return AgentAuthConfiguration(
            auth_type=AuthTypes.client_secret,
            client_id=settings.teams_app_id,
            client_secret=settings.teams_app_password,
            tenant_id=settings.teams_tenant_id,
        )
    return AgentAuthConfiguration(anonymous_allowed=True)


def build_adapter(settings: Settings) -> CloudAdapter:
    if settings.teams_app_id:
        config = auth_configuration(settings)
        manager = MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": config})
        return CloudAdapter(connection_manager=manager)
    log.warning("TEAMS_APP_ID is not set: Teams runs in anonymous local mode (no token checks). "
                "Set TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID before connecting a real tenant.")
    return CloudAdapter(channel_service_client_factory=_AnonymousClientFactory(_AnonymousConnections()))
