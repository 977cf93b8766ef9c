"""A small, realistic scene of tasks in every timeliness, and helpers to read PDFs back."""

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from documents.actions import register_directive
from exports.pdf.queries import ReportFilters
from tasks import actions
from tasks.models import Task, TaskAssignment
from workflows import services as flows

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2021, 1, 15, 10, 0, tzinfo=VN)


def _reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:20]
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """The text a reader extracts from a PDF (what a search or a screen reader sees), pages
    ended by form feeds; `layout=True` keeps a table's row on one line. Read with pypdf, so the
    tests need nothing but Python."""
    mode = "layout" if layout else "plain"
    return "".join(page.extract_text(extraction_mode=mode) + "\f" for page in _reader(data).pages)


def pdf_pages(data: bytes) -> list[str]:
    return pdf_text(data).split("\f")[:-1] or [pdf_text(data)]


@dataclass(frozen=True)
class Word:
    """A run of text drawn at one place; x and y in points from the top left of the page."""

    text: str
    x: float
    y: float


def pdf_words(data: bytes, page: int = 1) -> list[Word]:
    """Every run of text on `page` (from 1) with where it starts, in drawing order."""
    reader_page = _reader(data).pages[page - 1]
    height = float(reader_page.mediabox.height)
    words: list[Word] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if not text.strip():
            return
        # The start of the run on the page: the text matrix, then the current matrix.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        words.append(Word(text.strip(), x, height - y))

    reader_page.extract_text(visitor_text=visit)
    return words


def pdf_fonts(data: bytes) -> dict[str, bool]:
    """Every font the pages use → whether its program is embedded in the file."""
    fonts: dict[str, bool] = {}
    for page in _reader(data).pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        for font in (resources.get_object().get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            for child in font.get("/DescendantFonts") or []:
                descriptor = descriptor or child.get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


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
    left, top, right, bottom = x * pt, y * pt, (x + width) * pt, (y + height) * pt
    inside = [w.text for w in pdf_words(data) if left <= w.x < right and top <= w.y < bottom]
    return one_line(" ".join(inside))


def add_open_tasks(scene, agency, count: int) -> list:
    """`count` more open tasks of the scene's directive led by `agency` (refs III.0…),
    bulk-inserted for speed, their lead summaries refreshed as the actions would."""
    template = scene["tasks"][1]
    tasks = Task.objects.bulk_create(
        (
            Task(
                directive=scene["directive"],
                ref=f"III.{n}",
                position=100 + n,
                title=f"Kiểm tra địa bàn số {n}",
                deadline=template.deadline,
                due_at=template.due_at,
                state="assigned",
                deadline_kind="date",
            )
            for n in range(count)
        ),
        batch_size=1000,
    )
    TaskAssignment.objects.bulk_create(
        (
            TaskAssignment.for_task(
                task,
                agency=agency,
                role="lead",
                state="assigned",
                deadline=template.deadline,
                due_at=template.due_at,
                original_deadline=template.deadline,
            )
            for task in tasks
        ),
        batch_size=1000,
    )
    Task.objects.filter(ref__startswith="III.").refresh_lead_summary()  # behind the actions
    return tasks
