"""The HTTP routes: /slack/events, /api/messages (Teams) and /healthz."""
from __future__ import annotations

import logging

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from . import __version__
from .slack.door import admit as slack_door
from .teams.host import auth_configuration
from .teams.ingress import admit
from .teams.service_urls import ServiceUrlPolicy

log = logging.getLogger(__name__)


def slack_off_message(settings) -> str:
    return ("Slack is not connected to this bot yet: set " + " and ".join(settings.missing_for_slack())
            + " and restart it.")


def build_routes(app: web.Application, *, runtime) -> None:
    settings = runtime.svc.settings

    slack_verifier = SignatureVerifier(settings.slack_signing_secret or "")

    async def slack_events(request: web.Request) -> web.Response:
        if not runtime.inflight.accepting:
            return web.json_response({"error": "shutting down"}, status=503)
        if settings.slack_mode == "off":
            return web.json_response({"error": slack_off_message(settings)}, status=503)
        if settings.slack_mode == "socket":
            return web.json_response({"error": "this bot talks to Slack over Socket Mode"}, status=404)
        from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

        refused = await slack_door(request, slack_verifier, runtime.svc.db, runtime.svc.now)
        if refused is not None:
            return refused
        bolt_response = await runtime.slack_app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    teams_auth = auth_configuration(settings)
    teams_urls = ServiceUrlPolicy(settings.teams_mode)

    async def teams_messages(request: web.Request) -> web.Response:
        if not runtime.inflight.accepting:
            return web.json_response({"error": "shutting down"}, status=503)
        refused = await admit(request, settings, teams_auth, teams_urls)
        if refused is not None:
            return refused
        return await runtime.teams_adapter.process(request, runtime.teams_agent)

    async def healthz(request: web.Request) -> web.Response:
        from storage.migrate import is_current

        db_ok = await runtime.svc.db.ping()
        migrations_ok = db_ok and await is_current(runtime.svc.db)
        scheduler_ok = runtime.runner.running
        slack = {"mode": settings.slack_mode}
        if runtime.socket_mode is not None:
            slack["socket"] = await runtime.socket_mode.state()
        healthy = db_ok and migrations_ok and scheduler_ok and slack.get("socket", "connected") == "connected"
        body = {
            "status": "ok" if healthy else "unhealthy",
            "version": __version__,
            "database": "reachable" if db_ok else "unreachable",
            "migrations": "current" if migrations_ok else "behind",
            "scheduler": "running" if scheduler_ok else "stopped",
            "slack": slack,
            "teams": {"mode": settings.teams_mode},
        }
        return web.json_response(body, status=200 if healthy else 503)

    app.router.add_post("/slack/events", slack_events)
    app.router.add_post("/api/messages", teams_messages)
    app.router.add_get("/healthz", healthz)
