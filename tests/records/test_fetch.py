"""The guarded fetch for other issuers' documents refuses our own network (SSRF), and did: parsing."""

from __future__ import annotations

import pytest

from api.records import did, fetch, keys


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/.well-known/did.json",
        "https://10.0.0.5/.well-known/did.json",
        "https://10.255.255.254:8443/x",
        "https://192.168.1.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://localhost/x",
        "http://example.org/x",
        "https://user:pw@example.org/x",
        "file:///etc/passwd",
    ],
)
def test_private_loopback_and_non_https_are_refused_in_production(url: str) -> None:
    with pytest.raises(fetch.FetchRefused):
        fetch.get(url, allow_private=False, timeout=1, max_bytes=1024)


def test_did_web_to_private_address_is_refused() -> None:
    for identifier in ("did:web:127.0.0.1", "did:web:10.0.0.8%3A8443", "did:web:10.1.2.3:university"):
        url = did.did_web_url(identifier)
        with pytest.raises(fetch.FetchRefused):
            fetch.check_url(url, allow_private=False)
    # The test setting lets a local fake university through (plain http only there).
    fetch.check_url("http://127.0.0.1:9/.well-known/did.json", allow_private=True)


def test_did_web_mapping() -> None:
    assert did.did_web("https://kakehashi.example:8443/app") == "did:web:kakehashi.example%3A8443"
    assert did.did_web_url("did:web:kakehashi.example%3A8443") == "https://kakehashi.example:8443/.well-known/did.json"
    assert did.did_web_url("did:web:uni.example:issuers:1") == "https://uni.example/issuers/1/did.json"
    for bad in ("did:web:", "did:web:a::b", "did:key:z6Mk", "did:web:evil.example%2Fx"):
        with pytest.raises(did.DidError):
            did.did_web_url(bad)


def test_did_key_round_trip() -> None:
    public = keys.new_key().as_dict(private=False)
    identifier = did.did_key_for(public)
    assert identifier.startswith("did:key:z6Mk")
    assert did.did_key_jwk(identifier) == {"kty": "OKP", "crv": "Ed25519", "x": public["x"]}
    with pytest.raises(did.DidError):
        did.did_key_jwk("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")  # secp256k1
