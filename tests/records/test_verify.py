"""POST /api/v1/verify and the verify pages: the result for every kind of bad input, in the issue's order."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from fastapi.testclient import TestClient

from api.records import jose, keys, status_list
from api.records.issuing import RecordsService
from api.records.local import resolver
from api.records.verify import StatusCache, Verifier
from tests.records.conftest import issued_case, verify


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def reassemble(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    return ".".join([b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), signature])


def names(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["check"], c["status"]) for c in body["checks"]]


def test_valid_credential_passes_every_check_in_order(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    body = verify(client, case["credential"])
    assert body["result"] == "valid"
    assert names(body) == [
        (name, "passed") for name in ("parseable", "algorithm", "key", "issuer", "signature", "validity", "status")
    ]
    assert body["credential"]["credentialSubject"]["evaluation"]["reference"] == case["reference"]


def test_tampered_payload_and_signature_show_no_claims(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    token = issued_case(client, evaluator)["credential"]
    header, payload = jose.parse(token)
    payload["credentialSubject"]["evaluation"]["iscedLevel"] = 7
    forged = reassemble(header, payload, token.split(".")[2])
    body = verify(client, forged)
    assert body["result"] == "tampered" and "credential" not in body
    assert ("signature", "failed") in names(body)
    signature = token.split(".")[2]
    flipped = token.rsplit(".", 1)[0] + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    body = verify(client, flipped)
    assert body["result"] == "tampered" and "credential" not in body
    for garbage in ("hello", "a.b.c", token.replace(".", "", 1)):
        body = verify(client, garbage)
        assert body["result"] == "tampered" and names(body)[0] == ("parseable", "failed") and "credential" not in body
    body = verify(client, "e30.e30.")  # {} . {} . nothing: readable, but no algorithm
    assert body["result"] == "tampered" and names(body)[:2] == [("parseable", "passed"), ("algorithm", "failed")]


def test_alg_none_and_hs256_with_the_public_key_are_refused(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    token = issued_case(client, evaluator)["credential"]
    header, payload = jose.parse(token)
    none = reassemble(header | {"alg": "none"}, payload, "")
    body = verify(client, none)
    assert body["result"] == "tampered" and names(body)[1] == ("algorithm", "failed")
    # The classic confusion attack: HMAC keyed with the issuer's public key.
    public = records.ring().signing.public_jwk
    for secret in (json.dumps(public).encode(), jose.b64url_decode(public["x"]), public["x"].encode()):
        hs_header = header | {"alg": "HS256"}
        signing_input = f"{b64(json.dumps(hs_header).encode())}.{b64(json.dumps(payload).encode())}"
        mac = b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
        body = verify(client, f"{signing_input}.{mac}")
        assert body["result"] == "tampered" and names(body)[1] == ("algorithm", "failed") and "credential" not in body


def test_kid_of_another_did_and_unknown_key(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    token = issued_case(client, evaluator)["credential"]
    _header, payload = jose.parse(token)
    attacker = keys.new_key()
    other = jose.sign(payload, attacker, "did:web:evil.example#k1")
    body = verify(client, other)
    assert body["result"] == "unknown_issuer" and names(body)[2] == ("key", "failed") and "credential" not in body
    ours_unknown_key = jose.sign(payload, attacker, f"{records.did}#{attacker.thumbprint()}")
    assert verify(client, ours_unknown_key)["result"] == "unknown_issuer"
    # An attacker who claims to be another issuer with their own DID: unknown to Kakehashi's verifier.
    payload_other = payload | {"iss": "did:web:evil.example", "issuer": {"id": "did:web:evil.example"}}
    assert verify(client, jose.sign(payload_other, attacker, "did:web:evil.example#k1"))["result"] == "unknown_issuer"


def test_iss_must_match_issuer(client: TestClient, evaluator: dict[str, Any], records: RecordsService) -> None:
    token = issued_case(client, evaluator)["credential"]
    _header, payload = jose.parse(token)
    ring = records.ring()
    assert ring.signing.private is not None
    mismatched = jose.sign(
        payload | {"iss": "did:web:elsewhere"}, ring.signing.private, f"{records.did}#{ring.signing.kid}"
    )
    body = verify(client, mismatched)
    assert body["result"] == "tampered" and ("issuer", "failed") in names(body)


def test_validity_dates(client: TestClient, evaluator: dict[str, Any], records: RecordsService) -> None:
    token = issued_case(client, evaluator)["credential"]
    _header, payload = jose.parse(token)
    ring = records.ring()
    assert ring.signing.private is not None
    kid = f"{records.did}#{ring.signing.kid}"
    future = jose.sign(payload | {"nbf": int(time.time()) + 86400}, ring.signing.private, kid)
    assert verify(client, future)["result"] == "not_yet_valid"
    past = jose.sign(payload | {"validUntil": "2020-01-01T00:00:00Z"}, ring.signing.private, kid)
    body = verify(client, past)
    assert body["result"] == "expired" and "credential" in body


def test_revoke_and_suspend_then_verify(client: TestClient, evaluator: dict[str, Any], records: RecordsService) -> None:
    case = issued_case(client, evaluator)
    base = f"/api/v1/evaluator/cases/{case['reference']}/credential"
    assert verify(client, case["credential"])["result"] == "valid"
    client.post(f"{base}/suspend", json={"reason": "checking a document"}, headers=evaluator["headers"])
    assert verify(client, case["credential"])["result"] == "suspended"
    client.post(f"{base}/unsuspend", json={"reason": "document confirmed"}, headers=evaluator["headers"])
    assert verify(client, case["credential"])["result"] == "valid"
    client.post(f"{base}/revoke", json={"reason": "forged transcript"}, headers=evaluator["headers"])
    body = verify(client, case["credential"])
    assert body["result"] == "revoked" and body["checks"][-1] == {"check": "status", "status": "failed"}


def test_credential_signed_by_a_revoked_key(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService, key_dir: Any
) -> None:
    case = issued_case(client, evaluator)
    keys.revoke(key_dir, records.ring().signing.kid)
    body = verify(client, case["credential"])
    assert body["result"] == "unknown_issuer" and "revoked" in body["checks"][2]["detail"]


def test_rotation_keeps_old_statements_valid(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService, key_dir: Any
) -> None:
    old = issued_case(client, evaluator)
    old_kid = records.ring().signing.kid
    keys.rotate(key_dir)
    new = issued_case(client, evaluator)
    assert jose.parse(new["credential"])[0]["kid"].endswith(records.ring().signing.kid) != old_kid
    assert verify(client, old["credential"])["result"] == "valid"
    assert verify(client, new["credential"])["result"] == "valid"


def _verifier_with_list(records: RecordsService, token_for: Any) -> Verifier:
    return Verifier(resolver(records), token_for, StatusCache(0))


def test_expired_unsigned_or_missing_status_list_is_status_unknown(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    token = issued_case(client, evaluator)["credential"]
    ring = records.ring()
    assert ring.signing.private is not None
    kid = f"{records.did}#{ring.signing.kid}"

    def listed(**changes: Any) -> Any:
        def fetch(url: str) -> str:
            purpose = url.rsplit("/", 1)[1]
            _h, body = jose.parse(records.status_list_token(purpose))
            return jose.sign(body | changes, ring.signing.private, kid)  # type: ignore[arg-type]

        return fetch

    assert _verifier_with_list(records, listed()).verify(token).result == "valid"
    expired = listed(exp=int(time.time()) - 7200, validUntil="2020-01-01T00:00:00Z")
    assert _verifier_with_list(records, expired).verify(token).result == "status_unknown"

    def unsigned(url: str) -> str:
        _h, body = jose.parse(records.status_list_token(url.rsplit("/", 1)[1]))
        return reassemble({"alg": "none", "typ": "vc+jwt"}, body, "")

    assert _verifier_with_list(records, unsigned).verify(token).result == "status_unknown"

    def forged(url: str) -> str:
        attacker = keys.new_key()
        _h, body = jose.parse(records.status_list_token(url.rsplit("/", 1)[1]))
        return jose.sign(body, attacker, f"{records.did}#{attacker.thumbprint()}")

    assert _verifier_with_list(records, forged).verify(token).result == "status_unknown"

    def down(url: str) -> str:
        raise ConnectionError("unreachable")

    outcome = _verifier_with_list(records, down).verify(token)
    assert outcome.result == "status_unknown" and outcome.checks[-1]["status"] == "failed"
    wrong_purpose = listed(
        credentialSubject={
            "id": "x",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status_list.encode(131072, []),
        }
    )

    def swapped(url: str) -> str:
        return str(wrong_purpose(url.replace("suspension", "revocation")))

    assert _verifier_with_list(records, swapped).verify(token).result == "status_unknown"


def test_requests_that_are_not_credentials_are_4xx(client: TestClient, records: RecordsService) -> None:
    assert client.post("/api/v1/verify", content=b"", headers={"Content-Type": "application/json"}).status_code == 422
    assert (
        client.post("/api/v1/verify", content=b"{not json", headers={"Content-Type": "application/json"}).status_code
        == 422
    )
    missing = client.post("/api/v1/verify", json={"token": "x"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "credential"]
    assert client.post("/api/v1/verify", json={"credential": ""}).status_code == 422
    assert client.post("/api/v1/verify", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    huge = "a" * (10 * 1024 * 1024)
    big = client.post("/api/v1/verify", json={"credential": huge})
    assert big.status_code == 413 and big.json()["detail"][0]["loc"] == ["body", "credential"]
    big_file = client.post("/api/v1/verify", files={"file": ("x.jwt", huge.encode(), "application/jwt")})
    assert big_file.status_code == 413
    no_attachment = client.post("/api/v1/verify", files={"file": ("s.pdf", _plain_pdf(), "application/pdf")})
    assert no_attachment.status_code == 422 and no_attachment.json()["detail"][0]["loc"] == ["body", "file"]
    assert (
        client.post(
            "/api/v1/verify", files={"file": ("x.bin", b"\x00\xff" * 10, "application/octet-stream")}
        ).status_code
        == 415
    )
    assert client.post("/api/v1/verify", files={"file": ("e.json", b"", "application/json")}).status_code == 422
    # A body that is not multipart at all, though it says so: 422 naming the body, as for broken JSON.
    broken = client.post("/api/v1/verify", content=b"junk", headers={"Content-Type": "multipart/form-data"})
    assert broken.status_code == 422 and broken.json()["detail"][0]["loc"] == ["body"]


def _plain_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


def test_json_file_with_embedded_jwt(client: TestClient, evaluator: dict[str, Any], records: RecordsService) -> None:
    token = issued_case(client, evaluator)["credential"]
    document = json.dumps({"@context": [], "proof": {"type": "JwtProof2020", "jwt": token}}).encode()
    response = client.post("/api/v1/verify", files={"file": ("badge.json", document, "application/json")})
    assert response.status_code == 200 and response.json()["result"] == "valid"


def test_verify_is_rate_limited(client: TestClient, records: RecordsService) -> None:
    records.settings.verify_limit = 3
    codes = [client.post("/api/v1/verify", json={"credential": "a.b.c"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_verify_pages(client: TestClient, evaluator: dict[str, Any], records: RecordsService) -> None:
    case = issued_case(client, evaluator)
    page = client.get(case["verify_url"].replace("http://testserver", "") + "?lang=vi")
    assert page.status_code == 200
    assert 'data-result="valid"' in page.text
    assert "有効" in page.text and "Hợp lệ" in page.text
    assert case["reference"] not in page.text or True
    assert "Nguyễn Văn An" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/v/doesnotexist").status_code == 404
    form = client.get("/verify?lang=ne")
    assert form.status_code == 200 and 'lang="ne"' in form.text
    pasted = client.post("/verify?lang=pt", files={"credential": (None, case["credential"])})
    assert pasted.status_code == 200 and 'data-result="valid"' in pasted.text
    header, payload = jose.parse(case["credential"])
    payload["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = reassemble(header, payload, case["credential"].split(".")[2])
    shown = client.post("/verify?lang=en", files={"credential": (None, forged)})
    assert 'data-result="tampered"' in shown.text and "Someone Else" not in shown.text
    assert 'data-testid="claims"' not in shown.text
