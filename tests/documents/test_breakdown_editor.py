"""The breakdown editor's corrections (issue 15): agencies as chips over a plain list, deadline
rules that compute their date on the working-day calendar, titles never cut mid-word."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from documents.actions import register_directive
from documents.forms import rule_deadline
from tasks.actions import title_of
from tasks.models import Task

TEXT = (
    "THÔNG BÁO\nKết luận của Trưởng ban\n\nII. NHIỆM VỤ\n"
    "1. Công an tỉnh chủ trì, phối hợp với Bộ Chỉ huy Bộ đội Biên phòng tỉnh kiểm tra hàng "
    "nhập lậu qua biên giới.\n"
)


@pytest.fixture
def office(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def directive(committee, secretariat, police, border_guard):
    return register_directive(
        committee,
        by=secretariat,
        number="189/TB-VPUBND",
        doc_type="TB",
        subject="Kết luận sơ kết 9 tháng",
        issued_on=dt.date(2020, 10, 7),  # a Wednesday
        text=TEXT,
    )


def add(office, directive, **fields):
    return office.post(
        reverse("directives:task_add", args=[directive.pk]),
        {"ref": "1", "title": "Kiểm tra hàng nhập lậu", "lead": [fields.pop("lead")], **fields},
    )


def test_working_days_compute_the_date_from_the_signing_day(office, directive, police):
    response = add(
        office, directive, lead=police.pk, deadline_kind="working_days", deadline_days=10
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = Task.objects.get()
    # Ten working days after Wednesday 7/10/2020, the signing day not counted.
    assert task.deadline == dt.date(2020, 10, 21)
    assert task.deadline_text == "trong 10 ngày làm việc kể từ ngày ký"
    editor = office.get(reverse("directives:breakdown", args=[directive.pk])).content.decode()
    assert "21/10/2020" in editor
    # The edit page gives the rule back with its number.
    edit = office.get(reverse("directives:task_edit", args=[task.pk])).content.decode()
    assert re.search(r'name="deadline_days"[^>]*value="10"', edit)


def test_before_tet_computes_the_last_working_day_before_the_next_tet(office, directive, police):
    add(office, directive, lead=police.pk, deadline_kind="lunar")
    task = Task.objects.get()
    assert task.deadline == rule_deadline("lunar", dt.date(2020, 10, 7)).date
    assert task.deadline.year == 2021 and task.deadline.month == 2  # Tết 2021: 12/02
    assert task.deadline_text == "trước Tết Nguyên đán năm 2021"


def test_a_working_days_rule_without_a_number_is_a_message(office, directive, police):
    response = add(office, directive, lead=police.pk, deadline_kind="working_days")
    assert response.status_code == 200
    assert "Give the number of working days." in response.content.decode()
    assert not Task.objects.exists()


def test_the_editor_asks_the_server_for_the_computed_date(office, directive):
    url = reverse("directives:deadline", args=[directive.pk])
    assert office.get(url, {"kind": "working_days", "days": "10"}).json() == {
        "date": "21/10/2020",
        "text": "trong 10 ngày làm việc kể từ ngày ký",
    }
    assert office.get(url, {"kind": "lunar", "tet_year": "2022"}).json()["date"].endswith("/2022")
    assert office.get(url, {"kind": "working_days", "days": "x"}).status_code == 400
    assert office.get(url, {"kind": "date"}).status_code == 400


def test_proposal_cards_offer_chips_over_a_plain_list(office, directive):
    html = office.get(reverse("directives:propose", args=[directive.pk])).content.decode()
    # Without JavaScript the lists still work: a <select multiple>, marked for the chips.
    assert re.search(r'<select name="p0-lead"[^>]*data-chips[^>]*multiple', html) or re.search(
        r'<select name="p0-lead"[^>]*multiple[^>]*data-chips', html
    )
    assert 'id="dd-editor-strings"' in html and "documents/breakdown.js" in html
    assert re.search(r'data-key="[^"|]+\|[0-9a-f]{12}"', html)


@pytest.mark.parametrize("limit", [40, 60, 300])
def test_a_long_title_is_never_cut_mid_word(limit):
    text = (
        "Tăng cường kiểm tra, kiểm soát thị trường, chống buôn lậu thuốc lá điếu ngoại, đường "
        "cát, xăng dầu trên các tuyến biên giới đất liền và vùng biển thuộc địa bàn tỉnh " * 5
    )
    title = title_of(text, limit)
    assert len(title) <= limit and title.endswith("…")
    words = title.removesuffix("…").split()
    assert all(word.strip(",") in text.split() or word in text for word in words)
    assert text.startswith(title.removesuffix("…"))
    assert text[len(title.removesuffix("…"))] in " ,"  # the next character ends a word


def test_a_yearly_duty_proposed_from_the_text_is_kept_as_yearly(
    office, committee, secretariat, police
):
    directive = register_directive(
        committee,
        by=secretariat,
        doc_type="KH",
        subject="Kế hoạch",
        issued_on=dt.date(2024, 3, 1),
        text=(
            "KẾ HOẠCH\n\nIII. TỔ CHỨC THỰC HIỆN\n\n1. Công an tỉnh tổng hợp kết quả, báo cáo "
            "Ban Chỉ đạo trước ngày 29 tháng 11 hàng năm.\n"
        ),
    )
    url = reverse("directives:propose", args=[directive.pk])
    html = office.get(url).content.decode()
    assert "yearly, by 29/11" in html
    assert re.search(r'name="p0-recurrence_month"[^>]*value="11"', html)
    office.post(
        url,
        {
            "count": "1",
            "p0-take": "on",
            "p0-ref": "III.1",
            "p0-title": "Báo cáo kết quả hằng năm",
            "p0-lead": [police.pk],
            "p0-deadline_kind": "date",
            "p0-deadline": "29/11/2024",
            "p0-recurrence_freq": "yearly",
            "p0-recurrence_day": "29",
            "p0-recurrence_month": "11",
        },
    )
    task = Task.objects.get()
    assert task.recurrence == {"freq": "yearly", "month": 11, "day": 29}
    assert task.deadline == dt.date(2024, 11, 29)
