"""`python manage.py breakdown FILE --committee CODE --format json|table`."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies import calendar as workdays
from agencies.directory import directory_for_committee
from agencies.models import Committee
from breakdown import (
    AgencyDirectory,
    BreakdownInputError,
    propose_tasks,
    read_directive_file,
)
from breakdown.engine import Breakdown
from tasks.deadlines import vn_date


class Command(BaseCommand):
    help = "Đọc văn bản chỉ đạo (.txt, .docx, .pdf) và đề xuất danh sách nhiệm vụ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp văn bản: .txt (UTF-8), .docx hoặc .pdf có lớp chữ")
        parser.add_argument("--committee", required=True, help="Mã Ban Chỉ đạo (ví dụ bcd389-kg)")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: object, **options: object) -> None:
        try:
            text = read_directive_file(str(options["file"]))
        except BreakdownInputError as error:
            raise CommandError(str(error)) from error
        code = str(options["committee"])
        committee = Committee.objects.filter(code=code).first()
        if committee is None:
            raise CommandError(f"Không tìm thấy Ban Chỉ đạo có mã «{code}».")
        directory = directory_for_committee(committee)
        try:
            breakdown = propose_tasks(text, directory, calendar=workdays)
        except Exception as error:
            raise CommandError(f"Không phân tích được văn bản: {error}") from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(breakdown.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(breakdown, directory))
        if breakdown.stopped:
            self.stderr.write(breakdown.stopped)


def render_table(breakdown: Breakdown, directory: AgencyDirectory) -> str:
    """The breakdown for a person: the header, then one block per task, agencies by name."""
    directive = breakdown.directive
    lines = [
        f"Số, ký hiệu : {directive.number or '—'}",
        f"Loại        : {directive.doc_type or '—'}",
        f"Ngày ban hành: {_date(directive.issued_on)}",
        f"Cơ quan ban hành: {directive.issuer or '—'}",
        f"Trích yếu   : {directive.subject or '—'}",
        "",
        f"{'Mục':<10} {'Thời hạn':<12} Lặp lại",
        "-" * 100,
    ]
    for task in breakdown.tasks:
        lead = "Tất cả thành viên" if task.all_members else _names(task.lead, directory)
        deadline = _date(task.deadline)
        recurrence = _recurrence_label(task.recurrence)
        lines.append(f"{task.ref:<10} {deadline:<12} {recurrence}")
        lines.append(f"{'':<10} Chủ trì: {lead}")
        if task.support:
            lines.append(f"{'':<10} Phối hợp: {_names(task.support, directory)}")
        if task.deadline_rule:
            lines.append(f"{'':<10} Căn cứ thời hạn: {task.deadline_rule}")
        for wrapped in textwrap.wrap(task.text, width=88):
            lines.append(f"{'':<10} {wrapped}")
        lines.append("")
    lines.append(f"Tổng số nhiệm vụ đề xuất: {len(breakdown.tasks)}")
    if breakdown.unmatched:
        lines.append("Cơ quan chưa xác định được: " + "; ".join(breakdown.unmatched))
    return "\n".join(lines)


def _names(codes: list[str], directory: AgencyDirectory) -> str:
    return "; ".join(f"{directory.name_of(code)} ({code})" for code in codes) or "—"


def _date(value: dt.date | None) -> str:
    return vn_date(value) or "—"


_WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


def _recurrence_label(recurrence: dict | None) -> str:
    if not recurrence:
        return "—"
    if recurrence["freq"] == "yearly":
        return f"hằng năm, ngày {recurrence['day']:02d}/{recurrence['month']:02d}"
    if recurrence["freq"] == "weekly":
        return f"hằng tuần, {_WEEKDAYS[recurrence['weekday']]}"
    day = recurrence.get("day")
    period = "hằng tháng" if recurrence["freq"] == "monthly" else "hằng quý"
    return f"{period}, ngày {day}" if day else period
