"""Security review findings (issue 15): each test here failed on main before its fix."""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from api.fce.feature import Fce
from tests.fce.conftest import create, evaluator  # noqa: F401
from tests.privacy.helpers import PDF, ago

# -- 10: downloads ------------------------------------------------------------------------------------


def _upload(client: TestClient, case: dict[str, str], name: str, content: bytes) -> Any:
    return client.post(
        f"/api/v1/fce/cases/{case['reference']}/documents",
        headers={"X-Access-Code": case["access_code"]},
        files={"file": (name, content, "application/pdf")},
    )


def test_pdf_signature_must_be_at_offset_zero(client: TestClient, fce: Fce) -> None:
    case = create(client)
    polyglot = b"<html><script>alert(document.domain)</script>" + b" " * 100 + PDF
    assert _upload(client, case, "diploma.pdf", polyglot).status_code == 415
    assert _upload(client, case, "diploma.pdf", b"\xef\xbb\xbf" + PDF).status_code == 415
    assert _upload(client, case, "diploma.pdf", PDF).status_code == 201


def test_download_is_named_from_reference_and_sniffed_type(
    client: TestClient,
    fce: Fce,
    evaluator: dict[str, Any],  # noqa: F811
) -> None:
    case = create(client)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert _upload(client, case, "evil.html", png).status_code == 201
    detail = client.get(f"/api/v1/evaluator/cases/{case['reference']}", headers=evaluator["headers"]).json()
    document_id = detail["documents"][0]["id"]
    assert detail["documents"][0]["name"] == "evil.html"  # kept as a label only
    download = client.get(
        f"/api/v1/evaluator/cases/{case['reference']}/documents/{document_id}", headers=evaluator["headers"]
    )
    assert download.status_code == 200
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment")
    assert f'filename="{case["reference"]}-document-{document_id}.png"' in disposition
    assert "evil" not in disposition and ".html" not in disposition


# -- 12: SMTP without STARTTLS ------------------------------------------------------------------------


class _PlainServer:
    """An SMTP server that offers no STARTTLS; records what the client tried."""

    calls: ClassVar[list[str]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host = host

    def __enter__(self) -> _PlainServer:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def ehlo(self) -> None:
        self.calls.append("ehlo")

    def has_extn(self, name: str) -> bool:
        return False

    def login(self, user: str, password: str) -> None:
        self.calls.append("login")

    def send_message(self, message: object) -> None:
        self.calls.append("send")


def test_smtp_refuses_a_server_without_starttls(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.fce import mail
    from api.fce.config import MailSettings

    monkeypatch.setattr(mail.smtplib, "SMTP", _PlainServer)
    _PlainServer.calls = []
    settings = MailSettings(url="smtp://user:secret@mail.example.org:587", from_="fce@kakehashi.example")
    with pytest.raises(mail.InsecureTransport):
        mail.send_mail(settings, "an@example.com", "Your case", "FCE-2026-000001")
    assert _PlainServer.calls == ["ehlo"]  # neither the password nor the message left in clear
    # A relay on the loopback interface is the one place plain SMTP stays on the host.
    local = MailSettings(url="smtp://127.0.0.1:25", from_="fce@kakehashi.example")
    mail.send_mail(local, "an@example.com", "Your case", "FCE-2026-000001")
    assert _PlainServer.calls[-1] == "send"


# -- 13: headers, cookies, the image -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/pathways", "/pathways/points", "/nqf", "/fce/apply", "/fce/status", "/verify", "/privacy"]
)
def test_every_html_page_has_a_csp_with_frame_ancestors(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "ws:" not in policy and "wss:" not in policy  # no connection to any host but ours
    assert response.headers["x-frame-options"] == "DENY"


def test_console_policy_connects_only_to_its_own_origin(client: TestClient) -> None:
    policy = client.get("/console/login").headers["content-security-policy"]
    assert "connect-src 'self'" in policy and "ws:" not in policy and "frame-ancestors 'none'" in policy


def test_json_responses_are_left_alone(client: TestClient) -> None:
    assert "content-security-policy" not in client.get("/api/v1/fce/countries").headers


def test_non_ascii_session_cookie_is_401_not_500(client: TestClient) -> None:
    for value in ("caf\xe9.sig", "e30.\xe9\xe9", "\xff"):
        response = client.get("/api/v1/advisor/queue", headers={"Cookie": f"kk_session={value}".encode("latin-1")})
        assert response.status_code == 401, value
    console = client.get("/console", headers={"Cookie": b"kk_session=\xe9.\xe9"}, follow_redirects=False)
    assert console.status_code < 500


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    from api.core.config import REPO_ROOT

    ignored = {line.strip() for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()}
    assert {"var/", ".env", ".venv/", ".venv-rasa/", ".git/"} <= ignored


# -- 6: lockout abuse ---------------------------------------------------------------------------------


def test_references_are_random_not_sequential(client: TestClient, fce: Fce) -> None:
    import re

    references = [create(client)["reference"] for _ in range(4)]
    numbers = [int(re.fullmatch(r"FCE-\d{4}-(\d{8})", ref).group(1)) for ref in references]  # type: ignore[union-attr]
    assert len(set(numbers)) == 4
    steps = {b - a for a, b in itertools.pairwise(numbers)}
    assert steps != {1}  # consecutive cases do not count up


def test_wrong_codes_lock_out_only_the_client_that_sent_them(client: TestClient, fce: Fce) -> None:
    case = create(client)
    url = f"/api/v1/fce/cases/{case['reference']}"
    for _ in range(10):
        assert client.get(url, headers={"X-Access-Code": "AAAA-BBBB-CCCC"}).status_code == 404
    assert client.get(url, headers={"X-Access-Code": case["access_code"]}).status_code == 429
    # The applicant, from anywhere else, still gets in: the guesser locked only themselves out.
    case_id, _language = fce.cases.authenticate(case["reference"], case["access_code"], client="203.0.113.7")
    assert case_id > 0


def test_lockouts_back_off(client: TestClient, fce: Fce) -> None:
    """Every further ten failures within a day lock twice as long (1 h, then 2 h, …)."""
    from datetime import timedelta

    from api.fce import guards
    from api.fce.service import CaseNotFound, CaseService

    now = [ago(0)]
    cases = CaseService(fce.cases.db, fce.settings, clock=lambda: now[0])
    reference = create(client)["reference"]

    def ten_wrong() -> None:
        for _ in range(10):
            with pytest.raises(CaseNotFound):
                cases.authenticate(reference, "AAAA-BBBB-CCCC", client="198.51.100.1")

    ten_wrong()
    with pytest.raises(guards.Limited) as first:
        cases.authenticate(reference, "AAAA-BBBB-CCCC", client="198.51.100.1")
    assert 3500 <= first.value.retry_after <= 3600
    now[0] += timedelta(seconds=3601)
    ten_wrong()
    with pytest.raises(guards.Limited) as second:
        cases.authenticate(reference, "AAAA-BBBB-CCCC", client="198.51.100.1")
    assert 7100 <= second.value.retry_after <= 7200


# -- 9: body size -------------------------------------------------------------------------------------


def _chunks(total: int, size: int = 64 * 1024) -> Any:
    """A body without Content-Length (chunked): the server only learns its size by reading it."""
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


@pytest.mark.parametrize(
    "path",
    ["/api/v1/auth/login", "/api/v1/fce/cases", "/api/v1/widget/conversations", "/fce/status", "/api/v1/verify"],
)
def test_declared_oversize_body_is_413_on_every_route(client: TestClient, path: str) -> None:
    response = client.post(path, content=b"{}", headers={"Content-Length": str(50 * 1024 * 1024)})
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/fce/cases", "/api/v1/widget/conversations"])
def test_chunked_oversize_body_is_413(client: TestClient, path: str) -> None:
    response = client.post(path, content=_chunks(1024 * 1024), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_chunked_upload_is_cut_at_the_cap_and_nothing_is_stored(client: TestClient, fce: Fce) -> None:
    """A multipart upload without Content-Length ends with 413 and stores nothing (the middleware's
    count stops the read past one file's limit plus framing, before FastAPI spools the rest)."""
    import dataclasses

    from api.fce.config import FceSettings
    from api.fce.service import CaseService

    small = FceSettings(documents_dir=fce.settings.documents_dir, max_document_bytes=256 * 1024)
    app: Any = client.app
    app.state.services.fce = dataclasses.replace(fce, settings=small, cases=CaseService(fce.cases.db, small))
    case = create(client)
    boundary = "kkboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()

    def body() -> Any:
        yield head + PDF
        yield from _chunks(2 * 1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        f"/api/v1/fce/cases/{case['reference']}/documents",
        content=body(),
        headers={"X-Access-Code": case["access_code"], "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert not small.documents_dir.exists() or list(small.documents_dir.iterdir()) == []


def test_bodies_under_the_cap_still_work(client: TestClient, fce: Fce) -> None:
    case = create(client)  # a JSON application, well under 64 KiB
    assert _upload(client, case, "diploma.pdf", PDF + b"0" * (2 * 1024 * 1024)).status_code == 201
