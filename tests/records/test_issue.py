"""Keys, the DID document, issuing on evaluation, the applicant's and the evaluator's credential routes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.__main__ import main as cli
from api.records import jose, keys
from api.records.issuing import RecordsService
from api.records.models import RecordCredential
from tests.records.conftest import create, evaluated, issued_case, to_evaluation


def test_did_document_lists_the_signing_key_as_json_web_key(client: TestClient, records: RecordsService) -> None:
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["id"] == "did:web:testserver"
    (method,) = doc["verificationMethod"]
    assert method["type"] == "JsonWebKey"
    assert method["publicKeyJwk"]["kty"] == "OKP" and method["publicKeyJwk"]["crv"] == "Ed25519"
    assert "d" not in method["publicKeyJwk"]
    assert doc["assertionMethod"] == [method["id"]]
    assert method["id"] == f"did:web:testserver#{records.ring().signing.kid}"


def test_rotation_keeps_the_old_key_published_and_revocation_removes_it(
    client: TestClient, records: RecordsService, key_dir: Path, monkeypatch: Any
) -> None:
    old = records.ring().signing.kid
    monkeypatch.setenv("RECORDS_KEY_DIR", str(key_dir))
    monkeypatch.delenv("RECORDS_SIGNING_KEYS", raising=False)
    assert cli(["keys", "rotate"]) == 0
    doc = client.get("/.well-known/did.json").json()
    kids = [m["publicKeyJwk"]["kid"] for m in doc["verificationMethod"]]
    assert old in kids and len(kids) == 2
    assert records.ring().signing.kid != old
    assert cli(["keys", "revoke-key", old]) == 0
    kids = [m["publicKeyJwk"]["kid"] for m in client.get("/.well-known/did.json").json()["verificationMethod"]]
    assert kids == [records.ring().signing.kid]
    # The private half of a revoked key is gone from the file.
    stored = json.loads((key_dir / keys.KEYRING_FILE).read_text())["keys"]
    assert all("d" not in entry["jwk"] for entry in stored if entry["status"] == "revoked")
    assert (key_dir / keys.KEYRING_FILE).stat().st_mode & 0o077 == 0
    assert cli(["keys", "revoke-key", "no-such-kid"]) == 2


def test_keys_from_the_environment(tmp_path: Path) -> None:
    key = keys.new_key()
    from api.records.config import RecordsSettings

    ring = keys.KeyRing.load(RecordsSettings(signing_keys=json.dumps(key.as_dict(private=True))))
    assert ring.signing.kid == key.thumbprint()
    for bad in ("[]", "not json", json.dumps({"kty": "oct", "k": "c2VjcmV0"})):
        try:
            keys.KeyRing.load(RecordsSettings(signing_keys=bad))
        except keys.KeyError_:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_credential_is_issued_on_evaluation_as_signed_ob3(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = evaluated(client, evaluator)
    with records.db.session() as session:
        assert session.scalar(select(func.count()).select_from(RecordCredential)) == 1
    got = client.get(
        f"/api/v1/fce/cases/{case['reference']}/credential", headers={"X-Access-Code": case["access_code"]}
    )
    assert got.status_code == 200
    assert got.headers["cache-control"] == "no-store"
    body = got.json()
    assert body["verify_url"].startswith("http://testserver/v/")
    header, payload = jose.parse(body["credential"])
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    assert header["kid"] == f"did:web:testserver#{records.ring().signing.kid}"
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["iss"] == payload["issuer"]["id"] == "did:web:testserver"
    assert payload["jti"] == payload["id"] and payload["sub"] == payload["credentialSubject"]["id"]
    assert isinstance(payload["nbf"], int)
    evaluation = payload["credentialSubject"]["evaluation"]
    assert evaluation["iscedLevel"] == 6 and evaluation["jqfLevel"] == 6
    assert set(evaluation["comparableJapaneseQualification"]["names"]) == {"ja", "en", "vi"}
    assert evaluation["comparableJapaneseQualification"]["names"]["ja"] == "学士"
    assert set(payload["translations"]) == {"en", "vi"}
    assert [s["statusPurpose"] for s in payload["credentialStatus"]] == ["revocation", "suspension"]
    # The same credential comes back again: issuing is idempotent.
    again = client.get(
        f"/api/v1/fce/cases/{case['reference']}/credential", headers={"X-Access-Code": case["access_code"]}
    ).json()
    assert again["credential"] == body["credential"]


def test_credential_before_evaluation_is_409_and_wrong_code_404(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = create(client)
    url = f"/api/v1/fce/cases/{case['reference']}/credential"
    assert client.get(url, headers={"X-Access-Code": case["access_code"]}).status_code == 409
    assert client.get(url, headers={"X-Access-Code": "WRONG-CODE-0000"}).status_code == 404
    assert client.get("/api/v1/fce/cases/FCE-2026-999999/credential", headers={"X-Access-Code": "X"}).status_code == 404


def test_credential_shares_the_status_lockout(client: TestClient, fce: Any, records: RecordsService) -> None:
    case = create(client)
    url = f"/api/v1/fce/cases/{case['reference']}/credential"
    for _ in range(fce.settings.lockout_failures):
        assert client.get(url, headers={"X-Access-Code": "AAAA-BBBB-CCCC"}).status_code == 404
    locked = client.get(url, headers={"X-Access-Code": case["access_code"]})
    assert locked.status_code == 429
    status = client.get(f"/api/v1/fce/cases/{case['reference']}", headers={"X-Access-Code": case["access_code"]})
    assert status.status_code == 429


def test_evaluator_revokes_suspends_and_is_audited(
    client: TestClient, evaluator: dict[str, Any], advisor: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    base = f"/api/v1/evaluator/cases/{case['reference']}/credential"
    assert client.get(base, headers=advisor["headers"]).status_code == 403
    got = client.get(base, headers=evaluator["headers"])
    assert got.status_code == 200 and got.json()["credential"] == case["credential"]
    assert got.json()["status"][0]["status"] == "active"
    assert client.post(f"{base}/suspend", json={"reason": ""}, headers=evaluator["headers"]).status_code == 422
    assert (
        client.post(f"{base}/suspend", json={"reason": "documents queried"}, headers=advisor["headers"]).status_code
        == 403
    )
    suspended = client.post(f"{base}/suspend", json={"reason": "documents queried"}, headers=evaluator["headers"])
    assert suspended.json()["credentials"][0]["status"] == "suspended"
    lifted = client.post(f"{base}/unsuspend", json={"reason": "documents confirmed"}, headers=evaluator["headers"])
    assert lifted.json()["credentials"][0]["status"] == "active"
    revoked = client.post(f"{base}/revoke", json={"reason": "forged diploma"}, headers=evaluator["headers"])
    assert revoked.json()["credentials"][0]["status"] == "revoked"
    again = client.post(f"{base}/unsuspend", json={"reason": "try to undo"}, headers=evaluator["headers"])
    assert again.status_code == 409
    from api.auth.models import AuditEntry

    with records.db.session() as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.action.like("records.%")).order_by(AuditEntry.id)
            )
        )
    assert actions == ["records.suspend", "records.unsuspend", "records.revoke"]


def test_evaluator_status_on_unknown_or_unissued_case(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    headers = evaluator["headers"]
    assert (
        client.post(
            "/api/v1/evaluator/cases/FCE-2026-999999/credential/revoke", json={"reason": "xyz"}, headers=headers
        ).status_code
        == 404
    )
    case = create(client)
    to_evaluation(client, evaluator, case["reference"])
    url = f"/api/v1/evaluator/cases/{case['reference']}/credential"
    assert client.post(f"{url}/revoke", json={"reason": "xyz"}, headers=headers).status_code == 409
    assert client.get(url, headers=headers).status_code == 409


def test_console_case_page_shows_the_credential_and_its_status(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    client.cookies.set("kk_session", evaluator["token"])
    page = client.get(f"/console/cases/{case['reference']}?lang=ja")
    assert page.status_code == 200, page.text[:300]
    assert 'data-testid="credential-status" data-status="active"' in page.text
    assert "署名付きクレデンシャル" in page.text and 'value="revoke"' in page.text
    client.post(
        f"/api/v1/evaluator/cases/{case['reference']}/credential/revoke",
        json={"reason": "forged transcript"},
        headers=evaluator["headers"],
    )
    page = client.get(f"/console/cases/{case['reference']}?lang=en")
    assert 'data-status="revoked"' in page.text and 'data-testid="credential-form"' not in page.text
