"""A short paragraph that lands on a page break used to crash the PDF (reportlab's split()
deleted the broken lines that our wrap cache still pointed at)."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer

from exports.pdf.layout import para
from fixtures.demo import load_demo


def test_a_short_paragraph_at_the_foot_of_a_page_moves_to_the_next():
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4)
    filler = doc.height - 12 - 8  # the frame pads 6 pt a side: under a line is left
    story = [Spacer(1, filler), para("Ngắn"), para("Một đoạn ngắn nữa")]
    para_first = story[1]
    para_first.wrap(doc.width, doc.height)  # measured once (as a table cell would be)
    doc.build(story)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages)
    assert "Ngắn" in text and "Một đoạn ngắn nữa" in text


@pytest.mark.django_db
def test_the_overdue_report_of_directive_381_builds(tmp_path, settings):
    """The document that failed: `make_pdf overdue --committee bcd389-qg --directive
    381/TB-VPCP` after `load_demo`."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    out = tmp_path / "qua-han.pdf"
    call_command(
        "make_pdf",
        "overdue",
        "--committee",
        "bcd389-qg",
        "--directive",
        "381/TB-VPCP",
        "--out",
        str(out),
    )
    reader = PdfReader(str(out))
    assert len(reader.pages) >= 2
    assert "381/TB-VPCP" in "".join(page.extract_text() for page in reader.pages)
