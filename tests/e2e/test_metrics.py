"""/metrics (issue 15, item 2): Prometheus text, counts only, behind a bearer token by default."""
from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.support.server import BotHarness

TOKEN = "metrics-test-token"


def _samples(text: str) -> dict:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


async def test_metrics_are_off_without_a_token(bot):
    resp = await bot.http.get(bot.url + "/metrics")
    assert resp.status == 404 and "METRICS_TOKEN" in (await resp.json())["error"]


async def test_metrics_count_requests_and_read_the_database(database_url, clock):
    harness = await BotHarness.start(database_url, clock, env={"METRICS_TOKEN": TOKEN})
    try:
        assert (await harness.http.get(harness.url + "/metrics")).status == 401
        wrong = await harness.http.get(harness.url + "/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401
        await harness.slack_command("/smpolicy", "help")
        await harness.slack_command("/smpolicy", "check Ring Zanzibar Jones on 07700 900123")
        await harness.http.post(harness.url + "/slack/events", data=b"junk")   # a 401
        resp = await harness.http.get(harness.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
        samples = _samples(text)
        assert samples[("smpolicy_http_requests_total", (("outcome", "2xx"), ("route", "/slack/events")))] >= 1
        assert samples[("smpolicy_http_requests_total", (("outcome", "4xx"), ("route", "/slack/events")))] >= 1
        assert samples[("smpolicy_ack_seconds_count", (("route", "/slack/events"),))] >= 2
        assert samples[("smpolicy_foi_cases_open", ())] == 0
        assert samples[("smpolicy_crises_active", ())] == 0
        assert "Zanzibar" not in text and "900123" not in text   # counts only, never what anyone typed
    finally:
        await harness.stop()


async def test_checker_verdicts_are_counted_by_category_never_with_text(database_url, clock):
    harness = await BotHarness.start(database_url, clock, env={"METRICS_TOKEN": TOKEN})
    auth = {"Authorization": f"Bearer {TOKEN}"}

    async def scrape() -> dict:
        resp = await harness.http.get(harness.url + "/metrics", headers=auth)
        return _samples(await resp.text())

    def count(samples, name, **labels) -> float:
        return samples.get((name, tuple(sorted(labels.items()))), 0)

    try:
        before = await scrape()   # counters live as long as the process: compare with what they were
        await harness.slack_command("/smpolicy", "check Ring Zanzibar Jones on 07700 900123 about the fence")
        await harness.teams_say("check Join us at Ipswich library on Saturday for storytime")
        after = await scrape()
        stop = ("smpolicy_checker_verdicts_total", {"verdict": "stop", "category": "personal_data"})
        assert count(after, stop[0], **stop[1]) == count(before, stop[0], **stop[1]) + 1
        assert count(after, "smpolicy_checks_total", verdict="stop") == \
            count(before, "smpolicy_checks_total", verdict="stop") + 1
        checks = sum(v for (n, _), v in after.items() if n == "smpolicy_checks_total")
        assert checks == sum(v for (n, _), v in before.items() if n == "smpolicy_checks_total") + 2
        text = await (await harness.http.get(harness.url + "/metrics", headers=auth)).text()
        assert "Zanzibar" not in text and "storytime" not in text and "900123" not in text
    finally:
        await harness.stop()
