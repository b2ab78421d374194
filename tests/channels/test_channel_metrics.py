"""The channel metrics: messages in and out by channel, webhook -> reply latency, queue depth, outbox retries,
429s and failures, read back from GET /metrics against the fake LINE API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.channels.conftest import deliver, line_post
from tests.channels.fakes import FakeLine
from tests.channels.payloads import line_body, line_text
from tests.metrics_support import sample, scrape


def test_a_line_message_is_counted_from_webhook_to_sent(app_client: TestClient, fake_line: FakeLine) -> None:
    before = scrape(app_client)
    line_post(app_client, line_body(line_text("hello", "01HXMETRIC00000000000001")))
    waiting = scrape(app_client)
    assert sample(waiting, "kakehashi_queue_depth", queue="inbox") == 1
    assert sample(waiting, "kakehashi_queue_oldest_age_seconds", queue="inbox") >= 0
    deliver(app_client)
    after = scrape(app_client)
    for name, labels, added in (
        ("kakehashi_messages_in_total", {"channel": "line"}, 1),
        ("kakehashi_messages_out_total", {"channel": "line"}, 1),
        ("kakehashi_webhook_to_reply_seconds_count", {"channel": "line"}, 1),
        ("kakehashi_outbox_delivery_seconds_count", {"channel": "line"}, 1),
    ):
        assert sample(after, name, **labels) == sample(before, name, **labels) + added, name
    assert sample(after, "kakehashi_queue_depth", queue="inbox") == 0
    assert sample(after, "kakehashi_queue_depth", queue="outbox") == 0
    assert len(fake_line.calls(r"/reply$")) == 1


def test_429_retries_and_failures_are_counted(app_client: TestClient, fake_line: FakeLine) -> None:
    before = scrape(app_client)
    fake_line.script(r"/push$", 429, {"message": "rate limited"}, headers={"Retry-After": "0"})
    fake_line.script(r"/push$", 403, {"message": "not a friend"})
    line_post(app_client, line_body(line_text("hello", "01HXMETRIC00000000000002", age_seconds=120)))
    deliver(app_client)
    after = scrape(app_client)
    for name, added in (
        ("kakehashi_platform_429_total", 1),
        ("kakehashi_outbox_retries_total", 1),
        ("kakehashi_outbox_failures_total", 1),
    ):
        assert sample(after, name, channel="line") == sample(before, name, channel="line") + added, name
    assert len(fake_line.calls(r"/push$")) == 2
