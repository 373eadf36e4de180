"""The HTTP routes: /slack/events, /api/messages (Teams), /healthz (liveness) and /readyz (readiness)."""
from __future__ import annotations

import logging

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from . import __version__
from .logs import request_context
from .metrics import count_requests, metrics_route
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

    # HTTP mode always has a signing secret (settings.slack_mode); Socket Mode and "off" never verify here.
    slack_verifier = SignatureVerifier(settings.slack_signing_secret) if settings.slack_signing_secret else None

    async def slack_events(request: web.Request) -> web.Response:
        if not runtime.inflight.accepting:
            return web.json_response({"error": "shutting down"}, status=503)
        if settings.slack_mode == "off":
            return web.json_response({"error": slack_off_message(settings)}, status=503)
        if settings.slack_mode == "socket":
            return web.json_response({"error": "this bot talks to Slack over Socket Mode"}, status=404)
        from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

        refused = await slack_door(request, slack_verifier)
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
        try:
            return await runtime.teams_adapter.process(request, runtime.teams_agent)
        except Exception as exc:   # the adapter raises a turn's failure (bot/teams/host.py): the type, never text
            log.error("a Teams activity could not be handled: %s", type(exc).__name__)
            return web.json_response({"error": "the bot could not handle that activity"}, status=500)

    async def slack_state() -> dict:
        slack = {"mode": settings.slack_mode}
        if runtime.socket_mode is not None:
            slack["socket"] = await runtime.socket_mode.state()
        return slack

    async def healthz(request: web.Request) -> web.Response:
        """Liveness, cheap: the process is serving. Whether it can do its work is /readyz."""
        return web.json_response({"status": "ok", "version": __version__, "slack": await slack_state(),
                                  "teams": {"mode": settings.teams_mode}})

    async def readyz(request: web.Request) -> web.Response:
        """Readiness: 503 naming every reason this instance should not be sent work."""
        from storage.migrate import is_current

        reasons = []
        db_ok = await runtime.svc.db.ping()
        migrations_ok = db_ok and await is_current(runtime.svc.db)
        scheduler_ok = runtime.runner.running
        slack = await slack_state()
        if not db_ok:
            reasons.append("the database is unreachable (check DATABASE_URL and the server)")
        elif not migrations_ok:
            reasons.append("database migrations are behind (run python -m bot migrate)")
        if not scheduler_ok:
            reasons.append("the scheduler is not running")
        if slack.get("socket", "connected") != "connected":
            reasons.append(f"Slack Socket Mode is {slack['socket']}")
        late, failing = [], {}
        if db_ok and migrations_ok:
            late = await runtime.runner.overdue()
            failing = await runtime.runner.failing()
            reasons += [f"the {name} sweep has not succeeded today" for name in late if name not in failing]
            reasons += [f"the {name} sweep failed at its last run ({why})" for name, why in sorted(failing.items())]
        body = {
            "status": "ready" if not reasons else "not ready",
            "reasons": reasons,
            "version": __version__,
            "database": "reachable" if db_ok else "unreachable",
            "migrations": "current" if migrations_ok else "behind",
            "scheduler": "running" if scheduler_ok else "stopped",
            "sweeps_overdue": late,
            "sweeps_failing": sorted(failing),
            "slack": slack,
            "teams": {"mode": settings.teams_mode},
        }
        return web.json_response(body, status=200 if not reasons else 503)

    app.router.add_post("/slack/events", slack_events)
    app.router.add_post("/api/messages", teams_messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_route(runtime.svc, settings.metrics_token, settings.metrics_public))
    app.middlewares.append(request_context)
    app.middlewares.append(count_requests)
