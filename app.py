"""Composition root: settings -> storage -> the core with the workflows (workflows.py) -> Slack app + Teams app +
scheduler -> one aiohttp server.

`python app.py` serves /slack/events, /api/messages and /healthz on PORT (default 3978).
"""
from __future__ import annotations

import asyncio
import gc
import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from bot import logs
from bot.settings import Settings, load_settings
from chat.orgconfig import ConfigError, OrgConfig, load_config

# Only what reading the settings and the organisation file needs is imported here. The server's own modules
# (the workflows, slack-bolt, the Teams SDK, SQLAlchemy, the checker's encoder: ~1.5 s) are imported by the
# functions that build it, so `python app.py` with a bad setting says so at once, not after loading them all.
if TYPE_CHECKING:
    from bot.lifecycle import InFlight
    from bot.scheduler import SweepRunner
    from chat.clock import Clock
    from chat.services import Services

log = logging.getLogger("smpolicy")
RUNTIME = web.AppKey("runtime", object)


@dataclass
class Runtime:
    svc: Services
    inflight: InFlight
    runner: SweepRunner
    slack_app: object | None = None
    socket_mode: object | None = None
    teams_adapter: object | None = None
    teams_agent: object | None = None


def build_services(settings: Settings, config: OrgConfig, clock: Clock | None = None,
                   senders: dict | None = None) -> Services:
    """Everything a handler, sweep or command-line tool needs, without a web server: the workflows listed in
    workflows.py, over the database and organisation the settings name."""
    import workflows
    from bot import wiring

    return wiring.build_services(settings, config, workflows.registry(), clock, senders)


async def create_app(settings: Settings | None = None, config: OrgConfig | None = None,
                     clock: Clock | None = None, start_scheduler: bool = True,
                     freeze_gc: bool = False) -> web.Application:
    """The whole bot as one aiohttp application. `freeze_gc` is for the long-lived process (main() sets it);
    the tests build hundreds of apps in one process and leave it off, or every app's objects would stay frozen."""
    from bot import wiring
    from bot.lifecycle import InFlight
    from bot.metrics import CountingSender
    from bot.scheduler import SweepRunner
    from bot.teams.ingress import teams_off_message
    from bot.web import build_routes, slack_off_message
    from policy import learned
    from storage import migrate
    from storage.startup import DatabaseUnavailable, describe, ensure_reachable

    settings = settings or load_settings()
    config = config if config is not None else load_config(settings.config_path)
    senders: dict = {}
    svc = build_services(settings, config, clock, senders)
    await ensure_reachable(svc.db, attempts=settings.db_connect_attempts)
    try:
        await migrate.upgrade(svc.db)
    except Exception as exc:  # a locked SQLite file, a read-only database: one line, not a traceback
        await svc.db.close()
        raise DatabaseUnavailable(f"DATABASE_URL ({describe(svc.db.url)}): migrations could not be applied "
                                  f"({type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''})"
                                  ) from None
    inflight = InFlight()
    runtime = Runtime(svc=svc, inflight=inflight, runner=SweepRunner(svc))

    if settings.slack_mode != "off":
        from bot.slack.app import build_slack_app

        senders["slack"] = CountingSender(wiring.slack_sender(settings))
        runtime.slack_app = build_slack_app(svc, inflight, senders["slack"])
    else:
        log.warning(slack_off_message(settings))
    if settings.teams_mode == "off":
        log.warning(teams_off_message(settings))

    from bot.teams.agent import SmpolicyAgent
    from bot.teams.host import build_adapter

    runtime.teams_adapter = build_adapter(settings)
    runtime.teams_agent = SmpolicyAgent(svc, inflight)
    senders["teams"] = CountingSender(wiring.teams_sender(settings, svc, runtime.teams_adapter))

    app = web.Application(client_max_size=25 * 1024 * 1024)
    app[RUNTIME] = runtime
    build_routes(app, runtime=runtime)

    async def on_startup(_app):
        if settings.slack_mode == "socket":
            from bot.socket_mode import SocketModeRunner

            runtime.socket_mode = SocketModeRunner(runtime.slack_app, settings.slack_app_token)
            await runtime.socket_mode.start()
        # The checker's encoder and model (under a second), in a thread: not on the first person's check.
        await asyncio.to_thread(learned.warm)
        # Everything loaded so far (the policy pack, compiled rules, SDK modules) lives as long as the process:
        # take it out of the garbage collector's full passes, which otherwise stall every request for ~150 ms.
        if freeze_gc:
            gc.collect()
            gc.freeze()
        if start_scheduler:
            runtime.runner.start()
            # Catch up on anything missed while the bot was down, after the server is listening.
            inflight.spawn(runtime.runner.run_all())

    async def on_shutdown(_app):
        await inflight.drain()

    async def on_cleanup(_app):
        runtime.runner.stop()
        if "slack" in senders:
            await senders["slack"].close()
        if runtime.socket_mode is not None:
            await runtime.socket_mode.stop()
        await svc.db.close()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    for warning in config.warnings:   # a role that names nobody: the bot runs, that work reaches no one
        log.warning("organisation file %s: %s", config.source, warning)
    log.info("smpolicy ready: Slack %s, Teams %s, database %s, organisation %s", settings.slack_mode,
             settings.teams_mode, svc.db.dialect, config.source or "(none: set SMPOLICY_CONFIG)")
    return app


def main() -> int:
    try:
        settings = load_settings()
    except SystemExit as exc:   # a bad setting (LOG_LEVEL=CHATTY): its one line, exit 2 as for any bad input
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            return 2
        raise
    logs.configure(settings)
    try:
        config = load_config(settings.config_path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:  # uvloop's event loop roughly halves the time each request spends in the loop itself
        import uvloop
    except ImportError:
        uvloop = None
    if uvloop is not None:
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    from storage.startup import DatabaseUnavailable

    try:
        web.run_app(create_app(settings, config, freeze_gc=True), port=settings.port, shutdown_timeout=25, print=None)
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
