"""Interop: an independent OB 3.0 verifier (openbadgeslib, PyJWT underneath), an independent JOSE
implementation (jwcrypto) with a hand-written gzip/base64url decode of the status list, and the
statement PDF read back as a person's phone would: rasterised, QR decoded, URL followed."""

from __future__ import annotations

import base64
import gzip
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.records.issuing import RecordsService
from tests.records.conftest import issued_case


def fetch_from(client: TestClient) -> Any:
    """openbadgeslib's download hook: https://testserver/... answered by the test app."""

    def download(url: str, *args: Any, **kwargs: Any) -> bytes:
        path = url.split("://", 1)[1].split("/", 1)[1]
        response = client.get("/" + path)
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return download


def test_openbadgeslib_accepts_ours_and_refuses_revoked(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier

    case = issued_case(client, evaluator)
    download = fetch_from(client)
    verifier = OB3Verifier.for_issuer_did(records.did, download=download)
    credential = verifier.verify(case["credential"], check_status=True, download=download)
    assert credential.issuer.id == records.did
    base = f"/api/v1/evaluator/cases/{case['reference']}/credential"
    client.post(f"{base}/revoke", json={"reason": "forged transcript"}, headers=evaluator["headers"])
    with pytest.raises(OB3VerificationError):
        verifier.verify(case["credential"], check_status=True, download=download)


def test_jwcrypto_and_an_independent_status_list_decode(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    from jwcrypto import jwk, jws

    case = issued_case(client, evaluator)
    doc = client.get("/.well-known/did.json").json()
    header = json.loads(base64.urlsafe_b64decode(case["credential"].split(".")[0] + "=="))
    method = next(m for m in doc["verificationMethod"] if m["id"] == header["kid"])
    key = jwk.JWK(**method["publicKeyJwk"])
    token = jws.JWS()
    token.deserialize(case["credential"])
    token.verify(key, alg="EdDSA")
    payload = json.loads(token.payload)
    (revocation, _suspension) = payload["credentialStatus"]
    index = int(revocation["statusListIndex"])

    def bit_at(url: str) -> int:
        listed = client.get(url.replace("http://testserver", ""))
        assert listed.headers["content-type"].startswith("application/vc+jwt")
        signed = jws.JWS()
        signed.deserialize(listed.text)
        signed.verify(key, alg="EdDSA")
        subject = json.loads(signed.payload)["credentialSubject"]
        encoded = subject["encodedList"]
        assert encoded.startswith("u")
        raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
        assert len(raw) * 8 >= 131_072
        return (raw[index // 8] >> (7 - index % 8)) & 1

    assert bit_at(revocation["statusListCredential"]) == 0
    client.post(
        f"/api/v1/evaluator/cases/{case['reference']}/credential/revoke",
        json={"reason": "forged transcript"},
        headers=evaluator["headers"],
    )
    assert bit_at(revocation["statusListCredential"]) == 1
    # A wrong key must not verify (the independent check is not vacuous).
    other = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    with pytest.raises(jws.InvalidJWSSignature):
        token.verify(other, alg="EdDSA")


def test_statement_pdf_qr_leads_to_valid_and_attachment_verifies(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService, tmp_path: Path
) -> None:
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    case = issued_case(client, evaluator)
    statement = client.get(
        f"/api/v1/fce/cases/{case['reference']}/statement", headers={"X-Access-Code": case["access_code"]}
    )
    assert statement.status_code == 200
    reader = PdfReader(io.BytesIO(statement.content))
    attached = [
        content for name, contents in reader.attachments.items() if name.endswith(".jwt") for content in contents
    ]
    assert attached == [case["credential"].encode()]
    text = "".join(page.extract_text() for page in reader.pages)
    assert case["verify_url"] in text
    (tmp_path / "s.pdf").write_bytes(statement.content)
    subprocess.run(  # noqa: S603 - fixed command from requirements/apt.txt (poppler-utils)
        ["/usr/bin/pdftoppm", "-r", "150", "-png", str(tmp_path / "s.pdf"), str(tmp_path / "page")], check=True
    )
    found = set()
    for png in sorted(tmp_path.glob("page*.png")):
        for result in zxingcpp.read_barcodes(Image.open(png)):
            found.add(result.text)
    assert found == {case["verify_url"]}
    page = client.get(next(iter(found)).replace("http://testserver", ""))
    assert page.status_code == 200 and 'data-result="valid"' in page.text
    uploaded = client.post("/api/v1/verify", files={"file": ("statement.pdf", statement.content, "application/pdf")})
    assert uploaded.status_code == 200 and uploaded.json()["result"] == "valid"
