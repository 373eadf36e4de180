"""Housekeeping: the tables that only guard against repeats are pruned nightly (storage/housekeeping.py)."""
from __future__ import annotations

import logging
from datetime import time

from chat.registry import Daily, Sweep, Workflow
from chat.services import Services
from storage.housekeeping import prune

log = logging.getLogger(__name__)


async def housekeeping_sweep(svc: Services, now) -> None:
    removed = await prune(svc.db, now)
    log.info("housekeeping: %d request keys and %d send claims past their retention removed",
             removed["request_keys"], removed["send_claims"])


WORKFLOW = Workflow("housekeeping", sweeps=(Sweep("housekeeping", Daily(time(3, 0)), housekeeping_sweep),))
