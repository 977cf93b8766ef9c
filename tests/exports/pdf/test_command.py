"""`manage.py make_pdf` makes the same documents as the web downloads."""

import pytest
import time_machine
from django.core.management import CommandError, call_command

from .conftest import NOW, one_line, pdf_text


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("kind", "options", "expected"),
    [
        ("appendix", ["--directive", "381/TB-VPUBND"], "DANH MỤC NHIỆM VỤ"),
        ("overdue", [], "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam"),
        (
            "scorecard",
            ["--agency", "KG-BDBP", "--from", "01/10/2020", "--to", "31/12/2020"],
            "từ ngày 01/10/2020 đến ngày 31/12/2020",
        ),
        ("urging", ["--agency", "KG-CA"], "Kính gửi: Công an tỉnh Kiên Giang."),
        ("consolidated", [], "Chưa có chế độ báo cáo định kỳ nào được thiết lập."),
    ],
)
def test_make_pdf_writes_each_document(scene, tmp_path, kind, options, expected):
    out = tmp_path / f"{kind}.pdf"
    call_command("make_pdf", kind, "--committee", "bcd389-kg", *options, "--out", str(out))
    assert expected in one_line(pdf_text(out.read_bytes()))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["overdue", "--committee", "khong-co"], "No committee"),
        (["scorecard", "--committee", "bcd389-kg"], "--agency"),
        (["appendix", "--committee", "bcd389-kg"], "--directive"),
        (["appendix", "--committee", "bcd389-kg", "--directive", "999/TB-XYZ"], "No directive"),
        (["overdue", "--committee", "bcd389-kg", "--from", "32/01/2021"], "is not a date"),
        (
            ["overdue", "--committee", "bcd389-kg", "--from", "01/02/2021", "--to", "01/01/2021"],
            "after the end date",
        ),
        (["urging", "--committee", "bcd389-kg", "--agency", "NGOAI"], "No member agency"),
    ],
)
def test_make_pdf_refuses_bad_input_with_a_message(scene, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("make_pdf", *args, "--out", str(out))
    assert not out.exists()
