"""Credentials an applicant brings (issue 13, point 7): verified on application, pre-filled, flagged, confirmed.

Foreign issuers are played by keys made here: did:key (Ed25519, P-256) offline, and did:web by a fake
university on 127.0.0.1, reachable only when the test setting RECORDS_ALLOW_PRIVATE_FETCH is on.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import ECKey, OKPKey
from sqlalchemy import func, select

from api.fce.feature import Fce
from api.fce.models import FceCase
from api.records import did, issuers, jose, keys, status_list
from api.records.config import RecordsSettings
from api.records.inbound import InboundService, NoJwt, token_of
from api.records.models import RecordInbound
from tests.fce.conftest import application, counts

CASES = "/api/v1/fce/cases"


# -- foreign issuers -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Issuer:
    did: str
    kid: str
    key: OKPKey | ECKey
    alg: str

    def sign(self, payload: dict[str, Any], typ: str = "vc+jwt") -> str:
        return jose.sign(payload, self.key, self.kid, typ=typ, alg=self.alg)


def did_key_issuer(kind: str = "Ed25519") -> Issuer:
    key: OKPKey | ECKey = keys.new_key() if kind == "Ed25519" else ECKey.generate_key("P-256")
    identifier = did.did_key_for(dict(key.as_dict(private=False)))
    alg = "EdDSA" if kind == "Ed25519" else "ES256"
    return Issuer(identifier, f"{identifier}#{identifier[len('did:key:') :]}", key, alg)


def ob3(issuer: str, **subject_changes: Any) -> dict[str, Any]:
    """An Open Badges 3.0 bachelor's degree as a VC 2.0 JWT payload."""
    ident = f"urn:uuid:{uuid.uuid4()}"
    subject: dict[str, Any] = {
        "id": "did:example:student",
        "type": ["AchievementSubject"],
        "activityStartDate": "2016-09-05",
        "activityEndDate": "2020-06-30",
        "achievement": {
            "id": "https://registrar.example/achievements/beng-cs",
            "type": ["Achievement"],
            "achievementType": "BachelorDegree",
            "name": "Bachelor of Engineering in Computer Science",
            "fieldOfStudy": "Computer Science",
            "inLanguage": "vi",
            "criteria": {"narrative": "Completed 150 credits."},
        },
    }
    subject.update(subject_changes)
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": ident,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": "Hanoi University of Science and Technology",
            "address": {"type": ["Address"], "addressCountryCode": "VN"},
        },
        "validFrom": "2020-07-15T00:00:00Z",
        "name": "Bachelor of Engineering",
        "credentialSubject": subject,
        "iss": issuer,
        "jti": ident,
        "sub": "did:example:student",
        "nbf": 1594771200,
    }


class University:
    """A fake university web server: its did.json and a status list; counts every request."""

    def __init__(self) -> None:
        self.key = keys.new_key()
        self.requests = 0
        self.revoked: set[int] = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                if self.path == "/.well-known/did.json":
                    body = json.dumps(outer.document()).encode()
                elif self.path == "/status/revocation":
                    body = outer.status_token().encode()
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.did = f"did:web:127.0.0.1%3A{self.port}"
        self.issuer = Issuer(self.did, f"{self.did}#key-1", self.key, "EdDSA")
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def status_url(self) -> str:
        # How the credential names it: https (the test setting maps it to this server's plain http).
        return f"https://127.0.0.1:{self.port}/status/revocation"

    def document(self) -> dict[str, Any]:
        method = f"{self.did}#key-1"
        jwk = dict(self.key.as_dict(private=False))
        return {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": self.did,
            "verificationMethod": [{"id": method, "type": "JsonWebKey", "controller": self.did, "publicKeyJwk": jwk}],
            "assertionMethod": [method],
        }

    def status_token(self) -> str:
        from datetime import UTC, datetime

        encoded = status_list.encode(131_072, self.revoked)
        body = status_list.list_credential("https://x", self.did, "revocation", encoded, datetime.now(UTC), 600)
        body["id"] = body["jti"] = self.status_url
        return self.issuer.sign(body)

    def credential(self, index: int) -> dict[str, Any]:
        payload = ob3(self.did)
        payload["credentialStatus"] = {
            "id": f"{self.status_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": self.status_url,
        }
        return payload

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def university() -> Iterator[University]:
    server = University()
    yield server
    server.close()


def install(client: TestClient, fce_: Fce, tmp_path: Path, allow_private: bool, dids: list[str] = ()) -> InboundService:
    """An inbound checker on the app: a test issuers list (listing `dids`), private fetches as told."""
    listing = {
        "as_of": "2026-12-05",
        "issuers": [
            {
                "id": "fake_university",
                "country": "VN",
                "names": {"en": "Fake University", "vi": "Đại học Giả"},
                "domains": ["university.example"],
                "dids": list(dids),
                "sources": ["https://university.example/"],
            }
        ],
    }
    path = tmp_path / "issuers.yml"
    path.write_text(json.dumps(listing), encoding="utf-8")
    app: Any = client.app
    s = RecordsSettings(allow_private_fetch=allow_private, fetch_timeout_seconds=2, issuers_file=path)
    service = InboundService(app.state.services.db, s, app.state.services.catalogs, issuers.load(path))
    app.state.services.inbound = service
    app.state.services.fce = dataclasses.replace(fce_, bring=service.check, brought_of_case=service.of_case)
    return service


def apply(client: TestClient, *attachments: Any, **changes: Any) -> Any:
    body = application(**({"credentials": []} | changes))
    body["verifiable_credentials"] = list(attachments)
    return client.post(CASES, json=body)


def inbound_rows(fce_: Fce) -> int:
    with fce_.cases.db.session() as session:
        return session.scalar(select(func.count()).select_from(RecordInbound)) or 0


# -- the applicant ---------------------------------------------------------------------------------------


def test_valid_did_key_credential_prefills_and_the_evaluator_confirms(
    client: TestClient,
    fce: Fce,
    evaluator: dict[str, Any],
    tmp_path: Path,
) -> None:
    install(client, fce, tmp_path, allow_private=False)
    issuer = did_key_issuer()
    token = issuer.sign(ob3(issuer.did))
    response = apply(client, token)
    assert response.status_code == 201, response.text
    created = response.json()
    summary = created["verifiable_credentials"][0]
    assert summary["result"] == "valid" and summary["prefilled"] is True
    assert summary["message"].startswith("Chứng chỉ số của bạn đã được xác minh")  # the applicant's language (vi)
    # did:key says nothing about who the key belongs to: not on the curated list, flagged, not refused.
    assert summary["recognised_issuer"] is None and "unknown_issuer" in summary["flags"]

    case = client.get(f"/api/v1/evaluator/cases/{created['reference']}", headers=evaluator["headers"]).json()
    assert case["status"] == "submitted"  # nothing approved
    assert case["credentials"] == [
        {
            "position": 0,
            "country": "VN",
            "credential_id": None,
            "credential_name": "Bachelor of Engineering in Computer Science",
            "institution": "Hanoi University of Science and Technology",
            "field_of_study": "Computer Science",
            "start_year": 2016,
            "end_year": 2020,
            "language_of_instruction": "vi",
        }
    ]
    [brought] = case["verifiable_credentials"]
    assert brought["position"] == 0 and brought["result"] == "valid" and brought["confirmed_at"] is None
    assert brought["extracted"]["isced_level"] == 6 and brought["extracted"]["awarded_on"].startswith("2020-07-15")
    assert [c["check"] for c in brought["checks"] if c["status"] == "passed"][:5] == [
        "parseable",
        "algorithm",
        "key",
        "issuer",
        "signature",
    ]
    with fce.cases.db.session() as session:
        assert session.scalar(select(RecordInbound.token)) == token  # the raw credential is kept with the case

    client.cookies.set("kk_session", evaluator["token"])
    page = client.get(f"/console/cases/{created['reference']}?lang=en")
    client.cookies.clear()
    assert (
        page.status_code == 200 and "from a verified credential" in page.text and 'data-testid="brought"' in page.text
    )

    url = f"/api/v1/evaluator/cases/{created['reference']}/verifiable-credentials/{brought['id']}/confirm"
    confirmed = client.post(url, headers=evaluator["headers"])
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"] is not None
    again = client.get(f"/api/v1/evaluator/cases/{created['reference']}", headers=evaluator["headers"]).json()
    assert again["status"] == "submitted" and again["verifiable_credentials"][0]["confirmed_by"] is not None
    wrong = client.post(
        f"/api/v1/evaluator/cases/{created['reference']}/verifiable-credentials/999999/confirm",
        headers=evaluator["headers"],
    )
    assert wrong.status_code == 404


def test_p256_and_the_json_forms_a_credential_comes_in(
    client: TestClient,
    fce: Fce,
    tmp_path: Path,
) -> None:
    install(client, fce, tmp_path, allow_private=False)
    p256 = did_key_issuer("P-256")
    assert p256.did.startswith("did:key:zDn")
    token = p256.sign(ob3(p256.did))
    wrapped = ob3(p256.did) | {"proof": {"type": "JwtProof2020", "jwt": token}}
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/vc+jwt,{token}",
    }
    for attachment in (wrapped, json.dumps(enveloped), {"credential": token}):
        response = apply(client, attachment)
        assert response.status_code == 201, response.text
        assert response.json()["verifiable_credentials"][0]["prefilled"] is True
    # The VC 1.1 JWT encoding many Open Badges 3.0 issuers use: the credential in the `vc` claim.
    ed = did_key_issuer()
    inner = {k: v for k, v in ob3(ed.did).items() if k not in ("iss", "jti", "sub", "nbf")}
    legacy = ed.sign({"iss": ed.did, "jti": inner["id"], "nbf": 1594771200, "vc": inner}, typ="JWT")
    response = apply(client, legacy)
    assert response.status_code == 201, response.text
    summary = response.json()["verifiable_credentials"][0]
    assert summary["result"] == "valid" and summary["prefilled"] is True
    # The same VC 1.1 credential with its `vc` claim changed after signing: tampered.
    _header, body = jose.parse(legacy)
    body["vc"]["credentialSubject"]["achievement"]["name"] = "Doctor of Philosophy"
    forged = ".".join([legacy.split(".")[0], jose.b64url_encode(json.dumps(body).encode()), legacy.split(".")[2]])
    assert apply(client, forged).json()["detail"][0]["type"] == "tampered"


def test_tampered_credential_is_refused_in_the_applicants_language_and_nothing_is_stored(
    client: TestClient,
    fce: Fce,
    tmp_path: Path,
) -> None:
    install(client, fce, tmp_path, allow_private=False)
    issuer = did_key_issuer()
    token = issuer.sign(ob3(issuer.did))
    _header, payload = jose.parse(token)
    payload["credentialSubject"]["achievement"]["achievementType"] = "DoctoralDegree"
    forged = ".".join([token.split(".")[0], jose.b64url_encode(json.dumps(payload).encode()), token.split(".")[2]])
    for language, start in (
        ("vi", "Chứng chỉ số không vượt qua"),
        ("ja", "デジタル証明書の検証に失敗"),
        ("ne", "डिजिटल प्रमाणपत्र प्रमाणीकरणमा"),
    ):
        response = apply(client, forged, preferred_language=language)
        assert response.status_code == 422
        [detail] = response.json()["detail"]
        assert detail["loc"] == ["body", "verifiable_credentials", 0] and detail["type"] == "tampered"
        assert detail["msg"].startswith(start)
    # Signed by another key than the did:key names: the same refusal.
    other = did_key_issuer()
    impostor = jose.sign(ob3(issuer.did), other.key, issuer.kid)
    assert apply(client, impostor).json()["detail"][0]["type"] == "tampered"
    # Typed credentials do not rescue a tampered attachment: the whole application is refused.
    response = apply(client, forged, credentials=application()["credentials"])
    assert response.status_code == 422
    assert counts(fce)[0] == 0 and inbound_rows(fce) == 0


@pytest.mark.parametrize(
    "host", ["127.0.0.1%3A{port}", "10.1.2.3", "10.0.0.8%3A8443", "169.254.169.254", "localhost%3A{port}"]
)
def test_did_web_to_private_addresses_is_refused_in_production(
    client: TestClient,
    fce: Fce,
    tmp_path: Path,
    university: University,
    host: str,
) -> None:
    install(client, fce, tmp_path, allow_private=False)
    identifier = "did:web:" + host.format(port=university.port)
    token = Issuer(identifier, f"{identifier}#key-1", university.key, "EdDSA").sign(ob3(identifier))
    response = apply(client, token)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "unknown_issuer"
    assert university.requests == 0  # refused before any connection
    assert counts(fce)[0] == 0 and inbound_rows(fce) == 0


def test_did_web_through_a_loopback_test_server_only_with_the_test_setting(
    client: TestClient,
    fce: Fce,
    evaluator: dict[str, Any],
    tmp_path: Path,
    university: University,
) -> None:
    token = university.issuer.sign(university.credential(index=4242))
    install(client, fce, tmp_path, allow_private=False, dids=[university.did])
    assert apply(client, token).status_code == 422 and university.requests == 0

    install(client, fce, tmp_path, allow_private=True, dids=[university.did])
    response = apply(client, token)
    assert response.status_code == 201, response.text
    summary = response.json()["verifiable_credentials"][0]
    assert summary["result"] == "valid" and summary["recognised_issuer"] == "Đại học Giả"
    assert "unknown_issuer" not in summary["flags"]
    assert university.requests >= 2  # the DID document and the status list
    case = client.get(f"/api/v1/evaluator/cases/{response.json()['reference']}", headers=evaluator["headers"]).json()
    assert case["verifiable_credentials"][0]["recognised_issuer"]["id"] == "fake_university"
    assert ("status", "passed") in [(c["check"], c["status"]) for c in case["verifiable_credentials"][0]["checks"]]

    # The university revokes it: refused (a fresh checker, so no cached list).
    university.revoked.add(4242)
    install(client, fce, tmp_path, allow_private=True, dids=[university.did])
    response = apply(client, token, name="Trần Thị B")
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "revoked"


def test_unreachable_status_list_is_flagged_never_taken_as_fine(
    client: TestClient,
    fce: Fce,
    tmp_path: Path,
) -> None:
    install(client, fce, tmp_path, allow_private=False)
    issuer = did_key_issuer()
    payload = ob3(issuer.did)
    payload["credentialStatus"] = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": "https://10.9.9.9/status/1",
    }
    response = apply(client, issuer.sign(payload))
    assert response.status_code == 201, response.text
    summary = response.json()["verifiable_credentials"][0]
    assert summary["result"] == "status_unknown" and "status_unknown" in summary["flags"]


def test_recognised_issuer_by_did_web_domain(tmp_path: Path) -> None:
    listing = issuers.load()
    assert listing.find("did:web:registrar.hust.edu.vn") is not None
    assert listing.find("did:web:hust.edu.vn%3A8443:issuers:1") is not None
    assert listing.find("did:web:evilhust.edu.vn") is None  # a suffix is not a subdomain
    assert listing.find("did:web:hust.edu.vn.evil.example") is None
    assert listing.find("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp") is None


# -- bad input -------------------------------------------------------------------------------------------


def test_ten_megabyte_token_is_refused_naming_the_field(client: TestClient, fce: Fce, tmp_path: Path) -> None:
    install(client, fce, tmp_path, allow_private=False)
    # 10 MB is over the application route's body cap (api/main.py body_cap): 413, refused unread.
    response = apply(client, "e" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["detail"][0]["loc"] == ["body"] and response.json()["detail"][0]["type"] == "too_large"
    big_json = {"proof": {"jwt": "a.b.c"}, "padding": "x" * (70 * 1024)}
    response = apply(client, big_json)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][:3] == [
        "body",
        "verifiable_credentials",
        0,
    ]
    assert counts(fce)[0] == 0 and inbound_rows(fce) == 0


def test_json_without_a_jwt_is_a_clear_422(client: TestClient, fce: Fce, tmp_path: Path) -> None:
    install(client, fce, tmp_path, allow_private=False)
    for attachment in (
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "proof": {"type": "Ed25519Signature2020", "proofValue": "z3abc"},
        },
        "{not json",
        "hello world",
        '["a.b.c"]',
    ):
        response = apply(client, attachment, preferred_language="pt")
        assert response.status_code == 422, attachment
        [detail] = response.json()["detail"]
        assert detail["loc"] == ["body", "verifiable_credentials", 0] and detail["type"] == "no_jwt"
        assert detail["msg"].startswith("Este arquivo não é uma credencial digital")
    # Neither a typed credential nor an attachment: the body names what is missing.
    response = client.post(CASES, json=application(credentials=[]))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "credentials"]
    assert counts(fce)[0] == 0


def test_duplicate_uploads(client: TestClient, fce: Fce, evaluator: dict[str, Any], tmp_path: Path) -> None:
    install(client, fce, tmp_path, allow_private=False)
    issuer = did_key_issuer()
    token = issuer.sign(ob3(issuer.did))
    # The same credential twice in one application (also once bare, once wrapped): refused, naming the second.
    for second in (token, {"credential": token}):
        response = apply(client, token, second, preferred_language="en")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "verifiable_credentials", 1]
        assert (
            response.json()["detail"][0]["msg"]
            == "This digital credential is attached twice. Attach each credential once."
        )
    assert counts(fce)[0] == 0
    # A retried submission (same Idempotency-Key) is the same case, not a second copy.
    body = application(credentials=[]) | {"verifiable_credentials": [token]}
    key = {"Idempotency-Key": "bring-retry-0000000001"}
    first = client.post(CASES, json=body, headers=key)
    retry = client.post(CASES, json=body, headers=key)
    assert first.status_code == retry.status_code == 201 and first.json()["reference"] == retry.json()["reference"]
    assert counts(fce)[0] == 1 and inbound_rows(fce) == 1
    # The same credential with another application: accepted, and the evaluator is told.
    other = apply(client, token, name="Someone Else")
    assert other.status_code == 201 and "seen_in_other_case" in other.json()["verifiable_credentials"][0]["flags"]


def test_typed_credentials_come_first_and_the_brought_one_is_appended(
    client: TestClient, fce: Fce, evaluator: dict[str, Any], tmp_path: Path
) -> None:
    install(client, fce, tmp_path, allow_private=False)
    issuer = did_key_issuer()
    response = apply(client, issuer.sign(ob3(issuer.did)), credentials=application()["credentials"])
    assert response.status_code == 201
    case = client.get(f"/api/v1/evaluator/cases/{response.json()['reference']}", headers=evaluator["headers"]).json()
    assert [c["credential_id"] for c in case["credentials"]] == ["vn_bachelor", None]
    assert case["verifiable_credentials"][0]["position"] == 1


def test_credential_that_says_too_little_is_kept_but_not_prefilled(
    client: TestClient, fce: Fce, tmp_path: Path
) -> None:
    install(client, fce, tmp_path, allow_private=False)
    issuer = did_key_issuer()
    payload = ob3(issuer.did)
    payload["issuer"] = {"id": issuer.did, "type": ["Profile"]}  # no name, no country
    token = issuer.sign(payload)
    alone = apply(client, token)
    assert alone.status_code == 422 and alone.json()["detail"][0]["loc"] == ["body", "credentials"]
    assert counts(fce)[0] == 0
    response = apply(client, token, credentials=application()["credentials"])
    assert response.status_code == 201
    summary = response.json()["verifiable_credentials"][0]
    assert summary["prefilled"] is False and "not_prefilled" in summary["flags"]
    with fce.cases.db.session() as session:
        row = session.scalars(select(RecordInbound)).one()
        assert row.position is None and set(row.extracted["missing"]) >= {"institution", "country"}
        assert session.scalar(select(func.count()).select_from(FceCase)) == 1


# -- units -------------------------------------------------------------------------------------------------


def test_did_key_test_vectors() -> None:
    # From the did:key method specification's test vectors (W3C CCG).
    assert did.did_key_jwk("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp") == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik",
    }
    assert did.did_key_jwk("did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169") == {
        "kty": "EC",
        "crv": "P-256",
        "x": "fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI",
        "y": "hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU",
    }
    for bad in ("did:key:z", "did:key:z0OIl", "did:key:zDnae" + "1" * 200, "did:key:mAbc"):
        with pytest.raises(did.DidError):
            did.did_key_jwk(bad)
    # A P-256 prefix followed by bytes that are not a point on the curve.
    not_a_point = "did:key:z" + did._b58encode(b"\x80\x24\x02" + b"\xff" * 32)
    with pytest.raises(did.DidError):
        did.did_key_jwk(not_a_point)


def test_token_of_reads_each_form() -> None:
    token = "eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln"
    assert token_of(f"  {token}\n") == token
    assert token_of({"proof": [{"type": "DataIntegrityProof"}, {"type": "JwtProof2020", "jwt": token}]}) == token
    assert token_of({"type": ["EnvelopedVerifiableCredential"], "id": f"data:application/vc+jwt,{token}"}) == token
    assert token_of(json.dumps({"credential": {"jwt": token}})) == token
    for bad in ({"proof": {"jwt": "not a jwt"}}, {"id": "data:text/plain,abc"}, "a.b", "[1]", "{"):
        with pytest.raises(NoJwt):
            token_of(bad)


def test_issuers_file_follows_its_schema(tmp_path: Path) -> None:
    listing = issuers.load()
    assert str(listing.as_of) == "2026-12-05" and len(listing.issuers) >= 5
    for entry in listing.issuers:
        assert entry.names["en"] and entry.sources and all(s.startswith("https://") for s in entry.sources)
        assert entry.domains or entry.dids
    good = {
        "id": "x",
        "country": "VN",
        "names": {"en": "X"},
        "domains": ["x.example"],
        "sources": ["https://x.example/"],
    }
    for broken, word in (
        (good | {"sources": []}, "sources"),
        (good | {"names": {"vi": "X"}}, "English"),
        (good | {"names": {"en": "X", "fr": "X"}}, "names"),
        (good | {"country": "Vietnam"}, "country"),
        (good | {"domains": [], "dids": []}, "domain or DID"),
        (good | {"rank": 1}, "unknown fields"),
    ):
        path = tmp_path / "issuers.yml"
        path.write_text(json.dumps({"as_of": "2026-12-05", "issuers": [broken]}), encoding="utf-8")
        with pytest.raises(issuers.IssuerListError, match=word):
            issuers.load(path)
    path.write_text(json.dumps({"as_of": "2026-12-05", "issuers": [good, good | {"id": "y"}]}), encoding="utf-8")
    with pytest.raises(issuers.IssuerListError, match="two institutions"):
        issuers.load(path)
