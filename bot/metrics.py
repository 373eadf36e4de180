"""/metrics in the Prometheus text format (the official prometheus-client library).

Counts only, never text: requests by route and outcome, acknowledgement latency, messages sent / failed / held
by rate limits per platform, sweep runs and failures, and, read from the database when scraped, open and
overdue FOI cases, open approvals by age, active crises, the outbox's unsent and given-up messages and the inbox's
unfinished work. Checker verdicts, by verdict and by finding category, are tallied by policy.checker.check_async
(policy/verdict_tally.py, the checks this process ran) and read when scraped.

Protected by a bearer token (METRICS_TOKEN): without one the route answers 404, unless the operator has
explicitly opened it with METRICS_PUBLIC=1 (for a scraper on a private network).
"""
from __future__ import annotations

import hmac
import logging
import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily

from chat.services import Services
from policy import verdict_tally

log = logging.getLogger(__name__)

REQUESTS = Counter("smpolicy_http_requests_total", "HTTP requests by route and outcome", ["route", "outcome"])
ACK_SECONDS = Histogram("smpolicy_ack_seconds", "Time to answer Slack and Teams requests", ["route"],
                        buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5))
MESSAGES = Counter("smpolicy_messages_total", "Messages the bot sent, failed to send, or held for a rate limit",
                   ["platform", "outcome"])
SWEEPS = Counter("smpolicy_sweep_runs_total", "Scheduled sweep runs by outcome", ["sweep", "outcome"])
FOI_OPEN = Gauge("smpolicy_foi_cases_open", "Open FOI, EIR and subject access cases")
FOI_OVERDUE = Gauge("smpolicy_foi_cases_overdue", "Open cases past their statutory due date")
APPROVALS = Gauge("smpolicy_approvals_open", "Requests waiting for a decision, by kind and age", ["kind", "age"])
CRISES = Gauge("smpolicy_crises_active", "Crises in progress")
OUTBOX = Gauge("smpolicy_outbox_messages", "Messages queued and not yet sent (pending, sending) or given up", ["state"])
INBOX = Gauge("smpolicy_inbox_unfinished", "Acknowledged interactions whose work has not finished")

ACK_ROUTES = {"/slack/events", "/api/messages"}


class CheckerVerdicts:
    """The checker's tally (policy/verdict_tally.py) as two counters, read at scrape time: checks by verdict,
    and checks by verdict and finding category ("none" for a check with no findings). Never any text."""

    def describe(self):
        return []   # generated per scrape; nothing to declare ahead

    def collect(self):
        checks, categories = verdict_tally.snapshot()
        by_verdict = CounterMetricFamily("smpolicy_checks", "Drafts checked, by verdict", labels=["verdict"])
        for verdict, count in sorted(checks.items()):
            by_verdict.add_metric([verdict], count)
        by_category = CounterMetricFamily("smpolicy_checker_verdicts", "Drafts checked, by verdict and finding "
                                          "category (none: no findings)", labels=["verdict", "category"])
        for (verdict, category), count in sorted(categories.items()):
            by_category.add_metric([verdict, category], count)
        yield by_verdict
        yield by_category


REGISTRY.register(CheckerVerdicts())


def outcome(status: int) -> str:
    return f"{status // 100}xx"


@web.middleware
async def count_requests(request: web.Request, handler):
    start = time.perf_counter()
    route = request.path if request.match_info.route.resource is not None else "(unknown)"
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        REQUESTS.labels(route, outcome(exc.status)).inc()
        raise
    except Exception:
        REQUESTS.labels(route, "5xx").inc()
        raise
    REQUESTS.labels(route, outcome(response.status)).inc()
    if route in ACK_ROUTES:
        ACK_SECONDS.labels(route).observe(time.perf_counter() - start)
    return response


class CountingSender:
    """Wraps a platform sender so every message it sends or fails to send is counted."""

    def __init__(self, inner):
        self._inner = inner
        self.platform = inner.platform

    def __setattr__(self, name, value):
        if name in ("_inner", "platform"):
            object.__setattr__(self, name, value)
        else:   # a hook set on the sender (after_dm) belongs to the sender itself
            setattr(self._inner, name, value)

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if name not in ("dm", "post", "update", "upload", "send_marked"):
            return attr

        async def counted(*args, **kwargs):
            try:
                result = await attr(*args, **kwargs)
            except Exception as exc:
                held = getattr(exc, "status", None) == 429 or "ratelimited" in str(exc)
                MESSAGES.labels(self.platform, "held" if held else "failed").inc()
                raise
            MESSAGES.labels(self.platform, "sent").inc()
            return result

        return counted


def allowed(request: web.Request, token: str | None, public: bool) -> bool:
    if public:
        return True
    if not token:
        return False
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


async def refresh_from_database(svc: Services) -> None:
    from storage import gauges

    now = svc.now()
    figures = await gauges.read(svc.db, now.astimezone(svc.config.tz).date(), now)
    FOI_OPEN.set(figures["foi_open"])
    FOI_OVERDUE.set(figures["foi_overdue"])
    CRISES.set(figures["crises_active"])
    for state, count in figures["outbox"].items():
        OUTBOX.labels(state).set(count)
    INBOX.set(figures["inbox_unfinished"])
    APPROVALS.clear()
    for (kind, age), count in figures["approvals"].items():
        APPROVALS.labels(kind, age).set(count)


def metrics_route(svc: Services, token: str | None, public: bool):
    async def metrics(request: web.Request) -> web.Response:
        if not allowed(request, token, public):
            if not token and not public:
                return web.json_response({"error": "metrics are off: set METRICS_TOKEN (and send it as a bearer "
                                                   "token), or METRICS_PUBLIC=1 on a private network"}, status=404)
            return web.json_response({"error": "a valid bearer token is required"}, status=401)
        try:
            await refresh_from_database(svc)
        except Exception as exc:  # the database is down: still serve the process's own counters
            log.warning("metrics: database figures unavailable (%s)", type(exc).__name__)
        return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics
