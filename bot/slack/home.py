"""Each person's App Home tab: the registry's neutral Home message (dialogs/home), published with views.publish.

Published when the person opens the tab (app_home_opened) and again when something changes for them while
this process runs: after their own clicks and form submissions, and after the bot sends them a DM (a new
approval card, a decision, a case assigned). Cheap by construction: only people who have opened the tab are
republished, and at most one publish per person runs at a time; changes that arrive meanwhile make one more,
not one each. views.publish goes through the sender's client, which honours Slack's Retry-After.
"""
from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from chat.messages import PersonRef
from chat.services import Services

from .render import blocks

log = logging.getLogger(__name__)

MOST_BLOCKS = 100   # Slack's limit for a Home view


class HomeTab:
    def __init__(self, svc: Services, client, inflight):
        self.svc = svc
        self.client = client
        self.inflight = inflight
        self.opened: set[str] = set()     # Slack user ids who opened the tab while this process ran
        self._running: set[str] = set()
        self._stale: set[str] = set()

    async def opened_by(self, user_id: str) -> None:
        self.opened.add(user_id)
        await self.publish(user_id)

    def changed(self, user_id: str | None) -> None:
        """Something changed for this person: republish their tab after the current work, if they use it."""
        if user_id in self.opened:
            if user_id in self._running:
                self._stale.add(user_id)    # the publish under way runs once more when it ends
            else:
                self.inflight.defer(lambda: self.publish(user_id))

    async def publish(self, user_id: str) -> None:
        if user_id in self._running:
            self._stale.add(user_id)
            return
        self._running.add(user_id)
        try:
            while True:
                self._stale.discard(user_id)
                await self._publish_once(user_id)
                if user_id not in self._stale:
                    break
        finally:
            self._running.discard(user_id)

    async def _publish_once(self, user_id: str) -> None:
        build = self.svc.registry.home
        if build is None:
            return
        try:
            home = await build(self.svc, PersonRef("slack", user_id))
            await self.client.views_publish(user_id=user_id, view={"type": "home",
                                                                   "blocks": blocks(home)[:MOST_BLOCKS]})
        except SlackApiError as exc:
            log.warning("Slack would not publish a Home tab: %s", exc.response.get("error", "unknown error"))
        except Exception:   # the Home tab is a convenience: a failure here must not break what caused it
            log.exception("could not build a Home tab")
