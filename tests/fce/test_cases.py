"""Applying, idempotency, every bad input (422 naming the field, nothing stored), status, lockout, rate limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.fce.config import FceSettings
from api.fce.feature import Fce
from tests.fce.conftest import application, counts, create


def test_apply_returns_reference_and_code_once(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    response = client.post("/api/v1/fce/cases", json=application())
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"FCE-\d{4}-\d{8}", body["reference"])
    assert len(body["access_code"].replace("-", "")) >= 10
    assert body["status"] == "submitted"
    assert response.headers["cache-control"] == "no-store"
    second = create(client)
    assert second["reference"] != body["reference"]  # random references (issue 15, finding 6)
    detail = client.get(f"/api/v1/evaluator/cases/{body['reference']}", headers=evaluator["headers"])
    assert detail.status_code == 200 and body["access_code"] not in detail.text  # the code is stored only as a hash


def test_idempotency_key_returns_the_same_case(client: TestClient, fce: Fce) -> None:
    headers = {"Idempotency-Key": "5f0e1c1e-2b7a-4d7e-9a57-1d2f9b8c0a11"}
    first = client.post("/api/v1/fce/cases", json=application(), headers=headers)
    again = client.post("/api/v1/fce/cases", json=application(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert counts(fce)[0] == 1
    different = client.post("/api/v1/fce/cases", json=application(name="Someone Else"), headers=headers)
    assert different.status_code == 422
    assert different.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    short = client.post("/api/v1/fce/cases", json=application(), headers={"Idempotency-Key": "abc"})
    assert short.status_code == 422
    assert counts(fce)[0] == 1


def _credential(**changes: Any) -> list[dict[str, Any]]:
    credential = dict(application()["credentials"][0])
    credential.update(changes)
    return [credential]


BAD_INPUTS: list[tuple[str, dict[str, Any], list[Any]]] = [
    ("missing name", {"name": None}, ["body", "name"]),
    ("wrong type", {"consent": "yes"}, ["body", "consent"]),
    ("5,000-character name", {"name": "x" * 5000}, ["body", "name"]),
    ("invalid e-mail", {"email": "not-an-email"}, ["body", "email"]),
    ("unknown country", {"residence_country": "XX"}, ["body", "residence_country"]),
    ("unknown nationality", {"nationality": "ZZ"}, ["body", "nationality"]),
    ("unknown language", {"preferred_language": "fr"}, ["body", "preferred_language"]),
    ("unknown purpose", {"purpose": "tourism"}, ["body", "purpose"]),
    ("no consent", {"consent": False}, ["body", "consent"]),
    ("no credentials", {"credentials": []}, ["body", "credentials"]),
    ("end before start", {"credentials": _credential(end_year=2015)}, ["body", "credentials", 0, "end_year"]),
    ("year as text", {"credentials": _credential(start_year="2016")}, ["body", "credentials", 0, "start_year"]),
    ("credential country", {"credentials": _credential(country="QQ")}, ["body", "credentials", 0, "country"]),
    (
        "unlisted credential id",
        {"credentials": _credential(credential_id="vn_nope")},
        ["body", "credentials", 0, "credential_id"],
    ),
    (
        "neither id nor name",
        {"credentials": _credential(credential_id=None)},
        ["body", "credentials", 0, "credential_name"],
    ),
    ("control characters", {"name": "An\u0000"}, ["body", "name"]),
    ("unknown field", {"surprise": 1}, ["body", "surprise"]),
]


@pytest.mark.parametrize(("label", "changes", "loc"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_422_naming_the_field_and_stores_nothing(
    client: TestClient, fce: Fce, label: str, changes: dict[str, Any], loc: list[Any]
) -> None:
    body = application(**changes)
    if changes.get("name", "") is None:
        del body["name"]
    response = client.post("/api/v1/fce/cases", json=body)
    assert response.status_code == 422, label
    assert loc in [error["loc"] for error in response.json()["detail"]], response.json()
    assert counts(fce) == (0, 0, 0)


def test_non_utf8_and_non_json_bodies_are_422(client: TestClient, fce: Fce) -> None:
    raw = b'{"name": "An' + b"\xff\xfe" + b'"}'
    response = client.post("/api/v1/fce/cases", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"
    assert (
        client.post("/api/v1/fce/cases", content=b"[1,", headers={"Content-Type": "application/json"}).status_code
        == 422
    )
    assert counts(fce) == (0, 0, 0)


def test_free_text_credential_from_a_country_without_data(client: TestClient, fce: Fce) -> None:
    credential = _credential(country="FR", credential_id=None, credential_name="Licence")
    assert create(client, credentials=credential)["status"] == "submitted"


def test_status_with_the_access_code(client: TestClient, fce: Fce) -> None:
    case = create(client)
    response = client.get(f"/api/v1/fce/cases/{case['reference']}", headers={"X-Access-Code": case["access_code"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"reference", "status", "updated_at", "timeline", "next_step"}
    assert body["status"] == "submitted"
    assert body["timeline"][0]["status"] == "submitted"
    assert "hồ sơ" in body["next_step"]  # the applicant chose Vietnamese
    # Codes are forgiving about case and dashes; references about case.
    loose = case["access_code"].replace("-", "").lower()
    assert (
        client.get(f"/api/v1/fce/cases/{case['reference'].lower()}", headers={"X-Access-Code": loose}).status_code
        == 200
    )


def test_interview_path_is_recorded_and_explained(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client, documents="none", preferred_language="en")
    body = client.get(f"/api/v1/fce/cases/{case['reference']}", headers={"X-Access-Code": case["access_code"]}).json()
    assert "interview" in body["next_step"]
    detail = client.get(f"/api/v1/evaluator/cases/{case['reference']}", headers=evaluator["headers"])
    assert detail.json()["interview_path"] is True


def test_wrong_code_and_unknown_reference_look_the_same(client: TestClient, fce: Fce) -> None:
    case = create(client)
    wrong = client.get(f"/api/v1/fce/cases/{case['reference']}", headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
    unknown = client.get("/api/v1/fce/cases/FCE-2020-999999", headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
    malformed = client.get("/api/v1/fce/cases/whatever", headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == unknown.status_code == malformed.status_code == 404
    assert wrong.json() == unknown.json() == malformed.json()
    missing = client.get(f"/api/v1/fce/cases/{case['reference']}")
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["header", "X-Access-Code"]


def test_ten_wrong_codes_lock_the_reference(client: TestClient, fce: Fce) -> None:
    case = create(client)
    url = f"/api/v1/fce/cases/{case['reference']}"
    for _ in range(10):
        assert client.get(url, headers={"X-Access-Code": "AAAA-BBBB-CCCC"}).status_code == 404
    locked = client.get(url, headers={"X-Access-Code": case["access_code"]})
    assert locked.status_code == 429
    assert 3500 <= int(locked.headers["retry-after"]) <= 3600
    # An unknown reference locks the same way, so a lock says nothing about whether a case exists.
    for _ in range(10):
        client.get("/api/v1/fce/cases/FCE-2020-999998", headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
    assert client.get("/api/v1/fce/cases/FCE-2020-999998", headers={"X-Access-Code": "X"}).status_code == 429
    # Another case is unaffected.
    other = create(client)
    ok = client.get(f"/api/v1/fce/cases/{other['reference']}", headers={"X-Access-Code": other["access_code"]})
    assert ok.status_code == 200


def test_per_ip_limit(client: TestClient, fce: Fce) -> None:
    fce.settings = FceSettings(documents_dir=fce.settings.documents_dir, ip_status_limit=3)
    fce.cases.settings = fce.settings
    case = create(client)
    url = f"/api/v1/fce/cases/{case['reference']}"
    headers = {"X-Access-Code": case["access_code"]}
    assert [client.get(url, headers=headers).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_application_page_in_every_language(client: TestClient, fce: Fce) -> None:
    titles = {
        "ja": "学歴・資格評価の申し込み",
        "en": "Apply for a credential evaluation",
        "vi": "Đăng ký đánh giá văn bằng",
    }
    for language in ("ja", "en", "vi", "ne", "pt"):
        page = client.get("/fce/apply", params={"lang": language})
        assert page.status_code == 200
        assert f'<html lang="{language}">' in page.text
        if language in titles:
            assert titles[language] in page.text
        assert "fce.form." not in page.text.split('<script id="fce-strings"')[0]  # no raw keys shown
    assert '<html lang="pt">' in client.get("/fce/apply", headers={"Accept-Language": "pt-BR,pt;q=0.9"}).text
