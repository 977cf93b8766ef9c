"""Files the reading tests build for themselves: a seed directive as a PDF with a text layer
(reportlab), as a .docx (python-docx), and as a scanner gives it (page images, and a PDF of
them with no text). The e-government tests use them too (tests/egov/conftest.py)."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pypdfium2
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from exports.pdf.layout import FONT

# Seed 003 of /work/shared/seeds (Kiên Giang's Thông báo of 7/10/2020), as the repository keeps
# it for the breakdown tests, with the engine's expected tasks beside it.
SEED_003 = (
    Path(__file__).resolve().parent.parent / "breakdown" / "samples" / "seed_003_kg_tb_ket_luan.txt"
)


def seed_text() -> str:
    return SEED_003.read_text(encoding="utf-8")


def pdf_of(text: str) -> bytes:
    """The text as a PDF with a text layer, one paragraph per line, in Times-like 13 pt."""
    out = io.BytesIO()
    style = ParagraphStyle("body", fontName=FONT, fontSize=13, leading=17, spaceAfter=4)
    story = [Paragraph(escape(line) or "&nbsp;", style) for line in text.splitlines()]
    SimpleDocTemplate(
        out, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm
    ).build(story)
    return out.getvalue()


def docx_of(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def scan_of(text: str, dpi: int = 300) -> tuple[list, bytes]:
    """The text as a scanner gives it: page images, and a PDF of those images (no text)."""
    document = pypdfium2.PdfDocument(pdf_of(text))
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    document.close()
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return images, out.getvalue()
