"""The page of Nghị định 30/2020: A4, margins, page numbers, the shipped font, long tables."""

import datetime as dt
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from exports.pdf import layout
from exports.pdf.layout import (
    DocumentMeta,
    build_pdf,
    columns,
    data_table,
    para,
    place_and_date,
)

from .conftest import one_line, pdf_fonts, pdf_pages, pdf_text, pdf_words, save_for_review

HEADER = ["TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"]


def long_pdf(rows: int) -> bytes:
    meta = DocumentMeta(title="Phụ lục", landscape=True, filters=["Đơn vị: Công an tỉnh"])
    data = [
        [n, f"Nhiệm vụ số {n}: kiểm tra, kiểm soát hàng hóa nhập lậu", "Công an tỉnh", "31/12/2024"]
        for n in range(1, rows + 1)
    ]
    table = data_table(HEADER, data, columns(meta, [8, 60, 20, 12]))
    return build_pdf([para("Phụ lục", "title"), table], meta)


def test_a_5000_row_table_spans_pages_with_the_header_on_each():
    data = long_pdf(5000)
    save_for_review("long_table.pdf", data)
    pages = pdf_pages(data)
    assert len(pages) > 50
    for number, page in enumerate(pages, start=1):
        assert "Nội dung nhiệm vụ" in page and "Đơn vị chủ trì" in page, number
    rows = re.findall(r"Nhiệm vụ số (\d+):", pdf_text(data))
    assert [int(n) for n in rows] == list(range(1, 5001))  # every row once, in order


def test_page_numbers_are_centred_at_the_top_from_page_two():
    data = long_pdf(60)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points

    def top_text(page: int) -> str:
        return " ".join(w.text for w in pdf_words(data, page) if w.y < 60)

    assert top_text(1) == ""
    assert top_text(2) == "2"
    assert top_text(3) == "3"


def test_portrait_pages_are_a4_with_the_decrees_margins():
    data = build_pdf([para("Nội dung")], DocumentMeta(title="Thử"))
    reader = PdfReader(io.BytesIO(data))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    # the body's first line starts 30 mm from the left edge (+ the paragraph's 10 mm indent)
    x_min = min(pdf_words(data), key=lambda word: word.y).x  # the topmost run, in points
    assert abs(x_min - 30 * 72 / 25.4 - 10 * 72 / 25.4) < 2  # 30 mm margin + 10 mm indent


def test_vietnamese_text_comes_out_exactly_and_in_nfc():
    nfd = unicodedata.normalize("NFD", "Quốc hiệu, Tiêu ngữ: Ỷ ỹ Ự ự ẫ Đ đ ơ ư – Thường trực")
    text = pdf_text(build_pdf([para(nfd)], DocumentMeta(title="Thử")))
    assert "Quốc hiệu, Tiêu ngữ: Ỷ ỹ Ự ự ẫ Đ đ ơ ư – Thường trực" in text
    assert text == unicodedata.normalize("NFC", text)


def test_font_is_embedded_from_the_repository():
    data = build_pdf([para("Ban Chỉ đạo")], DocumentMeta(title="Thử"))
    fonts = pdf_fonts(data)
    assert any("LiberationSerif" in name for name in fonts), fonts
    assert all(fonts.values()), fonts  # every font embedded, none left to the reader's machine


@pytest.mark.vietnamese  # as every builder runs it (labels.in_vietnamese)
def test_generation_date_and_filters_are_printed():
    meta = DocumentMeta(title="Thử", filters=["Đơn vị: Công an tỉnh Kiên Giang"])
    from exports.pdf.layout import report_heading

    flat = one_line(
        pdf_text(build_pdf(report_heading("Ban Chỉ đạo 389", "TIÊU ĐỀ", "", meta), meta))
    )
    assert "Điều kiện lọc: Đơn vị: Công an tỉnh Kiên Giang" in flat
    assert "Đôn đốc 389 – tạo lúc" in flat


def test_place_and_date_line_follows_the_decree():
    assert place_and_date("Hà Nội", dt.date(2025, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2025"
    assert (
        place_and_date("Kiên Giang", dt.date(2020, 10, 7))
        == "Kiên Giang, ngày 07 tháng 10 năm 2020"
    )
    assert (
        place_and_date("Hải Phòng", dt.date(2023, 4, 25)) == "Hải Phòng, ngày 25 tháng 4 năm 2023"
    )


def test_a_row_taller_than_a_page_is_cut_with_the_header_repeated():
    meta = DocumentMeta(title="Thử", landscape=True)
    huge = "Nội dung rất dài. " * 600
    table = data_table(
        HEADER, [[1, huge, "Công an tỉnh", "31/12/2024"]], columns(meta, [8, 60, 20, 12])
    )
    pages = pdf_pages(build_pdf([table], meta))
    assert len(pages) >= 2
    assert all("Nội dung nhiệm vụ" in page for page in pages)


def _page_streams(data: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_tables_lines_are_drawn_as_reportlabs_text_object_draws_them(monkeypatch):
    """The document's canvas turns each line of a table into PDF once (`table_line`) and draws
    a line met again from what it kept, starting over every few lines here: the pages are what
    reportlab's own textLine draws, byte for byte, through the font subsets' switches (a subset
    holds 256 characters; these rows use more) and the bold total row."""
    monkeypatch.setattr(layout, "KEPT_LINES", 5)  # so that it starts again, often
    letters = "".join(chr(c) for c in range(0x1EA0, 0x1EFA)) + "ĐđƠơƯư" + "àáâãèéêìíòóôõùúýăĩũ"
    meta = DocumentMeta(title="Thử", landscape=True, generated_at=dt.datetime(2024, 5, 6, 9, 30))

    def pdf() -> bytes:
        rows = [
            [
                n,
                f"{letters[n % len(letters) :]} {n} {letters[: n % 40]}",
                "Công an tỉnh",
                "Đang thực hiện",
            ]
            for n in range(1, 400)
        ]
        table = data_table(
            HEADER,
            rows,
            columns(meta, [8, 60, 20, 12]),
            align=["CENTER", "LEFT", "LEFT", "RIGHT"],
            total_row=["", "Tổng cộng", "Ưu tiên", "399"],
        )
        return build_pdf([table], meta)

    kept = _page_streams(pdf())

    def reportlabs(self, text, font_name, line, anchor, y, align):
        x = anchor
        if align == "RIGHT":
            x -= stringWidth(line, font_name, text._fontsize)
        elif align == "CENTER":
            x -= 0.5 * stringWidth(line, font_name, text._fontsize)
        text.setTextOrigin(x, y)
        text.textLine(line)

    monkeypatch.setattr(layout._DocumentCanvas, "table_line", reportlabs)
    assert kept == _page_streams(pdf())
    assert len(kept) > 3


def test_a_long_table_drawn_a_second_time_says_it_is_drawn_once():
    meta = DocumentMeta(title="Thử")
    table = data_table(
        HEADER, [[1, "Nhiệm vụ", "Công an tỉnh", "31/12/2024"]], columns(meta, [8, 60, 20, 12])
    )
    build_pdf([table], meta)
    with pytest.raises(RuntimeError, match="drawn once"):
        build_pdf([table], meta)
