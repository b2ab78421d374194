"""Rasa's NLG calls: the api renders responses from the catalogs in the conversation's language."""

from __future__ import annotations

from fastapi.testclient import TestClient

TOKEN = "test-nlg-token"  # NLG_TOKEN in tests/api/conftest.py


def nlg(client: TestClient, body: dict[str, object], token: str | None = TOKEN) -> object:
    params = {"token": token} if token is not None else {}
    return client.post("/nlg", json=body, params=params)


def test_renders_in_the_conversations_language(client: TestClient) -> None:
    conv = client.post("/api/v1/widget/conversations", json={"locale": "ja"}).json()
    response = nlg(client, {"response": "utter_choose_language", "tracker": {"sender_id": conv["conversation_id"]}})
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["text"] == "どの言語で話しましょうか？"
    assert [b["payload"] for b in body["buttons"]][:2] == [
        '/set_language{"language": "ja"}',
        '/set_language{"language": "en"}',
    ]
    assert body["buttons"][3]["title"] == "नेपाली"


def test_unknown_sender_falls_back_to_the_mirrored_slot(client: TestClient) -> None:
    body = nlg(
        client, {"response": "utter_goodbye", "tracker": {"sender_id": "nobody", "slots": {"language": "pt"}}}
    ).json()  # type: ignore[attr-defined]
    assert body["text"].startswith("Tchau")


def test_unknown_response_404(client: TestClient) -> None:
    assert nlg(client, {"response": "utter_nope", "tracker": {}}).status_code == 404  # type: ignore[attr-defined]


def test_token_required(client: TestClient) -> None:
    assert nlg(client, {"response": "utter_goodbye", "tracker": {}}, token=None).status_code == 401  # type: ignore[attr-defined]
    assert nlg(client, {"response": "utter_goodbye", "tracker": {}}, token="wrong").status_code == 401  # type: ignore[attr-defined]


def test_missing_name_422(client: TestClient) -> None:
    response = nlg(client, {"tracker": {}})
    assert response.status_code == 422  # type: ignore[attr-defined]
    # FastAPI's shape, as /openapi.json documents every 422: a list naming the field (schemathesis found
    # a bare string here).
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "response"]]  # type: ignore[attr-defined]


def test_links_use_the_public_base_url(client: TestClient) -> None:
    conv = client.post("/api/v1/widget/conversations", json={"locale": "ja"}).json()
    body = nlg(client, {"response": "utter_fce_apply_later", "tracker": {"sender_id": conv["conversation_id"]}}).json()  # type: ignore[attr-defined]
    assert "http://127.0.0.1:8000/fce/apply?lang=ja" in body["text"]
    assert "{base_url}" not in body["text"]
