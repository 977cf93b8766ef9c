"""The directive register, the directive page and the breakdown editor, as the office uses them."""

import datetime as dt

import pytest
from django.urls import reverse

from documents.actions import register_directive
from documents.models import Directive
from tasks.models import Task, TaskState
from tests.factories import CommitteeFactory, DirectiveFactory, UserFactory


@pytest.fixture
def office(client, secretariat):
    client.force_login(secretariat)
    return client


def test_search_is_accent_insensitive(office, committee, secretariat):
    register_directive(
        committee,
        by=secretariat,
        number="92/KH-BCĐ389",
        doc_type="KH",
        subject="Kế hoạch cao điểm chống buôn lậu, gian lận thương mại",
        issued_on=dt.date(2022, 9, 13),
    )
    register_directive(
        committee,
        by=secretariat,
        number="14/QĐ-BCĐ389",
        doc_type="QĐ",
        subject="Thành lập Đoàn kiểm tra liên ngành",
        issued_on=dt.date(2023, 2, 1),
    )
    for query in ["buon lau", "BUÔN LẬU", "buôn lau", "Buon  Lau"]:
        page = office.get(reverse("directives:index"), {"q": query}).content.decode()
        assert "92/KH-BCĐ389" in page and "14/QĐ-BCĐ389" not in page, query
    # đ folds to d, and the number is searchable too.
    page = office.get(reverse("directives:index"), {"q": "doan kiem tra"}).content.decode()
    assert "14/QĐ-BCĐ389" in page and "92/KH-BCĐ389" not in page
    assert (
        "92/KH" in office.get(reverse("directives:index"), {"q": "92/kh-bcd389"}).content.decode()
    )


def test_filters_by_type_year_issuer_and_state(office, committee, secretariat):
    register_directive(
        committee,
        by=secretariat,
        number="92/KH-BCĐ389",
        doc_type="KH",
        subject="Kế hoạch 92",
        issued_on=dt.date(2022, 9, 13),
        issuer_name="BCĐ 389 quốc gia",
    )
    register_directive(
        committee,
        by=secretariat,
        number="381/TB-VPCP",
        doc_type="TB",
        subject="Thông báo 381",
        issued_on=dt.date(2024, 8, 5),
        issuer_name="Văn phòng Chính phủ",
    )
    url = reverse("directives:index")
    assert "Thông báo 381" not in office.get(url, {"doc_type": "KH"}).content.decode()
    assert "Kế hoạch 92" not in office.get(url, {"year": "2024"}).content.decode()
    assert "Kế hoạch 92" not in office.get(url, {"issuer": "Văn phòng Chính phủ"}).content.decode()
    assert "Kế hoạch 92" in office.get(url, {"state": "draft"}).content.decode()
    assert "Kế hoạch 92" not in office.get(url, {"state": "issued"}).content.decode()
    # A value from an old bookmark is ignored, not an error.
    assert office.get(url, {"year": "abc", "state": "nonsense"}).status_code == 200


def test_register_shows_errors_next_to_fields_and_saves_nothing(office):
    response = office.post(
        reverse("directives:create"),
        {
            "number": "92 KH BCD",
            "doc_type": "KH",
            "subject": "",
            "issued_on": "31/02/2022",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("number", "subject", "issued_on"):
        start = html.index(f'id="field-{name}"')
        assert "dd-field__error" in html[start : start + 1500], name
    assert not Directive.objects.exists()


def test_register_then_break_down_by_hand(office, committee, police, border_guard):
    response = office.post(
        reverse("directives:create"),
        {
            "number": "189/TB-VPUBND",
            "doc_type": "TB",
            "subject": "Kết luận sơ kết 9 tháng",
            "issued_on": "07/10/2020",
            "text": "",
        },
    )
    directive = Directive.objects.get()
    assert response.url == reverse("directives:breakdown", args=[directive.pk])
    add = reverse("directives:task_add", args=[directive.pk])
    both = office.post(
        add,
        {
            "title": "Kiểm tra",
            "lead": [police.pk],
            "support": [police.pk],
            "deadline_kind": "date",
            "deadline": "31/12/2020",
        },
    )
    assert "both lead and co-ordinating" in both.content.decode()
    no_lead = office.post(
        add, {"title": "Kiểm tra", "deadline_kind": "date", "deadline": "31/12/2020"}
    )
    assert "at least one lead agency" in no_lead.content.decode()
    assert not directive.tasks.exists()
    office.post(
        add,
        {
            "ref": "1",
            "title": "Kiểm tra hàng nhập lậu",
            "lead": [police.pk],
            "support": [border_guard.pk],
            "deadline_kind": "date",
            "deadline": "31/12/2020",
            "deadline_text": "3 tháng cuối năm",
        },
    )
    task = directive.tasks.get()
    assert task.deadline == dt.date(2020, 12, 31) and task.deadline_text == "3 tháng cuối năm"
    office.post(
        reverse("directives:task_edit", args=[task.pk]),
        {
            "ref": "1",
            "title": "Kiểm tra hàng nhập lậu qua biên giới",
            "lead": [border_guard.pk],
            "deadline_kind": "none",
        },
    )
    task.refresh_from_db()
    assert task.title.endswith("qua biên giới") and task.deadline is None
    assert [a.agency for a in task.assignments.all()] == [border_guard]
    assert task.events.filter(kind="deadline_changed").exists()
    office.post(reverse("directives:task_delete", args=[task.pk]))
    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED
    assert (
        "Kiểm tra hàng nhập lậu"
        not in office.get(reverse("directives:breakdown", args=[directive.pk])).content.decode()
    )


def test_proposals_from_the_text_become_tasks(office, committee, secretariat, police, border_guard):
    pytest.importorskip("documents.breakdown.engine")
    directive = register_directive(
        committee,
        by=secretariat,
        number="189/TB-VPUBND",
        subject="Kết luận",
        issued_on=dt.date(2020, 10, 7),
        text="II. NHIỆM VỤ\n1. Công an tỉnh chủ trì, phối hợp với Bộ Chỉ huy Bộ đội Biên phòng tỉnh "
        "tăng cường kiểm tra, xử lý hàng nhập lậu, hoàn thành trước ngày 31/12/2020.\n",
    )
    page = office.get(reverse("directives:propose", args=[directive.pk])).content.decode()
    assert "tăng cường kiểm tra" in page
    office.post(reverse("directives:propose", args=[directive.pk]), {"take": ["0"]})
    task = directive.tasks.get()
    assert task.lead_agencies() == [police]


def test_proposal_naming_no_member_needs_a_lead_picked(office, committee, secretariat, police):
    pytest.importorskip("documents.breakdown.engine")
    directive = register_directive(
        committee,
        by=secretariat,
        number="190/TB-VPUBND",
        subject="Kết luận",
        issued_on=dt.date(2020, 10, 7),
        text="II. NHIỆM VỤ\n1. Giao Sở Công Thương xây dựng Kế hoạch kiểm tra trên tuyến biên giới "
        "vào 3 tháng cuối năm.\n",
    )
    url = reverse("directives:propose", args=[directive.pk])
    page = office.get(url).content.decode()
    assert 'name="lead-0"' in page
    response = office.post(url, {"take": ["0"]}, follow=True)
    assert "choose its lead agency" in response.content.decode()
    assert not directive.tasks.exists()
    office.post(url, {"take": ["0"], "lead-0": str(police.pk)})
    assert directive.tasks.get().lead_agencies() == [police]


def test_chair_approves_and_office_dispatches(client, committee, secretariat, chair, police):
    from tasks.actions import create_task

    directive = register_directive(
        committee,
        by=secretariat,
        number="5/TB-VPUBND",
        subject="Kết luận",
        issued_on=dt.date(2020, 10, 7),
    )
    create_task(
        directive, by=secretariat, title="Kiểm tra", lead=[police], deadline=dt.date(2020, 12, 31)
    )
    client.force_login(secretariat)
    client.post(reverse("directives:transition", args=[directive.pk, "submit"]))
    client.force_login(chair)
    returned = client.post(
        reverse("directives:transition", args=[directive.pk, "return"]), {"note": ""}
    )
    assert returned.status_code == 302
    directive.refresh_from_db()
    assert directive.state == "awaiting_approval"  # a reason is required
    client.post(reverse("directives:transition", args=[directive.pk, "approve"]))
    client.force_login(secretariat)
    client.post(reverse("directives:transition", args=[directive.pk, "dispatch"]))
    assert Task.objects.get().state == TaskState.ASSIGNED


def test_other_committees_draft_is_404(client, committee, secretariat):
    draft = register_directive(committee, by=secretariat, number="7/KH-BCĐ389", subject="Dự thảo")
    stranger = UserFactory(
        username="vp.ag", role="secretariat", committee=CommitteeFactory(code="bcd389-ag")
    )
    client.force_login(stranger)
    assert client.get(reverse("directives:detail", args=[draft.pk])).status_code == 404
    assert "Dự thảo" not in client.get(reverse("directives:index")).content.decode()


@pytest.mark.parametrize("rows", [10, 200])
def test_register_query_count_is_bounded(office, committee, django_assert_max_num_queries, rows):
    DirectiveFactory.create_batch(rows, committee=committee)
    with django_assert_max_num_queries(10):
        response = office.get(reverse("directives:index"))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        office.get(reverse("directives:index"), {"q": "ket luan", "year": "2020", "page": "2"})
