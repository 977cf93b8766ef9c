"""The consolidated periodic report, and periodic reports on an agency's scorecard."""

import datetime as dt
import re

import pytest
import time_machine

from exports.pdf.consolidated import build_consolidated
from exports.pdf.queries import ReportFilters
from exports.pdf.scorecard import build_scorecard
from reporting.models import ReportingObligation, ReportSubmission
from reporting.services import create_due_submissions, submit_periodic_report

from .conftest import VN, assert_nfc, one_line, pdf_text, save_for_review

AS_OF = dt.datetime(2020, 10, 7, 9, 0, tzinfo=VN)


def figures(cases, admin, goods, budget, criminal, defendants):
    return {
        "cases_detected": cases,
        "admin_cases": admin,
        "goods_value": goods,
        "budget_collected": budget,
        "criminal_cases": criminal,
        "defendants": defendants,
    }


@pytest.fixture
def quarterly(committee, police, border_guard, officer):
    """Quarterly 389 reports: the police reported Q3 2019 and, on time, Q3 2020; the border
    guard never reported."""
    obligation = ReportingObligation.objects.create(
        committee=committee,
        name="Báo cáo quý công tác 389",
        frequency="quarter",
        starts_on=dt.date(2019, 9, 1),
    )
    with time_machine.travel(dt.datetime(2020, 9, 16, 9, 0, tzinfo=VN), tick=False):
        create_due_submissions()
        q3_2019 = ReportSubmission.objects.get(agency=police, period__year=2019, period__index=3)
        submit_periodic_report(
            q3_2019, by=officer, figures=figures(1069, 1182, 14_730_000_000, 55_074_000_000, 22, 30)
        )
        q3_2020 = ReportSubmission.objects.get(agency=police, period__year=2020, period__index=3)
        submit_periodic_report(
            q3_2020, by=officer, figures=figures(1027, 944, 48_167_000_000, 76_443_000_000, 21, 26)
        )
    return obligation


def test_consolidated_report_gives_totals_year_on_year_and_each_agency(committee, quarterly):
    data = build_consolidated(
        ReportFilters(
            committee=committee,
            date_from=dt.date(2020, 7, 1),
            date_to=dt.date(2020, 9, 30),
            now=AS_OF,
        )
    )
    save_for_review("consolidated.pdf", data)
    text = pdf_text(data)
    assert_nfc(text)
    flat = one_line(text)
    assert "Báo cáo quý công tác 389" in flat
    assert "số liệu từ ngày 15/06/2020 đến ngày 14/09/2020" in flat
    assert re.search(r"Số vụ vi phạm phát hiện \(vụ\) 1\.027 1\.069 -42 -3,9", flat)
    assert re.search(r"Thu nộp ngân sách \(tỷ đồng\) 76,443 55,074 \+21,369 \+38,8", flat)
    # per agency: the police on time with its figures, the border guard missing
    flat = one_line(pdf_text(data, layout=True))
    assert re.search(r"Công an tỉnh Kiên Giang Đúng hạn 1\.027 944 48,167 76,443 21 26", flat)
    assert re.search(r"Bộ Chỉ huy Bộ đội [^–]*Chưa gửi – – – – – –", flat)


def test_scorecard_counts_periodic_reports_on_time(committee, quarterly, police, border_guard):
    period = {"date_from": dt.date(2020, 7, 1), "date_to": dt.date(2020, 12, 31), "now": AS_OF}
    flat = one_line(
        pdf_text(build_scorecard(ReportFilters(committee=committee, agency=police, **period)))
    )
    assert re.search(r"Số kỳ báo cáo phải nộp 1 Báo cáo định kỳ đúng hạn 1 Nộp muộn 0", flat)
    flat = one_line(
        pdf_text(build_scorecard(ReportFilters(committee=committee, agency=border_guard, **period)))
    )
    assert re.search(r"Báo cáo định kỳ đúng hạn 0 Nộp muộn 0 Chưa nộp \(quá hạn\) 1", flat)


def test_report_submissions_export(committee, quarterly, police):
    import io

    from openpyxl import load_workbook

    from exports.spreadsheets import write_xlsx

    out = io.BytesIO()
    write_xlsx("reports", ReportFilters(committee=committee, agency=police, now=AS_OF), out)
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("Chế độ báo cáo", "Kỳ báo cáo", "Đơn vị", "Hạn nộp")
    on_time = [r for r in rows[1:] if r[6] == "Đúng hạn"]
    assert len(on_time) == 1 and on_time[0][4] == dt.datetime(2020, 9, 16, 9, 0)
    assert isinstance(on_time[0][3], dt.datetime)
