"""A small, realistic scene of tasks in every timeliness, and helpers to read PDFs back."""

import datetime as dt
import subprocess
import unicodedata
from zoneinfo import ZoneInfo

import pytest
import time_machine

from documents.actions import register_directive
from documents.pdf.queries import ReportFilters
from tasks import actions
from tasks.models import TaskAssignment
from workflows import services as flows

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2021, 1, 15, 10, 0, tzinfo=VN)


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """The text pdftotext reads from a PDF (what a search or a screen reader sees);
    `layout=True` keeps a table's row on one line."""
    assert data.startswith(b"%PDF-"), data[:20]
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def pdf_pages(data: bytes) -> list[str]:
    return pdf_text(data).split("\f")[:-1] or [pdf_text(data)]


def one_line(text: str) -> str:
    """Join wrapped lines so a phrase broken across table lines can be found."""
    return " ".join(text.split())


def assert_nfc(text: str) -> None:
    assert text == unicodedata.normalize("NFC", text)


@pytest.fixture
def scene(committee, secretariat, chair, officer, support_officer, police, border_guard):
    """Thông báo 381/TB-VPUBND with four tasks, seen on 15/01/2021:
    II.1 police, overdue 46 days; II.2 police, open on time; II.3 border guard, done on time;
    II.4 border guard, done late."""
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, 0, tzinfo=VN), tick=False):
        directive = register_directive(
            committee,
            by=secretariat,
            number="381/TB-VPUBND",
            issued_on=dt.date(2020, 10, 7),
            subject="Kết luận của Trưởng Ban Chỉ đạo 389/KG tại Hội nghị sơ kết 9 tháng năm 2020",
            issuer_name="Văn phòng UBND tỉnh Kiên Giang",
        )
        specs = [
            (
                "II.1",
                "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam",
                [police],
                [border_guard],
                dt.date(2020, 11, 30),
                "trong tháng 11 năm 2020",
            ),
            (
                "II.2",
                "Đấu tranh với tội phạm buôn lậu xăng dầu trên biển",
                [police],
                [],
                dt.date(2021, 3, 31),
                "quý I năm 2021",
            ),
            (
                "II.3",
                "Xây dựng Kế hoạch phòng, chống buôn lậu xăng dầu",
                [border_guard],
                [police],
                dt.date(2020, 12, 15),
                "",
            ),
            (
                "II.4",
                "Lắp đặt camera dọc tuyến biên giới Hà Tiên",
                [border_guard],
                [],
                dt.date(2020, 12, 1),
                "trước, trong và sau Tết Nguyên đán",
            ),
        ]
        tasks = [
            actions.create_task(
                directive,
                by=secretariat,
                ref=ref,
                title=title,
                lead=lead,
                coordinating=support,
                deadline=deadline,
                deadline_text=text,
            )
            for ref, title, lead, support, deadline, text in specs
        ]
        flows.start_directive_flow(directive)
        flows.submit_breakdown(directive, by=secretariat)
        flows.decide_task_list(directive, by=chair, approve=True)
        flows.dispatch(directive, by=secretariat)
    # Reports go straight to the standing office here (the head's sign-off is tested elsewhere).
    committee.reports_need_head_approval = False
    committee.save()
    for task, day in [(tasks[2], dt.date(2020, 12, 10)), (tasks[3], dt.date(2020, 12, 20))]:
        with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=VN), tick=False):
            part = TaskAssignment.objects.get(task=task, agency=border_guard)
            part = actions.acknowledge(part, by=support_officer)
            part = actions.submit_report(part, by=support_officer, text="Đã hoàn thành").assignment
            actions.accept_report(part, by=secretariat)
    for task in tasks:
        task.refresh_from_db()
    directive.refresh_from_db()
    return {"directive": directive, "tasks": tasks}


@pytest.fixture
def filters(committee):
    def make(**kwargs):
        return ReportFilters(committee=committee, now=NOW, **kwargs)

    return make


def save_for_review(name: str, data: bytes) -> None:
    """With PDF_REVIEW_DIR set, keep each generated PDF to render and look at by hand."""
    import os
    from pathlib import Path

    folder = os.environ.get("PDF_REVIEW_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)


def pdf_region_text(data: bytes, x: float, y: float, width: float, height: float) -> str:
    """Text of page 1 inside a box given in millimetres from the top left corner, so that two
    columns printed side by side (the letter's header) can be read one at a time."""
    pt = 72 / 25.4
    result = subprocess.run(
        [
            "pdftotext",
            "-enc",
            "UTF-8",
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            "72",
            "-x",
            str(int(x * pt)),
            "-y",
            str(int(y * pt)),
            "-W",
            str(int(width * pt)),
            "-H",
            str(int(height * pt)),
            "-",
            "-",
        ],
        input=data,
        capture_output=True,
        check=True,
    )
    return one_line(result.stdout.decode("utf-8"))
