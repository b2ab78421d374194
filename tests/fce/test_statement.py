"""The statement PDF: Japanese plus the applicant's language, real glyphs (Noto embedded), and who may download it."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from fastapi.testclient import TestClient
from pypdf.generic import ContentStream

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from api.fce import fonts
from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.feature import Fce
from api.fce.service import CaseService
from api.fce.statement import Difference, Finding, StatementContent, UncoveredText, render
from tests.fce.conftest import application, create, evaluated, evaluation, move, to_evaluation

CATALOGS = Catalogs(REPO_ROOT / "locales")
NEPALI_CREDENTIAL = {**application()["credentials"][0], "country": "NP", "credential_id": "np_bachelor"}


def pdf_text(data: bytes) -> tuple[str, list[str], int]:
    """The PDF's text without white space, its font names and page count.

    Text is decoded the way a viewer does for copy and search: each 2-byte glyph code through its
    font's ToUnicode map. (pypdf's own extract_text misreads the CJK font, whose /Encoding is an
    embedded CMap, and inserts spaces at Devanagari viramas, so it cannot tell a good PDF from a bad one.)
    """
    reader = pypdf.PdfReader(io.BytesIO(data))
    text: list[str] = []
    names = set()
    for page in reader.pages:
        maps = {}
        for name, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
            maps[name] = to_unicode(font["/ToUnicode"].get_object().get_data().decode("latin-1"))
        table: dict[int, str] = {}
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                table = maps[operands[0]]
            elif operator in (b"Tj", b"TJ"):
                for item in operands[0] if operator == b"TJ" else [operands[0]]:
                    if isinstance(item, str | bytes):
                        raw = getattr(item, "original_bytes", None) or bytes(item)  # type: ignore[arg-type]
                        text.extend(table.get(int.from_bytes(raw[i : i + 2], "big"), "") for i in range(0, len(raw), 2))
    return re.sub(r"\s+", "", "".join(text)), sorted(names), len(reader.pages)


def to_unicode(cmap: str) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(source, 16)] = bytes.fromhex(target).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = chr(int(target, 16) + offset)
    return table


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def statement(client: TestClient, case: dict[str, Any], code: str | None = None) -> Any:
    return client.get(
        f"/api/v1/fce/cases/{case['reference']}/statement", headers={"X-Access-Code": code or case["access_code"]}
    )


def test_nepali_applicant_gets_japanese_and_nepali(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = evaluated(client, evaluator, credentials=[NEPALI_CREDENTIAL], preferred_language="ne", name="राम बहादुर थापा")
    response = statement(client, case)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert f"{case['reference']}-statement.pdf" in response.headers["content-disposition"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    text, names, pages = pdf_text(response.content)
    for expected in [
        "外国学歴評価書",  # ja title
        CATALOGS.gettext("fce.statement.title", "ne"),
        CATALOGS.gettext("fce.jp.gakushi", "ja"),
        CATALOGS.gettext("fce.jp.gakushi", "ne"),
        CATALOGS.gettext("fce.statement.disclaimer", "ne")[:40],
        "राम बहादुर थापा",
        case["reference"],
        "No graduation thesis",  # the evaluator's own words, as written
        "The programme ends without a research project.",
    ]:
        assert squash(expected) in text, expected
    assert CATALOGS.gettext("fce.statement.title", "en") not in text
    assert {"NotoSansCJKJP", "NotoSansDevanagari"} <= {n.replace("-Bold", "").replace("Bold", "") for n in names}
    assert pages == 2


def test_japanese_applicant_gets_one_language(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = evaluated(client, evaluator, preferred_language="ja")
    text, _names, pages = pdf_text(statement(client, case).content)
    assert pages == 1
    assert text.count("外国学歴評価書") == 1
    assert "Nguyễn" in text  # Vietnamese letters drawn by the Latin face inside the Japanese section


def test_vietnamese_statement_and_stable_bytes(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = evaluated(client, evaluator)
    first = statement(client, case)
    second = client.get(f"/api/v1/evaluator/cases/{case['reference']}/statement", headers=evaluator["headers"])
    assert second.status_code == 200 and second.content == first.content  # issued once, kept as issued
    assert second.headers["content-disposition"].startswith("attachment;")
    assert second.headers["x-content-type-options"] == "nosniff"
    text, _names, _pages = pdf_text(first.content)
    assert squash(CATALOGS.gettext("fce.statement.title", "vi")) in text
    assert squash(CATALOGS.gettext("fce.statement.no_differences", "vi")) not in text
    assert squash("Nguyễn Văn An") in text
    file = client.get(f"/api/v1/evaluator/cases/{case['reference']}", headers=evaluator["headers"]).json()
    assert file["statement"]["issued"] is True


def test_applicant_download_refusals(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    not_ready = statement(client, case)
    assert not_ready.status_code == 409
    assert not_ready.json()["detail"] == CATALOGS.gettext("fce.statement.not_ready", "vi")  # the case's language
    wrong = statement(client, case, code="AAAA-AAAA-AAAA")
    unknown = client.get("/api/v1/fce/cases/FCE-2020-999999/statement", headers={"X-Access-Code": "AAAA-AAAA-AAAA"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert client.get(f"/api/v1/fce/cases/{case['reference']}/statement").status_code == 422  # no code header


def test_wrong_codes_on_the_statement_count_towards_the_lockout(
    client: TestClient, fce: Fce, evaluator: dict[str, Any], tmp_path: Path
) -> None:
    case = evaluated(client, evaluator)
    settings = FceSettings(documents_dir=tmp_path / "docs", lockout_failures=3)
    app: Any = client.app
    app.state.services.fce = dataclasses.replace(
        app.state.services.fce, settings=settings, data=fce.data, cases=CaseService(app.state.services.db, settings)
    )
    for _ in range(2):
        assert statement(client, case, code="AAAA-AAAA-AAAA").status_code == 404
    # The status lookup and the statement share one count per reference.
    status = client.get(f"/api/v1/fce/cases/{case['reference']}", headers={"X-Access-Code": "BBBB-BBBB-BBBB"})
    assert status.status_code == 404
    locked = statement(client, case)
    assert locked.status_code == 429 and "Retry-After" in locked.headers


def test_missing_fonts_fail_clearly(client: TestClient, fce: Fce, evaluator: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(fonts.FontMissing, match="fonts-noto-cjk") as error:
        fonts.locate([tmp_path])
    assert "fonts-noto-core" in str(error.value) and "NotoSansDevanagari-Regular.ttf" in str(error.value)
    (tmp_path / "NotoSans-Regular.ttf").symlink_to(Path(fonts.DEFAULT_DIRS[1]) / "NotoSans-Regular.ttf")
    with pytest.raises(fonts.FontMissing) as partial:
        fonts.locate([tmp_path])
    assert "NotoSans-Regular.ttf" not in str(partial.value).split(" in ")[0]

    settings = FceSettings(documents_dir=tmp_path / "docs", font_dirs=(tmp_path,))
    app: Any = client.app
    app.state.services.fce = dataclasses.replace(
        app.state.services.fce,
        settings=settings,
        data=load_comparability(settings.comparability_dir),
        cases=CaseService(app.state.services.db, settings),
    )
    case = evaluated(client, evaluator)  # the transition succeeds; issuing the statement waits for the fonts
    staff_view = client.get(f"/api/v1/evaluator/cases/{case['reference']}/statement", headers=evaluator["headers"])
    assert staff_view.status_code == 503 and "apt-get install" in staff_view.json()["detail"]
    applicant_view = statement(client, case)
    assert applicant_view.status_code == 503
    assert applicant_view.json()["detail"] == CATALOGS.gettext("fce.statement.unavailable", "vi")


def _content(name: str, language: str) -> StatementContent:
    finding = Finding(
        country="NP",
        names=None,
        free_name="Bachelor of Engineering",
        institution="Tribhuvan University",
        field_of_study="Civil engineering",
        start_year=2015,
        end_year=None,
        japan_equivalent="gakushi",
        isced_level=6,
        jqf_level=6,
        field="Civil engineering",
        differences=(Difference("४ वर्ष", "कारण"),),
        remarks=None,
    )
    return StatementContent("FCE-2026-000001", name, language, datetime(2026, 11, 27, tzinfo=UTC), (finding,))


def test_text_no_font_can_draw_is_refused_not_printed_as_boxes() -> None:
    with pytest.raises(UncoveredText, match="U\\+0E2A"):
        render(_content("สมชาย ใจดี", "en"), CATALOGS)  # Thai: not in the three embedded families
    assert render(_content("Ana Conceição", "pt"), CATALOGS).startswith(b"%PDF-")


def test_rendering_is_deterministic_for_the_same_issue_time() -> None:
    assert render(_content("A", "ne"), CATALOGS) == render(_content("A", "ne"), CATALOGS)


def test_statement_download_is_audited(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    from sqlalchemy import select

    from api.auth.models import AuditEntry

    case = create(client)
    to_evaluation(client, evaluator, case["reference"])
    client.put(
        f"/api/v1/evaluator/cases/{case['reference']}/evaluation", json=evaluation(), headers=evaluator["headers"]
    )
    early = client.get(f"/api/v1/evaluator/cases/{case['reference']}/statement", headers=evaluator["headers"])
    assert early.status_code == 409
    move(client, evaluator, case["reference"], "evaluated")
    client.get(f"/api/v1/evaluator/cases/{case['reference']}/statement", headers=evaluator["headers"])
    with fce.cases.db.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("fce.%"))).all()
    assert actions.count("fce.statement_opened") == 1


def test_issue_date_is_japans(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    from sqlalchemy import delete, update

    from api.fce.models import FceCase, FceStatement

    case = evaluated(client, evaluator, preferred_language="ja")
    late_evening_utc = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)  # already 28 November in Tokyo
    with fce.cases.db.session() as session:
        session.execute(delete(FceStatement))
        session.execute(
            update(FceCase).where(FceCase.reference == case["reference"]).values(evaluated_at=late_evening_utc)
        )
    text, _names, _pages = pdf_text(statement(client, case).content)
    assert "2026年11月28日" in text and "2026年11月27日" not in text
