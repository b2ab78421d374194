"""Each conversation on one Rasa replica: consistent hashing, failover on connection errors and failed health
checks, return when healthy. Fake Rasa servers on loopback (real sockets, real httpx)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from api.conversations.rasa_client import RasaClient, RasaUnavailable
from api.conversations.rasa_pool import HashRing
from api.core import metrics
from api.core.config import Settings


class FakeRasaServer:
    """A Rasa REST channel on 127.0.0.1: answers with its own name, records senders; can be stopped,
    restarted on the same port, made unhealthy, or made to drop requests mid-answer."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.senders: list[str] = []
        self.healthy = True
        self.drop = False
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._answer(200 if fake.healthy else 503, {"version": "fake"})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if fake.drop:
                    self.connection.shutdown(socket.SHUT_RDWR)  # killed mid-answer
                    return
                fake.senders.append(body.get("sender", self.path))
                self._answer(200, [{"text": f"from {fake.name}"}])

            def _answer(self, status: int, data: Any) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
        self._server = None


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def replicas() -> Iterator[list[FakeRasaServer]]:
    servers = [FakeRasaServer("a"), FakeRasaServer("b")]
    yield servers
    for server in servers:
        if server._server is not None:
            server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(replicas: list[FakeRasaServer], clock: FakeClock) -> Iterator[RasaClient]:
    rasa = RasaClient([s.url for s in replicas], timeout=5.0, retry_seconds=2.0, clock=clock)
    yield rasa
    rasa.close()


def owned_by(rasa: RasaClient, server: FakeRasaServer, count: int = 5) -> list[str]:
    ids = [f"conversation-{i}" for i in range(200)]
    owned = [cid for cid in ids if rasa.pool.ring.order(cid)[0] == server.url]
    assert len(owned) >= count
    return owned[:count]


def test_the_ring_spreads_conversations_and_every_worker_agrees() -> None:
    urls = ["http://rasa-1:5005", "http://rasa-2:5005"]
    ids = [f"c{i}" for i in range(2000)]
    first = {cid: HashRing(urls).order(cid)[0] for cid in ids}
    # A second api worker (another HashRing, same URLs) sends every conversation to the same replica.
    assert first == {cid: HashRing(urls).order(cid)[0] for cid in ids}
    share = sum(owner == urls[0] for owner in first.values()) / len(ids)
    assert 0.35 < share < 0.65
    assert all(sorted(HashRing(urls).order(cid)) == sorted(urls) for cid in ids[:50])


def test_adding_a_replica_moves_only_conversations_to_the_new_one() -> None:
    two = HashRing(["http://r1", "http://r2"])
    three = HashRing(["http://r1", "http://r2", "http://r3"])
    ids = [f"c{i}" for i in range(2000)]
    moved = [cid for cid in ids if two.order(cid)[0] != three.order(cid)[0]]
    assert all(three.order(cid)[0] == "http://r3" for cid in moved)
    assert 0.2 < len(moved) / len(ids) < 0.5


def test_bad_ring_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        HashRing([])
    with pytest.raises(ValueError, match="distinct"):
        HashRing(["http://r1", "http://r1"])


def test_a_conversation_always_reaches_the_same_replica(client: RasaClient, replicas: list[FakeRasaServer]) -> None:
    a, b = replicas
    for cid in owned_by(client, a) + owned_by(client, b):
        for _ in range(3):
            client.send(cid, "hello", {"language": "en"})
    assert set(a.senders) == set(owned_by(client, a)) and len(a.senders) == 15
    assert set(b.senders) == set(owned_by(client, b)) and len(b.senders) == 15


def test_a_dead_replica_s_conversations_move_to_the_live_one_at_once(
    client: RasaClient, replicas: list[FakeRasaServer], clock: FakeClock
) -> None:
    a, b = replicas
    on_a, on_b = owned_by(client, a), owned_by(client, b)
    failovers = metrics.RASA_FAILOVERS.labels("0")._value.get()
    a.stop()  # connection refused from now on
    for cid in on_a + on_b:
        assert client.send(cid, "hello", {}) == [{"text": "from b"}]  # no error reaches the user
    assert sorted(b.senders) == sorted(on_a + on_b)
    assert client.pool.status() == {a.url: "down", b.url: "ok"}
    assert metrics.RASA_FAILOVERS.labels("0")._value.get() == failovers + 1  # marked down once, not per call
    # Still down when it is due a retry: tried once more, and marked down again.
    clock.now += 2.5
    client.send(on_a[0], "hello", {})
    assert b.senders.count(on_a[0]) == 2
    # Back: after the retry interval its conversations return to it.
    a.start()
    clock.now += 2.5
    for cid in on_a:
        assert client.send(cid, "again", {}) == [{"text": "from a"}]
    assert sorted(a.senders) == sorted(on_a)
    assert client.pool.status() == {a.url: "ok", b.url: "ok"}


def test_a_failed_health_check_moves_conversations_before_any_message_fails(
    client: RasaClient, replicas: list[FakeRasaServer], clock: FakeClock
) -> None:
    a, b = replicas
    a.healthy = False
    assert client.ping() is True  # b still serves
    assert client.replicas() == {a.url: "unavailable", b.url: "ok"}
    cid = owned_by(client, a)[0]
    assert client.replica_for(cid) == b.url
    client.send(cid, "hello", {})
    assert b.senders == [cid] and a.senders == []
    a.healthy = True
    assert client.ping() is True
    assert client.replica_for(cid) == a.url


def test_a_request_dropped_mid_answer_is_not_sent_twice(client: RasaClient, replicas: list[FakeRasaServer]) -> None:
    a, b = replicas
    cid = owned_by(client, a)[0]
    a.drop = True
    with pytest.raises(RasaUnavailable, match="dropped"):
        client.send(cid, "hello", {})
    assert b.senders == []  # Rasa may have acted on it: never replayed on another replica
    assert client.replica_for(cid) == b.url  # but the next message goes to the live one


def test_every_replica_down_is_rasa_unavailable(client: RasaClient, replicas: list[FakeRasaServer]) -> None:
    for server in replicas:
        server.stop()
    with pytest.raises(RasaUnavailable, match="no Rasa replica reachable"):
        client.send("c1", "hello", {})
    with pytest.raises(RasaUnavailable):
        client.set_slot("c1", "language", "ja")
    assert client.ping() is False


def test_set_slot_goes_to_the_conversation_s_replica(client: RasaClient, replicas: list[FakeRasaServer]) -> None:
    a, _ = replicas
    cid = owned_by(client, a)[0]
    client.set_slot(cid, "language", "vi")
    assert a.senders == [f"/conversations/{cid}/tracker/events"]


def test_rasa_urls_setting_lists_the_replicas_and_rasa_url_still_works() -> None:
    several = Settings(_env_file=None, rasa_urls=" http://r1:5005, http://r2:5006 ,")  # type: ignore[call-arg]
    assert several.rasa_replicas == ["http://r1:5005", "http://r2:5006"]
    one = Settings(_env_file=None, rasa_url="http://solo:5005", rasa_urls="")  # type: ignore[call-arg]
    assert one.rasa_replicas == ["http://solo:5005"]
