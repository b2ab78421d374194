"""The evaluation statement: one PDF, in Japanese and then in the applicant's language (once if that is Japanese).

A document an employer can trust at a glance (issue #18): every page has the issuer's letterhead
(name, address, contact) and "page N of M" with the reference; the first page names the evaluator and
carries the result. The evaluator's remarks are printed once, as written, in the applicant's section
(the Japanese section points to them rather than repeating another language's text). Japanese lines
break only between phrases (after punctuation or where kana meets kanji/katakana/Latin), never inside
a term such as 出入国在留管理庁.

Built with fpdf2 and HarfBuzz shaping, so Devanagari conjuncts and vowel signs join correctly, with
Noto fonts embedded (subset) for Latin with Vietnamese marks, Devanagari and Japanese. Every fixed
string comes from the fce.po catalogs; the evaluator's own words (field, differences, remarks) are
printed as written, since they are the reasons the Tokyo Convention asks us to give.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from api.core.i18n import Catalogs, format_date, language_name
from api.fce import fonts
from api.fce import seal as records_pdf
from api.fce.countries import country_name

# Characters that are laid out but need no glyph of their own.
_NO_GLYPH = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


class UncoveredText(RuntimeError):
    """Some text has characters none of the embedded fonts can draw; printing it would show empty boxes."""


@dataclass(frozen=True)
class Difference:
    difference: str
    reason: str


@dataclass(frozen=True)
class Finding:
    """One credential as the applicant described it, and the evaluator's result for it."""

    country: str
    # The credential's name per language from the comparability data, or None for free text.
    names: dict[str, str] | None
    free_name: str | None
    institution: str
    field_of_study: str
    start_year: int
    end_year: int | None
    japan_equivalent: str
    isced_level: int
    jqf_level: int
    field: str
    differences: tuple[Difference, ...]
    remarks: str | None

    def name(self, language: str) -> str:
        if self.names is not None:
            return self.names.get(language) or self.names["en"]
        return self.free_name or ""


@dataclass(frozen=True)
class Issuer:
    """Who issues the statement, printed in every page's letterhead (FCE_ISSUER_* settings)."""

    name: str = "Kakehashi 架け橋"
    address: str = ""
    contact: str = ""


@dataclass(frozen=True)
class StatementContent:
    reference: str
    applicant_name: str
    language: str  # the applicant's
    issued_on: date | datetime
    findings: tuple[Finding, ...]
    # Signed credentials (api.fce.seal.Seal): a QR + URL per language section, attached once.
    seals: tuple[Any, ...] = ()
    evaluators: tuple[str, ...] = ()
    issuer: Issuer = Issuer()


def statement_languages(language: str) -> list[str]:
    return ["ja"] if language == "ja" else ["ja", language]


def render(content: StatementContent, catalogs: Catalogs, font_dirs: Sequence[Path] = fonts.DEFAULT_DIRS) -> bytes:
    """The PDF's bytes. Raises fonts.FontMissing or UncoveredText rather than print missing glyphs."""
    pdf = _Document(content, catalogs)
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_title(f"{catalogs.gettext('fce.statement.title', 'ja')} {content.reference}")
    pdf.set_author("Kakehashi")
    pdf.set_lang("ja")
    if isinstance(content.issued_on, datetime):
        # The issue time as creation date: rendering the same statement again gives the same document.
        pdf.set_creation_date(content.issued_on)
    for font, path in fonts.locate(font_dirs):
        pdf.add_font(font.family, font.style, str(path), collection_font_number=font.collection_index)
    pdf.set_text_shaping(True)
    sections = [
        (language, list(_lines(content, catalogs, language))) for language in statement_languages(content.language)
    ]
    _check_coverage(pdf, [text for _language, lines in sections for _kind, text in lines])
    for language, lines in sections:
        primary = fonts.PRIMARY_FAMILY[language]
        pdf.set_fallback_fonts([f for f in ("latin", "cjk", "devanagari") if f != primary], exact_match=False)
        pdf.language, pdf.family = language, primary
        pdf.add_page()
        for kind, text in lines:
            _draw(pdf, primary, kind, text)
        if content.seals:
            heading = catalogs.gettext("records.statement.heading", language)
            hint = catalogs.gettext("records.statement.hint", language)
            records_pdf.draw_seals(pdf, content.seals, primary, heading, hint)
    if content.seals:
        records_pdf.attach(pdf, content.seals)
    missing = {
        name: font.missing_glyphs
        for name, font in pdf.fonts.items()
        if isinstance(font, TTFFont) and font.missing_glyphs
    }
    if missing:
        raise UncoveredText(f"glyphs missing after shaping: {missing}")
    return bytes(pdf.output())


# -- content: (kind, text) lines per language ---------------------------------------------------------


def _lines(content: StatementContent, catalogs: Catalogs, language: str) -> Iterator[tuple[str, str]]:
    def t(key: str, **params: object) -> str:
        return catalogs.gettext(f"fce.statement.{key}", language, **params)

    yield "title", t("title")
    yield "subtitle", t("subtitle")
    yield "label", t("reference")
    yield "value", content.reference
    yield "label", t("applicant")
    yield "value", content.applicant_name
    yield "label", t("issued")
    yield "value", format_date(content.issued_on, language)
    if content.evaluators:
        yield "label", catalogs.gettext("fce.statement.evaluator", language)
        yield "value", ", ".join(content.evaluators)
    for number, finding in enumerate(content.findings, start=1):
        yield "heading", t("credential_heading", number=number)
        yield "label", t("credential")
        yield "value", finding.name(language)
        yield "label", t("institution")
        yield "value", finding.institution
        yield "label", t("country")
        yield "value", country_name(finding.country, language)
        yield "label", t("field_of_study")
        yield "value", finding.field_of_study
        yield "label", t("years")
        if finding.end_year is None:
            yield "value", t("years_ongoing", start=finding.start_year)
        else:
            yield "value", t("years_range", start=finding.start_year, end=finding.end_year)
        yield "label", t("comparable")
        yield "value", catalogs.gettext(f"fce.jp.{finding.japan_equivalent}", language)
        yield "label", t("levels")
        yield "value", t("levels_value", isced=finding.isced_level, jqf=finding.jqf_level)
        yield "label", t("field")
        yield "value", finding.field
        yield "label", t("differences")
        if not finding.differences:
            yield "value", t("no_differences")
        for item in finding.differences:
            yield "value", t("difference_item", difference=item.difference, reason=item.reason)
        if finding.remarks:
            # Printed once, as written, in the applicant's section; the Japanese section says where.
            yield "label", t("remarks")
            if language == content.language or len(statement_languages(content.language)) == 1:
                yield "value", finding.remarks
            else:
                name = language_name(content.language, language)
                yield "value", catalogs.gettext("fce.statement.remarks_elsewhere", language, section=name)
    yield "small", t("disclaimer")


def _check_coverage(pdf: FPDF, texts: list[str]) -> None:
    covered: set[int] = set()
    for font in pdf.fonts.values():
        covered.update(getattr(font, "cmap", {}))
    uncovered = sorted(
        {ch for text in texts for ch in text if unicodedata.category(ch) not in _NO_GLYPH and ord(ch) not in covered}
    )
    if uncovered:
        codes = " ".join(f"U+{ord(ch):04X}" for ch in uncovered[:10])
        raise UncoveredText(f"no statement font has these characters: {codes}; add a Noto font for their script")


# -- drawing --------------------------------------------------------------------------------------------

_STYLE = {
    # kind: (style, size pt, line height mm, space after mm)
    "title": ("B", 16, 8.0, 1.0),
    "subtitle": ("", 10, 5.5, 3.0),
    "heading": ("B", 12.5, 7.0, 1.5),
    "label": ("B", 9, 5.0, 0.0),
    "value": ("", 10.5, 5.4, 1.0),
    "small": ("", 8.5, 4.6, 0.0),
}


def _draw(pdf: FPDF, family: str, kind: str, text: str) -> None:
    style, size, height, after = _STYLE[kind]
    if kind == "heading":
        pdf.ln(3)
    if kind == "small":
        pdf.ln(4)
    pdf.set_font(family, style, size)
    if _CJK.search(text):
        for line in _wrap_phrases(pdf, text, pdf.epw):
            pdf.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    else:
        pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if after:
        pdf.ln(after)


# -- page furniture and Japanese line breaks ------------------------------------------------------------

MARGIN, TOP, BOTTOM = 18.0, 30.0, 20.0  # mm; the letterhead sits above TOP, the footer below BOTTOM
# The page count is known only when the document closes: fpdf2 keeps room for it as wide as its alias
# has characters ("{nb}": three digits), which left a gap inside "1 / 2 ページ". One character (a private
# use code point, never in a text: the coverage check refuses those) keeps room for one digit.
PAGES_ALIAS = "\ue000"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
_KANA = re.compile(r"[\u3040-\u309f]")
_CLOSING = "、。，．）」』】〕・：；！？)"


class _Document(FPDF):
    """A4 with the issuer's letterhead on top of every page and "reference · page N of M" below."""

    def __init__(self, content: StatementContent, catalogs: Catalogs) -> None:
        super().__init__(format="A4")
        self.alias_nb_pages(PAGES_ALIAS)
        self.content = content
        self.catalogs = catalogs
        self.language = "ja"  # the section being drawn
        self.family = fonts.PRIMARY_FAMILY["ja"]
        # Each page's language: a page's footer is drawn when the next page starts, maybe in another section.
        self.page_languages: dict[int, tuple[str, str]] = {}

    def header(self) -> None:
        self.page_languages[self.page_no()] = (self.language, self.family)
        issuer = self.content.issuer
        self.set_xy(MARGIN, 10)
        self.set_font(self.family, "B", 12)
        self.cell(0, 6, issuer.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(self.family, "", 8)
        service = self.catalogs.gettext("fce.statement.issuer_service", self.language)
        details = "  ·  ".join(part for part in (service, issuer.address, issuer.contact) if part)
        for line in _wrap_phrases(self, details, self.epw):
            self.cell(0, 4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(179, 36, 43)
        self.set_line_width(0.5)
        self.line(MARGIN, self.get_y() + 1.5, self.w - MARGIN, self.get_y() + 1.5)
        self.set_y(TOP)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_draw_color(180, 180, 180)
        self.set_line_width(0.2)
        self.line(MARGIN, self.get_y() - 1, self.w - MARGIN, self.get_y() - 1)
        language, family = self.page_languages.get(self.page_no(), (self.language, self.family))
        self.set_font(family, "", 8)
        page = self.catalogs.gettext("fce.statement.page", language, page=self.page_no(), pages=PAGES_ALIAS)
        self.cell(self.epw / 2, 5, self.content.reference, align="L")
        self.cell(self.epw / 2, 5, page, align="R")


def _phrases(text: str) -> list[str]:
    """Pieces a line may end after: spaces, closing punctuation, and kana followed by anything else
    (a particle before the next word). Runs of kanji, katakana or Latin are never split."""
    pieces: list[str] = []
    current = ""
    for index, char in enumerate(text):
        current += char
        following = text[index + 1] if index + 1 < len(text) else ""
        if not following:
            break
        if (
            char == " "
            or char in _CLOSING
            or (_KANA.match(char) and not _KANA.match(following) and following not in _CLOSING)
        ) and following not in _CLOSING:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def _wrap_phrases(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy lines of whole phrases; a phrase wider than a line is the only thing ever cut."""
    lines: list[str] = []
    line = ""
    for piece in _phrases(text):
        if pdf.get_string_width(line + piece) <= width:
            line += piece
            continue
        if line:
            lines.append(line.rstrip())
        line = piece.lstrip()
        while pdf.get_string_width(line) > width:
            cut = len(line)
            while cut > 1 and pdf.get_string_width(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines
