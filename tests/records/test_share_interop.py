"""Interop for share links: the SD-JWT reference implementation (`sd-jwt`, jwcrypto underneath) reads
Kakehashi's `vc+sd-jwt` presentations to the same claims our verifier restores, and both refuse a
repeated disclosure. Where they differ, ours is stricter: a disclosure no digest references is
ignored by sd-jwt 0.10.4 but refused by us (RFC 9901 §7.1)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from api.records import jose, sdjwt
from api.records.issuing import RecordsService
from tests.records.conftest import issued_case, verify


def test_the_reference_implementation_reads_our_presentations(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    from jwcrypto.jwk import JWK
    from sd_jwt.verifier import SDJWTVerifier

    case = issued_case(client, evaluator)
    key = JWK(**records.ring().signing.public_jwk)
    bodies = []
    for claims in (["institution", "years"], list(sdjwt.GROUPS), []):
        created = client.post(
            f"/api/v1/fce/cases/{case['reference']}/shares",
            json={"claims": claims},
            headers={"X-Access-Code": case["access_code"]},
        )
        token = created.json()["url"].rsplit("/s/", 1)[1]
        body = client.get(f"/api/v1/shares/{token}").json()
        theirs = SDJWTVerifier(body["presentation"], lambda issuer, header: key).get_verified_payload()
        assert theirs == body["credential"]
        evaluation = theirs["credentialSubject"]["evaluation"]
        assert ("remarks" in evaluation) == ("remarks" in claims)
        bodies.append(body)
    issuer_jwt, *disclosures, _ = bodies[0]["presentation"].split("~")
    repeated = "~".join([issuer_jwt, *disclosures, disclosures[0]]) + "~"
    try:
        SDJWTVerifier(repeated, lambda issuer, header: key).get_verified_payload()
        raise AssertionError("sd-jwt accepted a repeated disclosure")
    except ValueError:
        pass
    assert verify(client, repeated)["result"] == "tampered"
    stray = jose.b64url_encode(json.dumps(["c2FsdA", "remarks", "Excellent"]).encode())
    unreferenced = "~".join([issuer_jwt, *disclosures, stray]) + "~"
    read = SDJWTVerifier(unreferenced, lambda issuer, header: key).get_verified_payload()
    assert "remarks" not in read["credentialSubject"]["evaluation"]  # ignored there, refused here:
    assert verify(client, unreferenced)["result"] == "tampered"
