"""The statement PDF carries its credentials: a QR code with the short verify URL, that URL in plain
text beside it, and each signed credential attached as a file (`<reference>-<n>.vc.jwt`).

Reading back (the verifier's PDF upload) takes the first attached `.jwt` file; pypdf parses.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

ATTACHMENT_SUFFIX = ".vc.jwt"


@dataclass(frozen=True)
class Seal:
    """One issued credential as the statement shows it."""

    verify_url: str
    token: str
    filename: str


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    # Error correction M and a 4-module quiet zone: readable from a phone photo of a printout.
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def draw_seals(pdf: FPDF, seals: tuple[Seal, ...], family: str, heading: str, hint: str) -> None:
    """A verification block: heading, hint and each credential's URL on the left, its QR (26 mm) on the
    right beside them, so the block costs no more height than its codes (one page per language)."""
    size, gap = 26.0, 4.0
    pdf.ln(2)
    if pdf.get_y() + size * len(seals) > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y()
    text_width = pdf.epw - size - gap
    for number, seal in enumerate(seals):
        x = pdf.l_margin + pdf.epw - size
        pdf.image(io.BytesIO(qr_png(seal.verify_url)), x=x, y=top + number * size, w=size, h=size)
    pdf.set_xy(pdf.l_margin, top)
    pdf.set_font(family, "B", 11)
    pdf.multi_cell(text_width, 6, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 8.5)
    pdf.multi_cell(text_width, 4.6, hint, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("latin", "", 10)
    for seal in seals:
        pdf.cell(text_width, 6, seal.verify_url, link=seal.verify_url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + size * len(seals)) + 2)


def attach(pdf: FPDF, seals: tuple[Seal, ...]) -> None:
    for seal in seals:
        pdf.embed_file(
            basename=seal.filename,
            bytes=seal.token.encode(),
            desc="W3C Verifiable Credential (vc+jwt), OpenBadgeCredential",
            compress=False,
        )


class NoAttachment(Exception):
    pass


def extract_token(data: bytes) -> str:
    """The first attached credential of a PDF; NoAttachment when there is none (or it is not a PDF)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        attachments = reader.attachments
        for name in sorted(attachments):
            if name.endswith(".jwt"):
                for content in attachments[name]:
                    return content.decode("ascii").strip()
    except (PyPdfError, ValueError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise NoAttachment(type(error).__name__) from None
    raise NoAttachment("the PDF has no attached credential")
