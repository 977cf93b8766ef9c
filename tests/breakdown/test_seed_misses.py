"""The engine's misses on the seeds that issue 15's walk-through found, one test each."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from breakdown import propose_tasks
from breakdown.agencies import AgencyDirectory
from breakdown.deadlines import find_recurrence

from .conftest import SAMPLES

SEED_003 = (SAMPLES / "seed_003_kg_tb_ket_luan.txt").read_text(encoding="utf-8")
SEED_004 = (
    Path(settings.BASE_DIR) / "fixtures" / "data" / "directives" / "texts" / "qg-qd-14-news.txt"
).read_text(encoding="utf-8")


def by_text(breakdown, start: str):
    found = [t for t in breakdown.tasks if t.text.startswith(start) or start in t.text[:200]]
    assert len(found) == 1, [t.text[:80] for t in breakdown.tasks]
    return found[0]


def test_the_opening_request_to_the_standing_office_is_a_task(kg):
    """ "…; đề nghị Sở Công Thương – Cơ quan Thường trực … tiếp thu ý kiến của các đại biểu và
    hoàn chỉnh báo cáo." comes before section I, and is still a task for Sở Công Thương."""
    breakdown = propose_tasks(SEED_003, kg)
    task = by_text(breakdown, "Đề nghị Sở Công Thương")
    assert task.lead == ["KG-SCT"] and not task.all_members
    assert task.text.endswith("hoàn chỉnh báo cáo.")
    assert "Cơ bản thống nhất" not in task.text  # the agreement is not part of the task
    # …and nothing else of the opening (who attended, what was heard) is.
    assert not any("Cùng tham dự" in t.text or "Sau khi nghe" in t.text for t in breakdown.tasks)


def test_the_body_whose_request_is_answered_leads_the_answer(kg):
    """III.3 answers UBND TP Hà Tiên's requests: in b) "giao UBND thành phố Hà Tiên, Bộ Chỉ huy
    Bộ đội Biên phòng tỉnh, Công an tỉnh nghiên cứu…" Hà Tiên leads, the other two co-ordinate."""
    task = next(t for t in propose_tasks(SEED_003, kg).tasks if t.ref == "III.3.b")
    assert task.lead == ["KG-HT"]
    assert sorted(task.support) == ["KG-BDBP", "KG-CA"]


def test_a_list_of_leads_with_no_request_answered_stays_a_list_of_leads(kg):
    text = (
        "THÔNG BÁO\n\nII. NHIỆM VỤ\n\n1. Giao Công an tỉnh, Bộ Chỉ huy Bộ đội Biên phòng tỉnh "
        "tăng cường tuần tra, kiểm soát tuyến biên giới.\n"
    )
    task = propose_tasks(text, kg).tasks[0]
    assert sorted(task.lead) == ["KG-BDBP", "KG-CA"]


@pytest.fixture
def national_with_the_group(national):
    """The national committee after the office mapped "Tổ công tác liên ngành" (and "Tổ công
    tác") to its Standing Office, as the breakdown editor lets it."""
    records = [
        dataclasses.replace(r, aliases=[*r.aliases, "Tổ công tác liên ngành", "Tổ công tác"])
        if r.code == "VPTT389"
        else r
        for r in national.records
    ]
    return AgencyDirectory(
        records, place_name=national.place_name, standing_code=national.standing_code
    )


def test_the_working_groups_members_and_a_repeated_paragraph_are_not_tasks(
    national_with_the_group,
):
    tasks = propose_tasks(SEED_004, national_with_the_group).tasks
    texts = [t.text for t in tasks]
    assert not any("gồm 14 thành viên" in text for text in texts), texts
    # The news repeats one sentence as a pull quote; it is not a duty of its own.
    assert not any(text.startswith("Tổ công tác phối hợp với các lực lượng") for text in texts)
    # The group's duties still are, led by the office it was mapped to.
    assert len(tasks) >= 3
    assert all(t.lead == ["VPTT389"] for t in tasks)
    assert any("chủ động, thường xuyên theo dõi" in text for text in texts)


def test_a_day_every_year_is_a_yearly_duty_not_a_one_off_deadline(kg):
    text = (
        "KẾ HOẠCH\n\nIII. TỔ CHỨC THỰC HIỆN\n\n1. Sở Công Thương tổng hợp kết quả thực hiện Kế "
        "hoạch, báo cáo Ban Chỉ đạo trước ngày 29 tháng 11 hàng năm.\n"
    )
    task = propose_tasks(text, kg, today=dt.date(2024, 3, 1)).tasks[0]
    assert task.recurrence == {"freq": "yearly", "month": 11, "day": 29}
    assert task.deadline == dt.date(2024, 11, 29)  # first due after signing
    assert "hàng năm" in task.deadline_rule
    # Signed after this year's day: first due next year.
    later = propose_tasks(text, kg, today=dt.date(2024, 12, 2)).tasks[0]
    assert later.deadline == dt.date(2025, 11, 29)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("báo cáo trước ngày 29 tháng 11 hằng năm", {"freq": "yearly", "month": 11, "day": 29}),
        ("hằng năm, trước ngày 15/12 gửi báo cáo", {"freq": "yearly", "month": 12, "day": 15}),
        ("báo cáo năm trước ngày 15/12/2024", None),
    ],
)
def test_yearly_phrases(text, expected):
    found = find_recurrence(text)
    assert (found[0] if found else None) == expected
