"""Sending at a pace each platform accepts: a token bucket per platform, and a hold after a 429's Retry-After.

Slack allows about one message per second per channel with short bursts, under a workspace-wide limit it does
not publish; each digest goes to a different DM, so the workspace limit is the one that binds, and we stay
well under it. Teams allows 50 requests per second per app per tenant; we use under half of that, leaving room
for people talking to the bot. Slack's client also honours Retry-After itself (bot/slack/sender.py); Teams'
does not, so a 429 found in a failure's causes holds that platform here.
"""
from __future__ import annotations

import asyncio
import time

from .platforms import RateLimited

# platform -> (messages per second, burst)
DEFAULT_RATES = {"slack": (4.0, 10), "teams": (20.0, 20)}
DEFAULT_HOLD = 2.0


class Pacer:
    def __init__(self, rates: dict[str, tuple[float, int]] | None = None, monotonic=time.monotonic,
                 sleep=asyncio.sleep):
        self.rates = dict(rates or DEFAULT_RATES)
        self._now = monotonic
        self._sleep = sleep
        self._tokens: dict[str, float] = {}
        self._stamp: dict[str, float] = {}
        self._hold_until: dict[str, float] = {}
        self.waited = 0.0            # seconds spent waiting, for the benchmark's figures
        self.holds = 0

    async def wait(self, platform: str) -> None:
        rate, burst = self.rates.get(platform, (5.0, 5))
        while True:
            now = self._now()
            hold = self._hold_until.get(platform, 0.0) - now
            if hold > 0:
                await self._pause(hold)
                continue
            tokens = min(burst, self._tokens.get(platform, burst) + (now - self._stamp.get(platform, now)) * rate)
            self._stamp[platform] = now
            if tokens >= 1:
                self._tokens[platform] = tokens - 1
                return
            self._tokens[platform] = tokens
            await self._pause((1 - tokens) / rate)

    def hold(self, platform: str, seconds: float) -> None:
        """The platform said 429: send nothing more to it for `seconds`."""
        self.holds += 1
        self._hold_until[platform] = max(self._hold_until.get(platform, 0.0), self._now() + seconds)

    async def _pause(self, seconds: float) -> None:
        self.waited += seconds
        await self._sleep(seconds)


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds to wait if a failure (or anything it was raised from) was a 429; None otherwise."""
    seen = 0
    while exc is not None and seen < 10:
        seen += 1
        if isinstance(exc, RateLimited):
            return exc.retry_after
        status = getattr(exc, "status", None) or getattr(getattr(exc, "response", None), "status_code", None)
        headers = getattr(exc, "headers", None) or getattr(getattr(exc, "response", None), "headers", None)
        if status == 429:
            try:
                return float((headers or {}).get("Retry-After", DEFAULT_HOLD))
            except (TypeError, ValueError):
                return DEFAULT_HOLD
        exc = exc.__cause__ or exc.__context__
    return None
