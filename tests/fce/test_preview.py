"""Instant preview: credential lists and what a credential is typically comparable to in Japan."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.fce.feature import Fce


def test_credentials_for_a_country(client: TestClient, fce: Fce) -> None:
    response = client.get("/api/v1/fce/credentials", params={"country": "vn"})
    assert response.status_code == 200
    items = response.json()
    bachelor = next(item for item in items if item["id"] == "vn_bachelor")
    assert bachelor["isced_level"] == 6
    assert set(bachelor["names"]) == {"ja", "en", "vi", "ne", "pt"}


def test_unknown_country_explains_how_to_apply(client: TestClient, fce: Fce) -> None:
    response = client.get("/api/v1/fce/credentials", params={"country": "FR", "lang": "pt"})
    assert response.status_code == 404
    assert "/fce/apply" in response.json()["detail"]
    assert "França" in response.json()["detail"]


def test_preview_of_a_bachelor(client: TestClient, fce: Fce) -> None:
    response = client.post("/api/v1/fce/preview", json={"country": "VN", "credential": "vn_bachelor", "years": 4})
    assert response.status_code == 200
    body = response.json()
    assert body["isced_level"] == 6 and body["jqf_level"] == 6
    assert body["japan_equivalent"]["ja"] == "学士"
    assert set(body["japan_equivalent"]) == {"ja", "en", "vi", "ne", "pt"}
    assert body["typical_duration_years"] == 4
    assert body["sources"] and body["disclaimer"]
    assert all("You studied" not in note for note in body["notes"])


def test_shorter_study_adds_a_note_in_the_requested_language(client: TestClient, fce: Fce) -> None:
    response = client.post(
        "/api/v1/fce/preview", json={"country": "US", "credential": "us_bachelor", "years": 2, "language": "ja"}
    )
    assert response.status_code == 200
    assert any("年" in note for note in response.json()["notes"])


def test_unknown_credential_is_404_with_the_way_forward(client: TestClient, fce: Fce) -> None:
    response = client.post("/api/v1/fce/preview", json={"country": "VN", "credential": "nope", "language": "vi"})
    assert response.status_code == 404
    assert "/fce/apply" in response.json()["detail"]
    unknown_country = client.post("/api/v1/fce/preview", json={"country": "FR", "credential": "x"})
    assert unknown_country.status_code == 404


def test_bad_preview_input_is_422(client: TestClient, fce: Fce) -> None:
    for body in (
        {"country": "VNM", "credential": "x"},
        {"credential": "x"},
        {"country": "VN", "credential": "x", "years": "many"},
    ):
        response = client.post("/api/v1/fce/preview", json=body)
        assert response.status_code == 422, body


def test_countries_are_named_in_the_language(client: TestClient, fce: Fce) -> None:
    response = client.get("/api/v1/fce/countries", params={"lang": "ja"})
    assert {"code": "VN", "name": "ベトナム"} in response.json()
