"""How many checks the bot has run, by verdict and by finding category: counts only, never text (for /metrics).

policy.checker.check_async (the server's path) records each result here; bot/metrics.py reads the tally when
/metrics is scraped. A process's own counts, from its start, as Prometheus counters are.
"""
from __future__ import annotations

import threading
from collections import Counter

_lock = threading.Lock()
_checks: Counter = Counter()        # verdict -> checks
_categories: Counter = Counter()    # (verdict, category) -> checks with at least one finding of that category


def record(verdict: str, categories) -> None:
    with _lock:
        _checks[verdict] += 1
        for category in set(categories) or {"none"}:
            _categories[(verdict, category)] += 1


def snapshot() -> tuple[dict, dict]:
    with _lock:
        return dict(_checks), dict(_categories)
