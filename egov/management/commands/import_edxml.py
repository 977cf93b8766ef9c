"""`python manage.py import_edxml FILE [--committee CODE]`: register the directive an edXML
package (QCVN 102:2016) carries, as the register page's upload does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import translation

from agencies.models import Committee
from egov.edxml import EdxmlError, parse_package
from egov.intake import import_package, package_limits
from project.errors import ActionError


def committee_for(data: bytes, code: str | None) -> Committee:
    """The committee named on the command line, else the one whose standing office (or only
    committee) the package is addressed to."""
    if code:
        committee = Committee.objects.filter(code=code).first()
        if committee is None:
            raise CommandError(f"Không tìm thấy Ban Chỉ đạo có mã «{code}».")
        return committee
    try:
        package = parse_package(data, **package_limits())
    except EdxmlError as error:
        raise CommandError(error.message) from error
    organ_ids = [to.organ_id for to in package.recipients if to.organ_id]
    matches = list(
        Committee.objects.filter(
            Q(standing_agency__organ_id__in=organ_ids) if organ_ids else Q(pk__in=[])
        ).distinct()
    )
    if len(matches) == 1:
        return matches[0]
    if not matches and Committee.objects.count() == 1:
        return Committee.objects.get()
    raise CommandError(
        "Gói tin không chỉ ra được một Ban Chỉ đạo nhận (mã định danh "
        f"{', '.join(organ_ids) or '—'}); hãy chỉ rõ bằng --committee MÃ."
    )


class Command(BaseCommand):
    help = "Nhập văn bản từ gói tin edXML (QCVN 102:2016) vào sổ văn bản chỉ đạo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp gói tin edXML (.xml, .edxml)")
        parser.add_argument("--committee", help="Mã Ban Chỉ đạo nhận (ví dụ bcd389-kg)")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("vi")
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        data = path.read_bytes()
        committee = committee_for(data, options.get("committee"))
        try:
            directive = import_package(data, committee, by=None)
        except ActionError as error:
            raise CommandError(str(error.message)) from error
        files = directive.attachments.count()
        self.stdout.write(
            f"Đã nhập {directive.number_symbol or directive.subject[:60]} "
            f"(mã {directive.pk}, {files} tệp đính kèm) vào {committee.name}."
        )
