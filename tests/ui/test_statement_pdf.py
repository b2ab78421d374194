"""Issue #18, point 12: the statement is a document an employer trusts at a glance. Rasterised with
pdftoppm and read with pdftotext: page count, nothing in the margins, the key fields on page 1
(letterhead with the issuer's address and contact, reference, applicant, evaluator, result), page
numbers, remarks printed once, and Japanese lines that never break inside a term.
The pages are kept as var/screenshots/12-statement-page-<n>.png."""

from __future__ import annotations

import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import httpx
from PIL import Image

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs, language_name
from tests.browser_support import SCREENSHOTS
from tests.fce.conftest import evaluation
from tests.ui.conftest import Site

CATALOGS = Catalogs(REPO_ROOT / "locales")
DPI = 72
MM = DPI / 25.4
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def squeeze(text: str) -> str:
    """Without spaces: pdftotext's layout spaces out columns; what matters is what is printed."""
    return "".join(text.split())


def footer_words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """The words of the page number, right of the page's middle in its last 14 mm: (left, right, text) in
    points, from pdftotext's bounding boxes."""
    html = run("/usr/bin/pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-")
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    assert size, html[:200]
    width, height = float(size.group(1)), float(size.group(2))
    words = [
        (float(x0), float(x1), text)
        for x0, y0, x1, text in WORD.findall(html)
        if float(y0) > height - 14 * 72 / 25.4 and float(x0) > width / 2
    ]
    return sorted(words)


def run(*command: str) -> str:
    done = subprocess.run(list(command), capture_output=True, text=True, check=True)  # noqa: S603 - poppler-utils
    return done.stdout


def test_12_statement_letterhead_fields_pages_and_margins(site: Site, tmp_path: Path) -> None:
    got = httpx.get(
        f"{site.url}/api/v1/fce/cases/{site.reference}/statement",
        headers={"X-Access-Code": site.access_code},
        timeout=120,
    )
    assert got.status_code == 200, got.text
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(got.content)

    pages = int(next(line for line in run("/usr/bin/pdfinfo", str(pdf)).splitlines() if line.startswith("Pages:"))[6:])
    assert pages == 2  # Japanese, then the applicant's Vietnamese: one page each

    first = run("/usr/bin/pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-")
    for expected in (
        "Kakehashi 架け橋",
        "Tokyo, Japan",
        "/fce/status",  # the contact: the public status page
        CATALOGS.gettext("fce.statement.issuer_service", "ja"),
        site.reference,
        "Nguyễn Văn An",
        CATALOGS.gettext("fce.statement.evaluator", "ja"),
        "Eva Sato",
        CATALOGS.gettext("fce.jp.gakushi", "ja"),
        CATALOGS.gettext("fce.statement.levels_value", "ja", isced=6, jqf=6),
        CATALOGS.gettext("fce.statement.page", "ja", page=1, pages=2),
    ):
        assert squeeze(expected) in squeeze(first), expected
    second = run("/usr/bin/pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-")
    assert squeeze(CATALOGS.gettext("fce.statement.page", "vi", page=2, pages=2)) in squeeze(second)
    # The evaluator's remarks once, as written, in the applicant's section; Japanese points to them.
    everything = run("/usr/bin/pdftotext", str(pdf), "-")
    remarks = squeeze(evaluation()["remarks"])
    assert squeeze(everything).count(remarks) == 1 and remarks in squeeze(second)
    # A Japanese term is never split across lines (the disclaimer names the agency).
    assert "出入国在留管理庁" in first
    # The Japanese section names the other section's language in Japanese (ベトナム語), not as "Tiếng Việt".
    assert language_name("vi", "ja") == "ベトナム語" and "ベトナム語" in first and "Tiếng Việt" not in first
    # The footer's words sit a space apart: no room kept inside "1 / 2 ページ" for a longer page count.
    for number in range(1, pages + 1):
        footer = footer_words(pdf, number)
        gaps = [round(b[0] - a[1], 1) for a, b in pairwise(footer)]
        assert footer and max(gaps, default=0) < 4, (number, footer, gaps)

    run("/usr/bin/pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp_path / "page"))
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == pages
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for number, png in enumerate(images, start=1):
        shutil.copy(png, SCREENSHOTS / f"12-statement-page-{number}.png")
        image = Image.open(png).convert("L")
        width, height = image.size
        # Nothing drawn within 15 mm of the left or right edge, or 6 mm of the top or bottom.
        for box in (
            (0, 0, int(15 * MM), height),
            (width - int(15 * MM), 0, width, height),
            (0, 0, width, int(6 * MM)),
            (0, height - int(6 * MM), width, height),
        ):
            darkest, _ = image.crop(box).getextrema()
            assert darkest > 200, (png.name, box, darkest)
