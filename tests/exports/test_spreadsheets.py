"""Every list exports to .xlsx: Vietnamese headers, real dates and numbers, a frozen header,
the screen's filters applied; the file reads back to the same rows as the screen's query."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from documents.actions import register_directive
from exports.pdf import labels
from exports.pdf.queries import (
    coordinating_names,
    directive_label,
    lead_names,
    lead_parts,
    officer_name,
    overdue_parts,
    task_list,
)
from exports.spreadsheets import write_xlsx
from tasks.deadlines import deadline_end
from tasks.models import Task, TaskAssignment
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

from .pdf import conftest as pdf_fixtures
from .pdf.conftest import NOW

scene = pdf_fixtures.scene
filters = pdf_fixtures.filters


def read_back(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return workbook, sheet, rows[0], rows[1:]


def export(kind, filters_, user=None) -> bytes:
    out = io.BytesIO()
    write_xlsx(kind, filters_, out, user=user)
    return out.getvalue()


def test_task_export_reads_back_to_the_screens_rows(scene, filters):
    f = filters()
    workbook, sheet, header, rows = read_back(export("tasks", f))
    assert header[:6] == (
        "Văn bản chỉ đạo",
        "Số TT",
        "Nội dung nhiệm vụ",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
    )
    assert sheet.freeze_panes == "A2"
    expected = list(task_list(f))
    assert [r[1] for r in rows] == [t.ref for t in expected] == ["II.1", "II.2", "II.3", "II.4"]
    first = dict(zip(header, rows[0], strict=True))
    assert first["Nội dung nhiệm vụ"] == "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam"
    assert first["Đơn vị chủ trì"] == "Công an tỉnh Kiên Giang"
    assert first["Thời hạn"] == dt.datetime(2020, 11, 30)  # a real date, not text
    assert sheet["F2"].number_format == "DD/MM/YYYY"
    assert first["Số ngày quá hạn"] == 46 and isinstance(first["Số ngày quá hạn"], int)
    assert first["Tiến độ"] == "Đang thực hiện quá hạn"
    done = dict(zip(header, rows[2], strict=True))
    assert done["Ngày hoàn thành"] == dt.datetime(2020, 12, 10)
    info = [tuple(r) for r in workbook["Thông tin"].iter_rows(values_only=True)]
    assert ("Ngày tạo", "15/01/2021 10:00") in info


def _as_read_back(value):
    """A value as openpyxl reads the cell back: no cell for an empty text, dates as datetimes."""
    if value in ("", None):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


@pytest.fixture
def every_member_task(scene, committee, police, border_guard):
    """Two more tasks of the notice: one every member of the committee leads (three of them,
    one part extended, one reported, one overdue), and one whose second lead was cancelled."""
    customs = AgencyFactory(
        code="KG-HQ", name="Cục Hải quan tỉnh Kiên Giang", short_name="Hải quan"
    )
    MembershipFactory(committee=committee, agency=customs)
    template = scene["tasks"][0]  # due 30/11/2020, overdue on 15/01/2021
    every, cancelled = Task.objects.bulk_create(
        Task(
            directive=scene["directive"],
            ref=ref,
            position=100 + n,
            title=title,
            deadline=template.deadline,
            due_at=template.due_at,
            state="assigned",
            deadline_kind="date",
        )
        for n, (ref, title) in enumerate(
            [("III.1", "Các thành viên báo cáo kết quả"), ("III.2", "Rà soát kho bãi =SUM(A1)")]
        )
    )
    later = template.deadline + dt.timedelta(days=90)
    # Named by first and last name only (no full name), as an imported account may be.
    clerk = UserFactory(
        username="canbo.hq",
        full_name="",
        first_name="Lan",
        last_name="Trần Thị",
        role="agency_officer",
        committee=committee,
        agency=customs,
    )
    parts = [
        (every, police, "lead", "in_progress", later),
        (every, border_guard, "lead", "reported", template.deadline),
        (every, customs, "lead", "in_progress", template.deadline),
        (cancelled, police, "lead", "assigned", later),
        (cancelled, customs, "lead", "cancelled", template.deadline),
        (cancelled, border_guard, "coordinating", "assigned", None),
    ]
    TaskAssignment.objects.bulk_create(
        TaskAssignment.for_task(
            task,
            agency=agency,
            role=role,
            state=state,
            deadline=deadline,
            due_at=deadline_end(deadline) if deadline else None,
            original_deadline=template.deadline if deadline else None,
            reported_at=NOW - dt.timedelta(days=60) if state == "reported" else None,
            officer=clerk if agency == customs and state != "cancelled" else None,
        )
        for task, agency, role, state, deadline in parts
    )
    Task.objects.filter(ref__startswith="III.").refresh_lead_summary()


def test_task_export_cells_are_what_the_documents_print_of_each_task(every_member_task, filters):
    """Every cell of the tasks sheet, against the texts the PDFs print from the model instances
    (exports/pdf/queries.py) for the same query: the sheet reads plain values, not instances."""
    f = filters()
    _wb, _sheet, _header, rows = read_back(export("tasks", f))
    with translation.override("vi"):
        expected = [
            tuple(
                _as_read_back(value)
                for value in (
                    directive_label(t.directive),
                    t.ref,
                    t.title,
                    lead_names(t),
                    coordinating_names(t),
                    t.deadline,
                    t.deadline_text,
                    labels.TASK_STATES.get(t.state, t.state),
                    labels.TIMELINESS.get(t.timeliness, ""),
                    t.days_overdue,
                    lead_parts(t),
                    t.completed_at and t.completed_at.astimezone(NOW.tzinfo).date(),
                )
            )
            for t in task_list(f)
        ]
    assert rows == expected
    by_ref = {row[1]: row for row in rows}
    assert by_ref["III.1"][10].startswith("Các thành viên Ban Chỉ đạo")  # every member leads
    assert "Hải quan" in by_ref["III.1"][10]  # named as overdue; the extended part is not
    assert by_ref["III.2"][3] == "Công an tỉnh Kiên Giang"  # the cancelled lead is left out
    assert "hạn" in by_ref["III.2"][10]  # the police's own, later deadline


def test_overdue_export_cells_are_what_the_documents_print_of_each_part(every_member_task, filters):
    """Every cell of the overdue sheet, against the parts as model instances (the audit PDF's
    query), officers named as the documents name them."""
    f = filters()
    _wb, _sheet, _header, rows = read_back(export("overdue", f))
    with translation.override("vi"):
        expected = [
            tuple(
                _as_read_back(value)
                for value in (
                    p.agency.name,
                    directive_label(p.task.directive),
                    p.task.ref,
                    p.task.title,
                    p.deadline,
                    p.original_deadline,
                    labels.ASSIGNMENT_STATES.get(p.state, p.state),
                    officer_name(p),
                    p.days_overdue,
                )
            )
            for p in overdue_parts(f)
        ]
    assert rows == expected
    assert ("Cục Hải quan tỉnh Kiên Giang", "III.1", "Lan Trần Thị") in {
        (r[0], r[2], r[7]) for r in rows
    }


def test_task_export_applies_the_filters(scene, filters, border_guard):
    f = filters(agency=border_guard, timeliness="done_late")
    workbook, _sheet, _header, rows = read_back(export("tasks", f))
    assert [r[1] for r in rows] == ["II.4"]
    info = [r[1] for r in workbook["Thông tin"].iter_rows(values_only=True)]
    assert "Đơn vị: Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang (chủ trì)" in info
    assert "tiến độ: Hoàn thành quá hạn" in info


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_export_reads_the_task_screens_query_string(
    scene, at_now, client, chair, police, support_officer
):
    """The same ?agency=<id>&status=…&role=… as the task list screen gives the same rows."""
    client.force_login(chair)
    url = reverse("exports:spreadsheet", args=["tasks"])

    def refs(params):
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        return [r[1] for r in read_back(b"".join(response.streaming_content))[3]]

    assert refs({"agency": police.pk}) == ["II.1", "II.2"]  # as lead, like the screen
    assert refs({"agency": police.pk, "status": "overdue"}) == ["II.1"]
    assert refs({"status": "done"}) == ["II.3", "II.4"]
    assert refs({"agency": police.pk, "role": "support"}) == ["II.3"]
    assert refs({"agency": police.pk, "role": "any"}) == ["II.1", "II.2", "II.3"]
    client.force_login(support_officer)  # an agency's inbox: "as co-ordinator"
    assert refs({"role": "support"}) == ["II.1"]


def test_overdue_export_lists_each_overdue_lead_part(scene, filters):
    _wb, _sheet, header, rows = read_back(export("overdue", filters()))
    assert [r[2] for r in rows] == ["II.1"]
    row = dict(zip(header, rows[0], strict=True))
    assert row["Đơn vị"] == "Công an tỉnh Kiên Giang"
    assert row["Hạn của đơn vị"] == dt.datetime(2020, 11, 30)
    assert row["Trạng thái"] == "Đã giao"
    assert row["Số ngày quá hạn"] == 46
    assert "Ngày hoàn thành" not in header


def test_directive_export(scene, filters):
    _wb, _sheet, header, rows = read_back(export("directives", filters()))
    assert header[0] == "Số, ký hiệu"
    assert rows == [
        (
            "381/TB-VPUBND",
            "Thông báo",
            dt.datetime(2020, 10, 7),
            "Kết luận của Trưởng Ban Chỉ đạo 389/KG tại Hội nghị sơ kết 9 tháng năm 2020",
            "Văn phòng UBND tỉnh Kiên Giang",
            "Đã ban hành",
            4,
        )
    ]


def test_scorecard_export_has_one_line_per_agency_with_numbers(scene, filters):
    _wb, _sheet, header, rows = read_back(export("scorecards", filters()))
    by_agency = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    guard = by_agency["Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang"]
    assert (guard["Tổng số"], guard["Hoàn thành đúng hạn"], guard["Hoàn thành quá hạn"]) == (
        2,
        1,
        1,
    )
    assert guard["Tỷ lệ đúng hạn (%)"] == 50.0
    assert guard["Tổng số ngày chậm"] == 19
    police = by_agency["Công an tỉnh Kiên Giang"]
    assert police["Đang thực hiện quá hạn"] == 1 and police["Tổng số ngày chậm"] == 46


def test_empty_export_still_has_its_header(committee, filters):
    for kind in ("directives", "tasks", "overdue", "scorecards", "reports"):
        _wb, sheet, header, rows = read_back(export(kind, filters()))
        assert header and rows == [], kind
        assert sheet.freeze_panes == "A2"


@pytest.fixture
def many_tasks(scene, police):
    """3,000 more open tasks led by the police."""
    pdf_fixtures.add_open_tasks(scene, police, 3000)


def test_large_export_streams_in_chunks_with_bounded_queries(
    many_tasks, client, chair, django_assert_max_num_queries
):
    client.force_login(chair)
    with time_machine.travel(NOW, tick=False):
        # 3,004 rows: session, user, then chunks of 2,000 tasks with their assignments.
        with django_assert_max_num_queries(10):
            response = client.get(reverse("exports:spreadsheet", args=["tasks"]))
            data = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tasks-')
    _wb, _sheet, _header, rows = read_back(data)
    assert len(rows) == 3004


@pytest.mark.parametrize("kind", ["tasks", "overdue"])
def test_directive_labels_take_one_query_however_many_directives(
    kind, scene, committee, secretariat, client, chair, django_assert_max_num_queries
):
    template = scene["tasks"][0]  # overdue, led by the police
    for n in range(6):
        with time_machine.travel(dt.datetime(2020, 10, 8, 9, 0, tzinfo=pdf_fixtures.VN)):
            directive = register_directive(
                committee,
                by=secretariat,
                number=f"{400 + n}/TB-VPUBND",
                issued_on=dt.date(2020, 10, 7),
                subject=f"Kết luận số {n}",
                issuer_name="Văn phòng UBND tỉnh Kiên Giang",
            )
        task = Task.objects.create(
            directive=directive,
            ref="1",
            position=1,
            title=f"Nhiệm vụ của văn bản {n}",
            deadline=template.deadline,
            due_at=template.due_at,
            state="assigned",
            deadline_kind="date",
        )
        part = template.assignments.get(role="lead")
        part.pk, part.task = None, task
        part.save()
        Task.objects.filter(pk=task.pk).refresh_lead_summary()
    client.force_login(chair)
    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(10):  # not one more per directive
            response = client.get(reverse("exports:spreadsheet", args=[kind]))
            data = b"".join(response.streaming_content)
    _wb, _sheet, _header, rows = read_back(data)
    cells = " ".join(str(cell) for row in rows for cell in row)
    assert all(f"{400 + n}/TB-VPUBND" in cells for n in range(6))


@pytest.mark.parametrize("kind", ["directives", "tasks", "overdue", "scorecards", "reports"])
def test_every_list_downloads_in_a_few_queries(
    kind, scene, client, chair, django_assert_max_num_queries
):
    client.force_login(chair)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("exports:spreadsheet", args=[kind]))
        b"".join(response.streaming_content)
    assert response.status_code == 200


def test_agency_export_holds_only_what_the_agency_sees(scene, client, support_officer):
    client.force_login(support_officer)
    response = client.get(reverse("exports:spreadsheet", args=["tasks"]))
    _wb, _sheet, _header, rows = read_back(b"".join(response.streaming_content))
    assert [r[1] for r in rows] == ["II.1", "II.3", "II.4"]
    response = client.get(reverse("exports:spreadsheet", args=["scorecards"]))
    _wb, _sheet, _header, rows = read_back(b"".join(response.streaming_content))
    assert [r[0] for r in rows] == ["Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang"]


def test_unknown_list_is_a_404_and_bad_filters_a_400(scene, client, chair):
    client.force_login(chair)
    assert client.get(reverse("exports:spreadsheet", args=["secrets"])).status_code == 404
    response = client.get(reverse("exports:spreadsheet", args=["tasks"]), {"to": "hôm qua"})
    assert response.status_code == 400
    assert "hôm qua" in response.content.decode()
