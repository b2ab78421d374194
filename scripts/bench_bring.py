"""Credentials an applicant brings: verification p50/p95 per kind of issuer.

    .venv/bin/python scripts/bench_bring.py [RUNS]    # default 200

did:key (Ed25519, P-256) is offline; did:web is a fake university on 127.0.0.1 (the test setting
RECORDS_ALLOW_PRIVATE_FETCH is on here, as in the tests), with its status list fetched every time and
then cached. Includes reading the claims and building the pre-filled credential. Figures are
printed, never asserted: these machines are shared and noisy.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from joserfc.jwk import ECKey

from api.records import did, issuers, jose, keys, status_list
from api.records.config import RecordsSettings
from api.records.inbound import claims, prefill
from api.records.verify import StatusCache, Verifier, credential_of


def payload(issuer: str) -> dict[str, Any]:
    ident = f"urn:uuid:{uuid.uuid4()}"
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": ident,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "name": "Bench University", "address": {"addressCountryCode": "VN"}},
        "validFrom": "2020-07-15T00:00:00Z",
        "credentialSubject": {
            "activityStartDate": "2016-09-05",
            "achievement": {"name": "Bachelor of Science", "achievementType": "BachelorDegree", "fieldOfStudy": "CS"},
        },
        "iss": issuer,
        "jti": ident,
    }


def measure(label: str, verifier: Verifier, token: str, runs: int, listing: issuers.IssuerList) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        outcome = verifier.verify(token)
        assert outcome.credential is not None, outcome.checks
        issuer = str(credential_of(outcome.credential)["issuer"]["id"])
        prefill(claims(credential_of(outcome.credential), listing.find(issuer)))
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{label:<44} result={outcome.result:<8} p50={statistics.median(times):7.2f} ms  p95={p95:7.2f} ms")


def main(runs: int) -> None:
    from api.records.inbound import InboundService

    listing = issuers.load()
    settings = RecordsSettings(allow_private_fetch=True, fetch_timeout_seconds=5)
    service = InboundService(None, settings, None, listing)  # type: ignore[arg-type]  # verifier only
    for kind in ("Ed25519", "P-256"):
        key = keys.new_key() if kind == "Ed25519" else ECKey.generate_key("P-256")
        ident = did.did_key_for(dict(key.as_dict(private=False)))
        token = jose.sign(payload(ident), key, f"{ident}#{ident[8:]}", alg="EdDSA" if kind == "Ed25519" else "ES256")
        measure(f"did:key {kind} (offline)", service.verifier, token, runs, listing)

    key = keys.new_key()
    server_did: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ident = server_did[0]
            if self.path == "/.well-known/did.json":
                jwk = dict(key.as_dict(private=False))
                method = f"{ident}#k"
                doc = {
                    "id": ident,
                    "verificationMethod": [{"id": method, "publicKeyJwk": jwk}],
                    "assertionMethod": [method],
                }
                body = json.dumps(doc).encode()
            else:
                url = f"https://{ident[8:].replace('%3A', ':')}/status"
                body_ = status_list.list_credential(
                    "https://x", ident, "revocation", status_list.encode(131_072, []), datetime.now(UTC), 600
                )
                body_["id"] = body_["jti"] = url
                body = jose.sign(body_, key, f"{ident}#k").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    ident = f"did:web:127.0.0.1%3A{port}"
    server_did.append(ident)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    body = payload(ident)
    url = f"https://127.0.0.1:{port}/status"
    body["credentialStatus"] = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "99",
        "statusListCredential": url,
    }
    token = jose.sign(body, key, f"{ident}#k")
    service.verifier.cache = StatusCache(0)
    measure("did:web loopback + status list, uncached", service.verifier, token, runs, listing)
    service.verifier.cache = StatusCache(600)
    measure("did:web loopback + status list, list cached", service.verifier, token, runs, listing)
    server.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
