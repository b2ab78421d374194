"""/livez, /readyz and /metrics apart from /healthz, and the JSON log lines with their ids."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.core import logs
from api.core.config import REPO_ROOT
from tests.api.conftest import FakeRasa
from tests.metrics_support import sample, scrape


def test_livez_answers_even_when_rasa_is_down(client: TestClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.down = True
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readyz_is_ready_with_the_database_and_a_rasa_replica(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"database": "ok", "rasa": "ok"}
    assert body["rasa_replicas"] == {"http://fake-rasa": "ok"}


def test_readyz_is_503_naming_rasa_when_no_replica_answers(client: TestClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.down = True
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not_ready"
    assert response.json()["checks"]["rasa"] == "unavailable"
    # /healthz keeps its own contract.
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["broken"] == ["rasa"]


def test_metrics_count_a_widget_exchange_without_naming_the_conversation(
    client: TestClient, conversation: dict[str, str]
) -> None:
    before = scrape(client)
    text = "My secret question about visas 12345"
    response = client.post(
        f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages",
        json={"text": text},
        headers={"Authorization": conversation["auth"]},
    )
    assert response.status_code == 200
    after = scrape(client)
    assert sample(after, "kakehashi_messages_in_total", channel="widget") == (
        sample(before, "kakehashi_messages_in_total", channel="widget") + 1
    )
    assert sample(after, "kakehashi_messages_out_total", channel="widget") == (
        sample(before, "kakehashi_messages_out_total", channel="widget") + 1
    )
    route = "/api/v1/widget/conversations/{conversation_id}/messages"
    count = "kakehashi_http_request_seconds_count"
    assert sample(after, count, method="POST", route=route, status="2xx") == (
        sample(before, count, method="POST", route=route, status="2xx") + 1
    )
    assert sample(after, "kakehashi_queue_depth", queue="inbox") == 0
    assert sample(after, "kakehashi_queue_depth", queue="outbox") == 0
    assert "kakehashi_queue_oldest_age_seconds" in after
    assert conversation["conversation_id"] not in after and "secret" not in after


def test_metrics_count_direct_and_unsure_knowledge_answers(client: TestClient, conversation: dict[str, str]) -> None:
    guidance = client.app.state.services.guidance  # type: ignore[attr-defined]
    before = scrape(client)
    guidance.record(conversation["conversation_id"], "q", "en", "visa.renewal", 0.9, confident=True)
    guidance.record(conversation["conversation_id"], "q", "en", None, None, confident=False)
    guidance.record(conversation["conversation_id"], "q", "en", None, None, confident=False)
    after = scrape(client)
    for outcome, added in (("direct", 1), ("unsure", 2)):
        name = "kakehashi_knowledge_answers_total"
        assert sample(after, name, outcome=outcome) == sample(before, name, outcome=outcome) + added


def test_json_logs_carry_the_conversation_id_and_never_the_text(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        fake_rasa.down = True
        text = "Nguyễn Văn A, passport B1234567"
        response = client.post(
            f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages",
            json={"text": text},
            headers={"Authorization": conversation["auth"]},
        )
        assert response.status_code == 200
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    errors = [line for line in lines if line["level"] == "ERROR" and "bot unavailable" in line["msg"]]
    assert errors, lines
    assert errors[0]["conversation_id"] == conversation["conversation_id"]
    assert errors[0]["logger"] == "api.conversations.service" and "ts" in errors[0]
    assert "Nguyễn" not in stream.getvalue() and "B1234567" not in stream.getvalue()


def test_json_formatter_adds_context_ids_and_drops_other_extras() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "outbox send %s failed", (7,), None)
    record.text = "what the user wrote"
    with logs.context(event_id=42, job_id=7):
        with logs.context(conversation_id="c-1"):
            line = json.loads(logs.JsonFormatter().format(record))
        outside = json.loads(logs.JsonFormatter().format(record))
    assert line["msg"] == "outbox send 7 failed"
    assert (line["event_id"], line["job_id"], line["conversation_id"]) == ("42", "7", "c-1")
    assert "conversation_id" not in outside and outside["event_id"] == "42"
    assert "what the user wrote" not in json.dumps(line)
    with pytest.raises(ValueError, match="unknown log context"), logs.context(text="no"):
        pass


def test_configure_json_puts_uvicorn_and_the_root_logger_on_one_json_handler() -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("uvicorn").handlers[:])
    try:
        logs.configure("json", "INFO")
        logs.configure("json", "INFO")  # idempotent: still one JSON handler
        json_handlers = [h for h in root.handlers if isinstance(h.formatter, logs.JsonFormatter)]
        assert len(json_handlers) == 1
        assert logging.getLogger("uvicorn").handlers == json_handlers
        assert logging.getLogger("uvicorn.access").propagate is False
    finally:
        root.handlers, _, logging.getLogger("uvicorn").handlers = saved[0], None, saved[2]
        root.setLevel(saved[1])


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/s/AbC123_-xyz", "/s/••••••••"),
        ("/s/AbC123_-xyz?lang=vi", "/s/••••••••?lang=vi"),
        ("/api/v1/shares/AbC123_-xyz", "/api/v1/shares/••••••••"),
        ("/privacy/download/AbC123_-xyz", "/privacy/download/••••••••"),
    ],
)
def test_the_access_log_masks_link_tokens(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, path: str, shown: str
) -> None:
    # The app (the client fixture built it) put the filter on uvicorn's access logger; a line as uvicorn
    # logs it (its arguments apart) and one preformatted both lose the token, in text and in JSON.
    access = logging.getLogger("uvicorn.access")
    monkeypatch.setattr(access, "disabled", False)
    monkeypatch.setattr(access, "level", logging.INFO)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    json_stream = io.StringIO()
    json_handler = logging.StreamHandler(json_stream)
    json_handler.setFormatter(logs.JsonFormatter())
    access.addHandler(handler)
    access.addHandler(json_handler)
    try:
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.9:5000", "GET", path, "1.1", 200)
        access.info(f"GET {path} 200")
    finally:
        access.removeHandler(handler)
        access.removeHandler(json_handler)
    logged = stream.getvalue() + json_stream.getvalue()
    assert "AbC123" not in logged
    assert stream.getvalue().count(shown) == 2 and json_stream.getvalue().count(shown) == 2
    # Other paths are logged as they are.
    assert logs.conceal_token_paths("GET /api/v1/fce/cases/FCE-2026-12345678 200").endswith("12345678 200")
    assert logs.conceal_token_paths("GET /v/abc 200") == "GET /v/abc 200"


def test_multiprocess_metrics_add_up_every_worker(tmp_path: Path) -> None:
    """Two worker processes count; a third renders /metrics' body: the sum (the multiprocess collector)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path)}
    count = "from api.core import metrics; metrics.MESSAGES_IN.labels('line').inc({n})"
    for n in (2, 3):
        subprocess.run([sys.executable, "-c", count.format(n=n)], env=env, cwd=REPO_ROOT, check=True, timeout=60)  # noqa: S603 - our own interpreter and code
    render = "import sys; from api.core import metrics; sys.stdout.write(metrics.render().decode())"
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", render], env=env, cwd=REPO_ROOT, check=True, timeout=60, capture_output=True, text=True
    ).stdout
    assert sample(out, "kakehashi_messages_in_total", channel="line") == 5
    assert len(list(tmp_path.glob("counter_*.db"))) == 2
