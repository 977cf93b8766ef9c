"""The chair's overdue audit."""

import datetime as dt
import re

from exports.pdf.overdue import build_overdue_audit

from .conftest import assert_nfc, one_line, pdf_text, save_for_review


def test_overdue_audit_gives_the_four_figures_and_lists_overdue_tasks_by_agency(scene, filters):
    data = build_overdue_audit(filters())
    save_for_review("overdue.pdf", data)
    text = pdf_text(data)
    assert_nfc(text)
    flat = one_line(text)
    assert "Công an tỉnh Kiên Giang" in flat
    # police: 2 tasks: 0 done on time, 0 late, 1 open on time, 1 overdue, rate 0,0
    assert re.search(r"Công an tỉnh Kiên Giang 2 0 0 1 1 0,0", flat)
    # border guard: 2 tasks, 1 done on time, 1 late: 50,0 %
    assert re.search(r"Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang 2 1 1 0 0 50,0", flat)
    assert re.search(r"Tổng cộng 4 1 1 1 1 33,3", flat)
    assert "1. Công an tỉnh Kiên Giang (1 nhiệm vụ quá hạn)" in flat
    assert "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam" in flat
    assert "Lắp đặt camera" not in flat.split("II. DANH SÁCH")[1]  # done late is not overdue


def test_overdue_tasks_are_sorted_most_overdue_first(scene, filters, make_task, police):
    make_task(title="Nhiệm vụ quá hạn lâu nhất", deadline=dt.date(2020, 10, 30))
    flat = one_line(pdf_text(build_overdue_audit(filters())))
    listing = flat.split("II. DANH SÁCH")[1]
    assert listing.index("Nhiệm vụ quá hạn lâu nhất") < listing.index("Kiểm tra hàng nhập lậu")
    assert "(2 nhiệm vụ quá hạn)" in listing


def test_no_overdue_task_gives_a_pdf_that_says_so(committee, filters):
    text = one_line(pdf_text(build_overdue_audit(filters())))
    assert "Không có nhiệm vụ nào quá hạn." in text
    assert "Không có nhiệm vụ nào phù hợp với điều kiện lọc." in text
