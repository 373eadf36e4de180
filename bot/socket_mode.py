"""Slack Socket Mode (for councils behind a firewall) with a watchdog that reconnects a dropped socket."""
from __future__ import annotations

import asyncio
import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger(__name__)


class SocketModeRunner:
    def __init__(self, slack_app, app_token: str, check_every: float = 30.0):
        self.handler = AsyncSocketModeHandler(slack_app, app_token)
        self.check_every = check_every
        self._watchdog: asyncio.Task | None = None
        self.reconnects = 0

    async def state(self) -> str:
        try:
            return "connected" if await self.handler.client.is_connected() else "disconnected"
        except Exception:
            return "disconnected"

    async def start(self) -> None:
        try:
            await self.handler.connect_async()
        except Exception as exc:  # keep serving; the watchdog keeps trying
            log.error("Slack Socket Mode could not connect: %s", type(exc).__name__)
        self._watchdog = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.check_every)
            if await self.state() != "connected":
                log.warning("Slack Socket Mode is disconnected; reconnecting")
                try:
                    await self.handler.connect_async()
                    self.reconnects += 1
                except Exception as exc:
                    log.error("Slack Socket Mode reconnect failed: %s", type(exc).__name__)

    async def stop(self) -> None:
        if self._watchdog:
            self._watchdog.cancel()
        try:
            await self.handler.close_async()
        except Exception:
            pass
