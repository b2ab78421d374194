"""Share links (issue 13 point 6): selective disclosure as SD-JWT, expiry, PIN and lockout, the view log,
revocation, and the bad input around them: every refusal has a clear status and stores nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.fce.models import FceRateEvent
from api.records import jose, sdjwt
from api.records.issuing import RecordsService
from api.records.models import RecordShare, RecordShareView
from tests.records.conftest import issued_case, verify

REMARKS = "Comparable to a Japanese bachelor's degree in information science."
DIFFERENCE = "No graduation thesis"
# What HTML shows of the remarks unchanged (the apostrophe is escaped on a page).
REMARKS_ON_PAGE = "degree in information science"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def share(client: TestClient, case: dict[str, Any], **body: Any) -> Any:
    return client.post(
        f"/api/v1/fce/cases/{case['reference']}/shares", json=body, headers={"X-Access-Code": case["access_code"]}
    )


def made(client: TestClient, case: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = share(client, case, **body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    created["token"] = created["url"].rsplit("/s/", 1)[1]
    return created


def shares_stored(records: RecordsService) -> int:
    with records.db.session() as session:
        return session.scalar(select(func.count()).select_from(RecordShare)) or 0


def test_link_shows_the_chosen_claims_verified_and_hides_the_rest(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    created = made(client, case, claims=["applicant", "institution", "years"], label="ACME 株式会社")
    assert created["status"] == "active" and created["claims"] == ["applicant", "institution", "years"]
    assert created["url"].startswith("http://testserver/s/") and len(created["token"]) >= 22
    expires = datetime.fromisoformat(created["expires_at"])
    assert timedelta(days=29, hours=23) < expires - records.clock() <= timedelta(days=30)

    response = client.get(f"/api/v1/shares/{created['token']}")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["result"] == "valid"
    assert [c["check"] for c in body["checks"]] == [
        "parseable",
        "algorithm",
        "key",
        "issuer",
        "signature",
        "disclosures",
        "validity",
        "status",
    ]
    credential = body["credential"]
    evaluation = credential["credentialSubject"]["evaluation"]
    assert evaluation["credential"]["institution"] == "Đại học Bách khoa Hà Nội"
    assert "remarks" not in evaluation and "substantialDifferences" not in evaluation and "reference" not in evaluation
    for always in ("@context", "type", "issuer", "credentialStatus"):
        assert credential[always] == jose.parse(case["credential"])[1][always]
    # Hidden means absent: not in the answer, not in the presentation it carries, not on the page.
    assert REMARKS not in response.text and DIFFERENCE not in response.text
    header, _ = jose.parse(body["presentation"].split("~")[0])
    assert header["typ"] == "vc+sd-jwt" and header["alg"] == "EdDSA"
    page = client.get(f"/s/{created['token']}")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assert REMARKS_ON_PAGE not in page.text and DIFFERENCE not in page.text and case["reference"] not in page.text
    assert "Đại học Bách khoa Hà Nội" in page.text
    # Japanese first, the applicant's language (Vietnamese) beside it; the result comes before the claims.
    assert "備考 / Ghi chú" in page.text and page.text.index('data-testid="result"') < page.text.index("claims")
    assert 'data-result="valid"' in page.text and "<script" not in page.text
    # The public verifier takes the presentation too, with the same vocabulary.
    assert verify(client, body["presentation"])["result"] == "valid"


def test_the_server_keeps_no_hidden_disclosure(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    made(client, case, claims=["years"])
    with records.db.session() as session:
        stored = session.scalar(select(RecordShare.presentation))
    assert stored is not None
    names = [json.loads(jose.b64url_decode(d))[1] for d in stored.split("~")[1:-1]]
    assert sorted(names) == ["endYear", "startYear"]
    signed = json.dumps(jose.parse(stored.split("~")[0])[1], ensure_ascii=False)
    assert "Nguyễn" not in signed and REMARKS not in signed and "Đại học" not in signed


def test_all_claims_shown_by_default_except_the_reference(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    created = made(client, case)
    evaluation = client.get(f"/api/v1/shares/{created['token']}").json()["credential"]["credentialSubject"][
        "evaluation"
    ]
    assert evaluation["remarks"] == REMARKS and evaluation["substantialDifferences"][0]["difference"] == DIFFERENCE
    assert "reference" not in evaluation


def test_expired_and_withdrawn_links_are_gone_and_logged(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    first, second = made(client, case, expires_in_days=1), made(client, case)
    start = records.clock()
    records.clock = lambda: start + timedelta(days=1, seconds=1)  # type: ignore[method-assign]
    assert client.get(f"/api/v1/shares/{first['token']}").status_code == 410
    page = client.get(f"/s/{first['token']}")
    assert page.status_code == 410 and "有効期限が切れています" in page.text and "claims" not in page.text
    assert client.get(f"/api/v1/shares/{second['token']}").status_code == 200
    headers = {"X-Access-Code": case["access_code"]}
    base = f"/api/v1/fce/cases/{case['reference']}/shares"
    revoked = client.post(f"{base}/{second['share_id']}/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.get(f"/api/v1/shares/{second['token']}").status_code == 410
    listed = {s["share_id"]: s["status"] for s in client.get(base, headers=headers).json()["shares"]}
    assert listed == {first["share_id"]: "expired", second["share_id"]: "revoked"}
    log = client.get(f"{base}/{first['share_id']}/views", headers=headers).json()["views"]
    assert [v["outcome"] for v in log] == ["expired", "expired"]
    log = client.get(f"{base}/{second['share_id']}/views", headers=headers).json()["views"]
    assert [v["outcome"] for v in log] == ["revoked", "shown"]


def test_pin_wrong_is_403_then_the_link_locks(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    records.settings.pin_failures = 3
    case = issued_case(client, evaluator)
    created = made(client, case, pin="4821x")
    assert created["pin_required"] is True
    with records.db.session() as session:
        pin_hash = session.scalar(select(RecordShare.pin_hash))
    assert pin_hash is not None and pin_hash.startswith("$argon2id$") and "4821x" not in pin_hash
    url = f"/api/v1/shares/{created['token']}"
    assert client.get(url).status_code == 403  # no PIN given
    page = client.get(f"/s/{created['token']}")
    assert page.status_code == 403 and 'name="pin"' in page.text and "claims" not in page.text
    assert client.get(url, headers={"X-Share-PIN": "4821x"}).json()["result"] == "valid"
    for _ in range(2):
        assert client.get(url, headers={"X-Share-PIN": "0000"}).status_code == 403
    wrong = client.post(f"/s/{created['token']}", data={"pin": "1234"})
    assert wrong.status_code == 403 and REMARKS_ON_PAGE not in wrong.text
    # The third wrong PIN locked the link: even the right one waits now.
    locked = client.get(url, headers={"X-Share-PIN": "4821x"})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 3000
    start = records.clock()
    records.clock = lambda: start + timedelta(seconds=records.settings.pin_lock_seconds + 1)  # type: ignore[method-assign]
    opened = client.post(f"/s/{created['token']}", data={"pin": "4821x"})
    assert opened.status_code == 200 and REMARKS_ON_PAGE in opened.text
    log = client.get(
        f"/api/v1/fce/cases/{case['reference']}/shares/{created['share_id']}/views",
        headers={"X-Access-Code": case["access_code"]},
    ).json()["views"]
    assert [v["outcome"] for v in log] == ["shown", "locked", "wrong_pin", "wrong_pin", "wrong_pin", "shown"]


def test_openings_are_rate_limited_per_link_and_client(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    records.settings.share_view_limit = 3
    case = issued_case(client, evaluator)
    first, second = made(client, case), made(client, case)
    for _ in range(3):
        assert client.get(f"/api/v1/shares/{first['token']}").status_code == 200
    limited = client.get(f"/api/v1/shares/{first['token']}")
    assert limited.status_code == 429 and "retry-after" in limited.headers
    assert client.get(f"/api/v1/shares/{second['token']}").status_code == 200  # another link: its own budget
    with records.db.session() as session:
        buckets = list(session.scalars(select(FceRateEvent.bucket).where(FceRateEvent.bucket.like("share:%"))))
    assert buckets and not any("testclient" in b for b in buckets)


def test_view_log_keeps_a_coarse_client_and_no_address(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    created = made(client, case)
    client.get(f"/s/{created['token']}", headers={"User-Agent": CHROME})
    client.get(f"/api/v1/shares/{created['token']}", headers={"User-Agent": "curl/8.5"})
    log = client.get(
        f"/api/v1/fce/cases/{case['reference']}/shares/{created['share_id']}/views",
        headers={"X-Access-Code": case["access_code"]},
    ).json()["views"]
    assert [(v["outcome"], v["client"]) for v in log] == [("shown", "bot"), ("shown", "Chrome · Windows")]
    with records.db.session() as session:
        rows = [(v.outcome, v.client) for v in session.scalars(select(RecordShareView))]
    assert all("testclient" not in str(row) for row in rows)
    listed = client.get(
        f"/api/v1/fce/cases/{case['reference']}/shares", headers={"X-Access-Code": case["access_code"]}
    ).json()
    assert listed["shares"][0]["views"] == 2


def test_revoked_credential_shows_as_revoked_through_the_link(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    created = made(client, case)
    revoke = f"/api/v1/evaluator/cases/{case['reference']}/credential/revoke"
    assert client.post(revoke, json={"reason": "forged transcript"}, headers=evaluator["headers"]).status_code == 200
    body = client.get(f"/api/v1/shares/{created['token']}").json()
    assert body["result"] == "revoked" and body["checks"][-1] == {"check": "status", "status": "failed"}
    page = client.get(f"/s/{created['token']}?lang=en")
    assert 'data-result="revoked"' in page.text and "Revoked" in page.text
    listed = client.get(
        f"/api/v1/fce/cases/{case['reference']}/credentials", headers={"X-Access-Code": case["access_code"]}
    ).json()
    assert listed["credentials"][0]["status"] == "revoked"


def _presentation(client: TestClient, evaluator: dict[str, Any], **body: Any) -> str:
    case = issued_case(client, evaluator)
    created = made(client, case, **body)
    presentation: str = client.get(f"/api/v1/shares/{created['token']}").json()["presentation"]
    return presentation


def _disclosure(salt: str, name: str, value: Any) -> str:
    return jose.b64url_encode(json.dumps([salt, name, value]).encode())


def test_tampered_disclosures_are_tampered_with_no_claims(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    presentation = _presentation(client, evaluator, claims=["years", "remarks"])
    issuer_jwt, *disclosures, _end = presentation.split("~")
    salt, name, _value = json.loads(jose.b64url_decode(disclosures[0]))
    forged_value = _disclosure(salt, name, 1999)  # the same salt and name, another value: another digest
    unreferenced = _disclosure("c2FsdHNhbHRzYWx0", "remarks", "Excellent in every way")
    cases = {
        "changed value": "~".join([issuer_jwt, forged_value, *disclosures[1:]]) + "~",
        "disclosure nobody signed": "~".join([issuer_jwt, *disclosures, unreferenced]) + "~",
        "the same disclosure twice": "~".join([issuer_jwt, *disclosures, disclosures[0]]) + "~",
        "not base64 JSON": "~".join([issuer_jwt, "%%%", *disclosures]) + "~",
    }
    for label, token in cases.items():
        body = verify(client, token)
        assert body["result"] == "tampered" and "credential" not in body, label
        assert {"check": "disclosures", "status": "failed"} in [
            {"check": c["check"], "status": c["status"]} for c in body["checks"]
        ], label
    # More disclosures than any credential of ours has: refused before anything is decoded.
    crowded = verify(client, "~".join([issuer_jwt, *([disclosures[0]] * (sdjwt.MAX_DISCLOSURES + 1))]) + "~")
    assert crowded["result"] == "tampered" and crowded["checks"][0]["status"] == "failed"
    # A key-binding JWT we never asked for, and an issuer JWT whose typ is not vc+sd-jwt.
    assert verify(client, presentation + issuer_jwt)["result"] == "tampered"
    assert verify(client, verify_jwt_as_sd(client, evaluator))["result"] == "tampered"


def verify_jwt_as_sd(client: TestClient, evaluator: dict[str, Any]) -> str:
    """A plain vc+jwt dressed as an SD-JWT (a ~ appended): its typ says it is not one."""
    return str(issued_case(client, evaluator)["credential"]) + "~"


def test_duplicate_digests_in_the_signed_credential_are_tampered(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    _header, payload = jose.parse(case["credential"])
    body, groups = sdjwt.make_disclosable(payload)
    evaluation = body["credentialSubject"]["evaluation"]
    evaluation["_sd"] = [*evaluation["_sd"], evaluation["_sd"][0]]
    ring = records.ring()
    assert ring.signing.private is not None
    signed = jose.sign(body, ring.signing.private, f"{records.did}#{ring.signing.kid}", typ=sdjwt.TYP)
    result = verify(client, sdjwt.present(signed, groups, ["years"]))
    assert result["result"] == "tampered" and "credential" not in result
    # The same digest in two objects is refused as well.
    body2, groups2 = sdjwt.make_disclosable(payload)
    body2["credentialSubject"]["_sd"] = [*body2["credentialSubject"]["_sd"], body2["_sd"][0]]
    signed2 = jose.sign(body2, ring.signing.private, f"{records.did}#{ring.signing.kid}", typ=sdjwt.TYP)
    assert verify(client, sdjwt.present(signed2, groups2, []))["result"] == "tampered"


def test_disclosure_rules_of_rfc_9901() -> None:
    # RFC 9901's own example: the digest of a disclosure is base64url(SHA-256(its ASCII text)).
    example = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    assert sdjwt.digest(example) == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
    payload = {"@context": ["x"], "type": ["VerifiableCredential"], "issuer": {"id": "did:web:a"}, "given": "A"}
    family = sdjwt.digest(example)
    restored = sdjwt.disclose(payload | {"_sd": [family], "_sd_alg": "sha-256"}, [example])
    assert restored == payload | {"family_name": "Möbius"}
    with pytest.raises(sdjwt.BadDisclosure):  # only sha-256
        sdjwt.disclose(payload | {"_sd": [family], "_sd_alg": "sha-512"}, [example])
    with pytest.raises(sdjwt.BadDisclosure):  # a disclosure may not overwrite a plain claim
        clash = _disclosure("abc", "given", "B")
        sdjwt.disclose(payload | {"_sd": [sdjwt.digest(clash)]}, [clash])
    with pytest.raises(sdjwt.BadDisclosure):  # nor supply an always-visible one
        sneaky = _disclosure("abc", "credentialStatus", [])
        sdjwt.disclose({"_sd": [sdjwt.digest(sneaky)]}, [sneaky])
    with pytest.raises(sdjwt.BadDisclosure):  # nor name _sd
        bad = _disclosure("abc", "_sd", [])
        sdjwt.disclose({"_sd": [sdjwt.digest(bad)]}, [bad])
    # Array elements ({"...": digest}) are disclosed in place; hidden ones simply drop out.
    element = jose.b64url_encode(json.dumps(["salt1", "ja"]).encode())
    hidden = sdjwt.digest(jose.b64url_encode(json.dumps(["salt2", "vi"]).encode()))
    listed = {"languages": [{"...": sdjwt.digest(element)}, {"...": hidden}, "en"]}
    assert sdjwt.disclose(listed, [element]) == {"languages": ["ja", "en"]}
    # Issuing keeps the always-visible claims plain and the digests sorted.
    body, groups = sdjwt.make_disclosable(payload | {"description": "d", "credentialStatus": [{"id": "s"}]})
    assert body["credentialStatus"] == [{"id": "s"}] and body["_sd"] == sorted(body["_sd"]) and groups["institution"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"claims": ["applicant", "salary"]}, ["body", "claims", 1]),
        ({"claims": ["remarks", "remarks"]}, ["body", "claims"]),
        ({"claims": ["years"] * 50}, ["body", "claims"]),
        ({"expires_in_days": 0}, ["body", "expires_in_days"]),
        ({"expires_in_days": 366}, ["body", "expires_in_days"]),
        ({"expires_in_days": "soon"}, ["body", "expires_in_days"]),
        ({"pin": "12"}, ["body", "pin"]),
        ({"pin": "12 34; DROP"}, ["body", "pin"]),
        ({"label": "x" * 81}, ["body", "label"]),
        ({"label": "a\u0000b"}, ["body", "label"]),
        ({"position": 7}, ["body", "position"]),
        ({"position": -1}, ["body", "position"]),
        ({"owner": "someone"}, ["body", "owner"]),
    ],
)
def test_bad_share_requests_name_the_field_and_store_nothing(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService, body: dict[str, Any], loc: list[Any]
) -> None:
    case = issued_case(client, evaluator)
    response = share(client, case, **body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc
    assert shares_stored(records) == 0


def test_oversized_malformed_and_unauthenticated_requests(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    url = f"/api/v1/fce/cases/{case['reference']}/shares"
    headers = {"X-Access-Code": case["access_code"], "Content-Type": "application/json"}
    huge = client.post(url, content=json.dumps({"label": "x" * 20_000}), headers=headers)
    assert huge.status_code == 413
    broken = client.post(url, content=b'{"claims": [', headers=headers)
    assert broken.status_code == 422 and broken.json()["detail"][0]["loc"][0] == "body"
    wrong = client.post(url, json={}, headers={"X-Access-Code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 404
    assert client.post(url, json={}).status_code == 422  # no access code
    assert shares_stored(records) == 0
    # Links that do not exist, or are absurdly long, are simply not found.
    assert client.get("/api/v1/shares/not-a-link").status_code == 404
    assert client.get("/s/" + "A" * 5000).status_code == 404
    assert client.get("/api/v1/shares/x", headers={"X-Share-PIN": "9" * 100}).status_code == 422
    too_big_pin_form = client.post(
        "/s/whatever", content=b"pin=" + b"1" * 20_000, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert too_big_pin_form.status_code == 413
    # Another applicant's link id cannot be revoked or read with this case's code.
    other = issued_case(client, evaluator)
    theirs = made(client, other)
    own = {"X-Access-Code": case["access_code"]}
    assert client.post(f"{url}/{theirs['share_id']}/revoke", headers=own).status_code == 404
    assert client.get(f"{url}/{theirs['share_id']}/views", headers=own).status_code == 404


def test_not_evaluated_case_has_nothing_to_share(client: TestClient, records: RecordsService) -> None:
    from tests.fce.conftest import create

    case = create(client)
    assert share(client, case).status_code == 409
    listed = client.get(
        f"/api/v1/fce/cases/{case['reference']}/credentials", headers={"X-Access-Code": case["access_code"]}
    )
    assert listed.status_code == 409
    assert shares_stored(records) == 0


def test_applicant_pages_make_list_and_withdraw_links(
    client: TestClient, evaluator: dict[str, Any], records: RecordsService
) -> None:
    case = issued_case(client, evaluator)
    status = client.post(
        "/fce/status", data={"reference": case["reference"], "access_code": case["access_code"], "lang": "vi"}
    )
    assert 'action="/fce/status/shares"' in status.text
    form = {"reference": case["reference"], "access_code": case["access_code"], "lang": "vi"}
    page = client.post("/fce/status/shares", data=form)
    assert (
        page.status_code == 200 and "Chia sẻ kết quả thẩm định" in page.text and 'value="remarks" checked' in page.text
    )
    created = client.post(
        "/fce/status/shares",
        data=form | {"action": "create", "claims": ["years", "institution"], "expires_in_days": "7", "label": "ACME"},
    )
    assert created.status_code == 200 and 'data-testid="new-url"' in created.text
    token = created.text.split("/s/", 1)[1].split('"', 1)[0]
    assert client.get(f"/api/v1/shares/{token}").json()["result"] == "valid"
    bad = client.post("/fce/status/shares", data=form | {"action": "create", "expires_in_days": "999"})
    assert bad.status_code == 422 and 'data-field="expires_in_days"' in bad.text
    unreadable = client.post("/fce/status/shares", data=form | {"action": "create", "expires_in_days": "soon"})
    assert unreadable.status_code == 422 and 'data-field="expires_in_days"' in unreadable.text
    with records.db.session() as session:
        share_id = session.scalar(select(RecordShare.share_id))
    withdrawn = client.post("/fce/status/shares", data=form | {"action": "revoke", "share_id": share_id})
    assert withdrawn.status_code == 200 and 'data-status="revoked"' in withdrawn.text
    assert client.get(f"/api/v1/shares/{token}").status_code == 410
    refused = client.post("/fce/status/shares", data=form | {"access_code": "AAAA-BBBB-CCCC"})
    assert refused.status_code == 404 and "new-url" not in refused.text
