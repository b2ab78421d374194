"""The widget channel per the HTTP contract, including every bad input the core issue lists."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import FakeRasa

BASE = "/api/v1/widget/conversations"


def post(
    client: TestClient, conv: dict[str, str], body: Any, headers: dict[str, str] | None = None, **kwargs: Any
) -> Any:
    return client.post(
        f"{BASE}/{conv['conversation_id']}/messages",
        json=body,
        headers={"Authorization": conv["auth"], **(headers or {})},
        **kwargs,
    )


def history(client: TestClient, conv: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(f"{BASE}/{conv['conversation_id']}/messages", headers={"Authorization": conv["auth"]})
    assert response.status_code == 200
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def test_create_conversation_returns_id_and_token(client: TestClient) -> None:
    response = client.post(BASE, json={"locale": "vi"})
    assert response.status_code == 201
    body = response.json()
    assert len(body["conversation_id"]) == 32 and len(body["token"]) >= 40
    assert body["language"] == "vi"


def test_create_without_body_defaults_to_english(client: TestClient) -> None:
    response = client.post(BASE)
    assert response.status_code == 201
    assert response.json()["language"] == "en"


def test_browser_locale_is_a_hint(client: TestClient) -> None:
    assert client.post(BASE, json={"browser_locale": "pt-BR"}).json()["language"] == "pt"
    assert client.post(BASE, json={"browser_locale": "zh-CN"}).json()["language"] == "en"


def test_message_round_trip(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    fake_rasa.replies = [
        {"text": "Hi!", "buttons": [{"title": "Language", "payload": "/change_language"}]},
        {
            "custom": {
                "kakehashi_reply": {
                    "text": "COE answer",
                    "sources": [{"topic_id": "visa.coe", "title": "COE", "url": "/kb/en/visa.coe"}],
                }
            }
        },
    ]
    response = post(client, conversation, {"text": "hello there, how are you"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "bot" and body["language"] == "en"
    assert body["replies"][0] == {"text": "Hi!", "buttons": [{"title": "Language", "payload": "/change_language"}]}
    assert body["replies"][1]["sources"][0]["topic_id"] == "visa.coe"
    sent = fake_rasa.sent[-1]
    assert sent["sender"] == conversation["conversation_id"]
    assert sent["metadata"] == {"language": "en", "channel": "widget"}
    roles = [m["role"] for m in history(client, conversation)]
    assert roles == ["user", "bot", "bot"]


def test_language_slot_mirrored_once(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    post(client, conversation, {"text": "hello"})
    post(client, conversation, {"text": "hello again"})
    assert fake_rasa.slots == [(conversation["conversation_id"], "language", "en")]


def test_detection_sets_language_of_a_new_conversation(client: TestClient, fake_rasa: FakeRasa) -> None:
    conv = client.post(BASE).json()
    conv["auth"] = f"Bearer {conv['token']}"
    body = post(client, conv, {"text": "Xin chào, mình muốn hỏi về visa kỹ năng đặc định"}).json()
    assert body["language"] == "vi"
    assert fake_rasa.sent[-1]["metadata"]["language"] == "vi"


def test_language_is_sticky_for_short_messages(client: TestClient, fake_rasa: FakeRasa) -> None:
    conv = client.post(BASE, json={"browser_locale": "ne"}).json()
    conv["auth"] = f"Bearer {conv['token']}"
    assert post(client, conv, {"text": "ok"}).json()["language"] == "ne"
    assert post(client, conv, {"text": "thanks"}).json()["language"] == "ne"
    # A whole sentence in a script only Japanese uses is strong evidence.
    assert post(client, conv, {"text": "ビザの更新について教えてください"}).json()["language"] == "ja"


def test_explicit_choice_is_never_overridden(client: TestClient, conversation: dict[str, str]) -> None:
    assert post(client, conversation, {"text": "ビザの更新について教えてください"}).json()["language"] == "en"


def test_language_menu_payload_switches_language(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    body = post(client, conversation, {"text": "नेपाली", "payload": '/set_language{"language": "ne"}'}).json()
    assert body["language"] == "ne"
    assert fake_rasa.sent[-1]["message"] == '/set_language{"language": "ne"}'
    assert fake_rasa.slots[-1][2] == "ne"
    # The stored user message is the button's title, not the payload.
    assert history(client, conversation)[0]["text"] == "नेपाली"


def test_typed_slash_text_never_becomes_an_intent(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    post(client, conversation, {"text": "/request_human"})
    assert not fake_rasa.sent[-1]["message"].startswith("/")


def test_rasa_down_keeps_the_message_and_apologises_in_language(client: TestClient, fake_rasa: FakeRasa) -> None:
    conv = client.post(BASE, json={"locale": "pt"}).json()
    conv["auth"] = f"Bearer {conv['token']}"
    fake_rasa.down = True
    response = post(client, conv, {"text": "quero saber do visto"})
    assert response.status_code == 200
    reply = response.json()["replies"][0]["text"]
    assert "mensagem foi salva" in reply
    messages = history(client, conv)
    assert messages[0]["text"] == "quero saber do visto" and messages[0]["role"] == "user"
    assert messages[1]["role"] == "system"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["broken"] == ["rasa"]


def test_health_ok_when_components_answer(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    # Channels without settings are listed as disabled, which is not a failure.
    assert response.json()["components"] == {
        "database": "ok",
        "rasa": "ok",
        "line": "disabled",
        "telegram": "disabled",
    }


# -- bad input -------------------------------------------------------------------------------


def assert_nothing_stored(client: TestClient, conv: dict[str, str], fake_rasa: FakeRasa) -> None:
    assert history(client, conv) == []
    assert fake_rasa.sent == []


def test_empty_and_whitespace_text_422(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    for text in ("", "   \n\t "):
        response = post(client, conversation, {"text": text})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "text"]
    assert_nothing_stored(client, conversation, fake_rasa)


def test_oversized_text_422_names_field(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    for size in (2001, 10_001):
        response = post(client, conversation, {"text": "a" * size})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "text"]
    assert_nothing_stored(client, conversation, fake_rasa)


def test_limit_is_inclusive(client: TestClient, conversation: dict[str, str]) -> None:
    assert post(client, conversation, {"text": "a" * 2000}).status_code == 200


def test_missing_and_wrong_token_401(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    url = f"{BASE}/{conversation['conversation_id']}/messages"
    assert client.post(url, json={"text": "hi"}).status_code == 401
    assert client.post(url, json={"text": "hi"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post(url, json={"text": "hi"}, headers={"Authorization": conversation["token"]}).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert fake_rasa.sent == []


def test_token_of_another_conversation_401(client: TestClient, conversation: dict[str, str]) -> None:
    other = client.post(BASE).json()
    url = f"{BASE}/{conversation['conversation_id']}/messages"
    response = client.post(url, json={"text": "hi"}, headers={"Authorization": f"Bearer {other['token']}"})
    assert response.status_code == 401


def test_unknown_conversation_404(client: TestClient, conversation: dict[str, str]) -> None:
    response = client.post(
        f"{BASE}/{'0' * 32}/messages", json={"text": "hi"}, headers={"Authorization": conversation["auth"]}
    )
    assert response.status_code == 404


def test_non_json_body_422(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    url = f"{BASE}/{conversation['conversation_id']}/messages"
    headers = {"Authorization": conversation["auth"], "Content-Type": "application/json"}
    for raw in (b"not json", b"\xff\xfe\x00", b'{"text": 5}', b"[]", b'{"txt": "hi"}'):
        assert client.post(url, content=raw, headers=headers).status_code == 422
    assert_nothing_stored(client, conversation, fake_rasa)


def test_hostile_payloads_422(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    for payload in (
        '/set_language{"language": "xx"}',
        "/greet{not json}",
        "hello",
        "/" + "a" * 600,
        '/x{"a": [1]}extra',
    ):
        response = post(client, conversation, {"text": "button", "payload": payload})
        assert response.status_code == 422, payload
        assert response.json()["detail"][0]["loc"] == ["body", "payload"]
    assert_nothing_stored(client, conversation, fake_rasa)


def test_html_is_stored_as_text(client: TestClient, conversation: dict[str, str]) -> None:
    post(client, conversation, {"text": "<script>alert(1)</script>"})
    assert history(client, conversation)[0]["text"] == "<script>alert(1)</script>"


def test_widget_strings_in_every_language(client: TestClient) -> None:
    strings = client.get("/api/v1/widget/i18n").json()
    assert set(strings) == {"ja", "en", "vi", "ne", "pt"}
    assert strings["ja"]["widget.send"] == "送信"
    assert all(set(table) == set(strings["en"]) for table in strings.values())


def test_demo_page_embeds_widget_with_one_tag(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.text.count("<script") == 1 and "/static/widget.js" in page.text
    assert client.get("/static/widget.js").status_code == 200


def test_payload_with_unknown_intent_422(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    response = post(client, conversation, {"text": "x", "payload": "/restart"})
    assert response.status_code == 422
    assert_nothing_stored(client, conversation, fake_rasa)


def test_silent_bot_gets_an_apology(client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa) -> None:
    fake_rasa.replies = []
    body = post(client, conversation, {"text": "what is a COE"}).json()
    assert body["replies"][0]["text"].startswith("Sorry, I'm having a technical problem")
    assert history(client, conversation)[0]["text"] == "what is a COE"


def test_a_message_sent_again_with_its_idempotency_key_is_stored_and_answered_once(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    # The widget re-sends a message whose answer it never got (a worker died mid-request) with the same key.
    key = {"Idempotency-Key": "f3b1c2d4-0a9e-4d6b-9c1e-6a7b8c9d0e1f"}
    first = post(
        client, conversation, {"text": "how do I renew my visa"}, headers={**key, "Authorization": conversation["auth"]}
    )
    again = post(
        client, conversation, {"text": "how do I renew my visa"}, headers={**key, "Authorization": conversation["auth"]}
    )
    assert first.status_code == again.status_code == 200
    assert first.json()["replies"] and again.json()["replies"] == []
    assert len(fake_rasa.sent) == 1
    roles = [m["role"] for m in history(client, conversation)]
    assert roles.count("user") == 1 and roles.count("bot") == 1
    # Without a key, or with another one, the same words are a new message.
    other = {"Idempotency-Key": "another-key-0001"}
    assert post(client, conversation, {"text": "how do I renew my visa"}, headers=other).json()["replies"]
    assert len(fake_rasa.sent) == 2


def test_an_idempotency_key_is_per_conversation(client: TestClient, fake_rasa: FakeRasa) -> None:
    key = "shared-key-between-two-conversations"
    for _ in range(2):
        created = client.post(BASE, json={"locale": "en"}).json()
        conv = {"conversation_id": created["conversation_id"], "auth": f"Bearer {created['token']}"}
        answer = post(client, conv, {"text": "hello"}, headers={"Idempotency-Key": key})
        assert answer.json()["replies"]
    assert len(fake_rasa.sent) == 2


def test_a_malformed_idempotency_key_is_a_422_naming_it(client: TestClient, conversation: dict[str, str]) -> None:
    for bad in ["short", "x" * 65, "has spaces in it", "semi;colon;key"]:
        answer = post(
            client,
            conversation,
            {"text": "hello"},
            headers={"Idempotency-Key": bad},
        )
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["header", "idempotency-key"]
