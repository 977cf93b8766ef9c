"""Every output has a door (issue 15): the pages link to the PDFs and spreadsheets, each link
opens its file, and the summary report says on the page why there is none yet."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from reporting import services as reporting
from tests.factories import ReportingObligationFactory, UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = pytest.mark.vietnamese


def downloads(page: str) -> dict[str, str]:
    """The page's download links: their words → their address."""
    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', page, re.S)
    found = {}
    for href, inner in links:
        inner = re.sub(r"<i [^>]*>.*?</i>", "", inner)  # an icon's ligature is not a word
        words = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        label = re.search(r'aria-label="([^"]+)"', inner) or re.search(
            rf'href="{re.escape(href)}"[^>]*aria-label="([^"]+)"', page
        )
        if "/documents/" in href:
            found[words or (label.group(1) if label else href)] = href.replace("&amp;", "&")
    return found


def opens(client, href: str, content_type: str) -> bytes:
    response = client.get(href)
    assert response.status_code == 200, (href, response.status_code)
    assert response["Content-Type"] == content_type, href
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_dashboard_opens_every_report_and_says_when_there_is_no_summary(
    client, make_task, secretariat, chair, police
):
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VN), tick=False):
        make_task()
    client.force_login(chair)
    page = client.get(reverse("dashboard:index")).content.decode()
    doors = downloads(page)
    assert "Báo cáo tổng hợp" not in doors
    assert "Báo cáo tổng hợp: chưa có chế độ báo cáo định kỳ nào" in page
    assert opens(client, doors["Nhiệm vụ quá hạn"], PDF).startswith(b"%PDF")
    opens(client, doors["Nhiệm vụ (Excel)"], XLSX)
    opens(client, doors["Kết quả theo đơn vị (Excel)"], XLSX)
    scorecard = [href for words, href in doors.items() if "Công an tỉnh" in words]
    assert scorecard, doors
    assert opens(client, scorecard[0], PDF).startswith(b"%PDF")

    ReportingObligationFactory(committee=chair.committee, starts_on=dt.date(2020, 1, 1))
    with time_machine.travel(dt.datetime(2020, 10, 20, 9, tzinfo=VN), tick=False):
        reporting.create_due_submissions()
    page = client.get(reverse("dashboard:index")).content.decode()
    assert opens(client, downloads(page)["Báo cáo tổng hợp"], PDF).startswith(b"%PDF")
    assert "chưa có chế độ báo cáo định kỳ nào" not in page


def test_the_agency_page_opens_its_own_results(client, make_task, committee, police):
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VN), tick=False):
        make_task()
    head = UserFactory(
        username="lanhdao.ca", role="agency_head", committee=committee, agency=police
    )
    client.force_login(head)
    doors = downloads(client.get(reverse("work:agency")).content.decode())
    assert opens(client, doors["Kết quả của đơn vị (PDF)"], PDF).startswith(b"%PDF")
    opens(client, doors["Kết quả của đơn vị (Excel)"], XLSX)


def test_the_register_and_the_reporting_pages_open_their_spreadsheets_and_pdf(
    client, make_task, committee, secretariat, police, border_guard
):
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VN), tick=False):
        make_task()
    client.force_login(secretariat)
    doors = downloads(client.get(reverse("directives:index")).content.decode())
    opens(client, doors["Văn bản chỉ đạo (Excel)"], XLSX)

    ReportingObligationFactory(committee=committee, starts_on=dt.date(2020, 1, 1))
    with time_machine.travel(dt.datetime(2020, 10, 20, 9, tzinfo=VN), tick=False):
        reporting.create_due_submissions()
    doors = downloads(client.get(reverse("reporting:list")).content.decode())
    opens(client, doors["Báo cáo định kỳ (Excel)"], XLSX)
    period = committee.reporting_obligations.get().periods.order_by("ends_on").first()
    page = client.get(reverse("reporting:consolidation", args=[period.pk])).content.decode()
    pdf = opens(client, downloads(page)["Báo cáo tổng hợp (PDF)"], PDF)
    assert pdf.startswith(b"%PDF")
    # Another committee's period is not found.
    response = client.get(reverse("exports:consolidated_pdf") + "?period=999999")
    assert response.status_code == 404
