"""An agency's scorecard for a period."""

import datetime as dt
import io
import re

from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.pdfbase.pdfmetrics import stringWidth

from exports.pdf.layout import CELL_PADDING, FONT, TABLE_SIZE
from exports.pdf.scorecard import build_scorecard

from .conftest import add_open_tasks, assert_nfc, one_line, pdf_text, save_for_review


def test_scorecard_shows_the_agencys_tasks_rate_and_days_late(scene, filters, border_guard):
    data = build_scorecard(
        filters(agency=border_guard, date_from=dt.date(2020, 10, 1), date_to=dt.date(2020, 12, 31))
    )
    save_for_review("scorecard.pdf", data)
    text = pdf_text(data)
    assert_nfc(text)
    flat = one_line(text)
    assert "BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG TỈNH KIÊN GIANG" in flat
    assert "từ ngày 01/10/2020 đến ngày 31/12/2020" in flat
    assert re.search(r"Tổng số 2 Hoàn thành đúng hạn 1 Hoàn thành quá hạn 1", flat)
    assert re.search(r"Tỷ lệ đúng hạn \(%\) 50,0 Tổng số ngày chậm 19", flat)
    assert "Lắp đặt camera" in flat
    # the police's task, where the border guard only co-ordinates, is not its own
    assert "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam" not in flat


def test_scorecard_period_filters_tasks_by_deadline(scene, filters, police):
    flat = one_line(
        pdf_text(
            build_scorecard(
                filters(agency=police, date_from=dt.date(2021, 1, 1), date_to=dt.date(2021, 3, 31))
            )
        )
    )
    assert "Đấu tranh với tội phạm buôn lậu xăng dầu trên biển" in flat
    assert "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam" not in flat


def test_scorecard_of_an_agency_without_tasks_says_so(committee, filters, police):
    flat = one_line(pdf_text(build_scorecard(filters(agency=police))))
    assert "Không có nhiệm vụ nào phù hợp với điều kiện lọc." in flat
    assert "Tổng số 0" in flat


def test_a_long_scorecards_row_numbers_stay_inside_their_column(scene, filters, police):
    """Row 1,000 and on: the numbers column of a portrait page held three digits, and the
    fourth ran over its border into the directive's number."""
    add_open_tasks(scene, police, 1000)
    data = build_scorecard(filters(agency=police))
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:  # each line's start as the page draws it: (x, y, text)
        lines, origin = [], (0.0, 0.0)
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tm":
                origin = (float(operands[4]), float(operands[5]))
            elif operator == b"Tj":
                lines.append((*origin, bytes(operands[0].original_bytes)))
        # row 1001's number (digits are written as they are), in the table's first column
        number = next((line for line in lines if line[2] == b"1001" and line[0] < 50), None)
        if number is not None:
            break
    x, y, _ = number
    # the next text on the row starts the directive's column, after its padding
    directive_x = min(line[0] for line in lines if line[1] == y and line[0] > x)
    assert x + stringWidth("1001", FONT, TABLE_SIZE) <= directive_x - 2 * CELL_PADDING
