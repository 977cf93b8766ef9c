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
    # No text yet: the office is sent to the edit page to add it (it may also skip it).
    assert response.url == reverse("directives:edit", args=[directive.pk])
    add = reverse("directives:task_add", args=[directive.pk])
    both = office.post(
        add,
        {
            "title": "Kiểm tra",
            "lead": [police.pk],
            "coordinating": [police.pk],
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
            "coordinating": [border_guard.pk],
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


TWO_ITEMS = (
    "II. NHIỆM VỤ\n"
    "1. Giao Sở Công Thương chủ trì xây dựng Kế hoạch kiểm tra trên tuyến biên giới vào 3 tháng "
    "cuối năm.\n"
    "2. Công an tỉnh chủ trì, phối hợp với Bộ Chỉ huy Bộ đội Biên phòng tỉnh tăng cường kiểm tra, "
    "xử lý hàng nhập lậu. Báo cáo kết quả trước ngày 31/12/2020.\n"
)


def draft(committee, secretariat, number="189/TB-VPUBND", text=TWO_ITEMS):
    return register_directive(
        committee,
        by=secretariat,
        number=number,
        subject="Kết luận",
        issued_on=dt.date(2020, 10, 7),
        text=text,
    )


def card_data(response, **changes):
    """The proposal cards as the browser would post them, unchanged unless `changes` say so
    (keys like "p0-take"; None removes a field)."""
    forms = response.context["proposal_forms"]
    data = {"count": str(len(forms))}
    for form in forms:
        for name in form.fields:
            value = form.initial.get(name)
            key = f"{form.prefix}-{name}"
            if name == "take":
                if value:
                    data[key] = "on"
            elif name == "deadline" and value:
                data[key] = value.strftime("%d/%m/%Y")
            elif value is not None:
                data[key] = value
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_proposals_sit_beside_the_text_and_become_tasks(office, committee, secretariat, police):
    pytest.importorskip("breakdown.engine")
    directive = draft(committee, secretariat)
    url = reverse("directives:propose", args=[directive.pk])
    page = office.get(url)
    html = page.content.decode()
    # The text on the left, each proposal's passage marked and linked from its card.
    assert 'id="src-1"' in html and 'href="#src-1"' in html
    assert '<mark class="dd-unmatched">Sở Công Thương</mark>' in html
    # The item that names no member is not ticked; the other is.
    data = card_data(page)
    assert "p0-take" not in data and data["p1-take"] == "on"
    data["p1-title"] = "Tăng cường kiểm tra, xử lý hàng nhập lậu"
    response = office.post(url, data)
    assert response.status_code == 302
    task = directive.tasks.get()
    assert task.title == "Tăng cường kiểm tra, xử lý hàng nhập lậu"
    assert task.lead_agencies() == [police]
    assert task.deadline == dt.date(2020, 12, 31) and task.deadline_text == "trước ngày 31/12/2020"
    # Proposed again, the item already taken is left unticked.
    assert "p1-take" not in card_data(office.get(url))


def test_a_ticked_proposal_without_a_lead_is_refused_and_nothing_is_added(
    office, committee, secretariat, police
):
    pytest.importorskip("breakdown.engine")
    directive = draft(committee, secretariat)
    url = reverse("directives:propose", args=[directive.pk])
    data = card_data(office.get(url), **{"p0-take": "on"})
    response = office.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was added" in html and "Choose at least one lead agency." in html
    assert not directive.tasks.exists()
    data["p0-lead"] = [police.pk]
    office.post(url, data)
    assert directive.tasks.count() == 2


def test_a_confirmed_mapping_resolves_the_name_in_the_next_directive(
    office, committee, secretariat, police, border_guard
):
    pytest.importorskip("breakdown.engine")
    from agencies.models import AgencyAlias
    from tests.factories import AgencyFactory, MembershipFactory

    # A body whose name the text does not use: only a mapping can tie the two.
    trade = AgencyFactory(code="KG-CT", name="Cơ quan Thường trực tỉnh", kind="other")
    MembershipFactory(committee=committee, agency=trade)
    first = draft(committee, secretariat)
    page = office.get(reverse("directives:propose", args=[first.pk]))
    assert [f.initial["name"] for f in page.context["unmatched"]] == ["Sở Công Thương"]
    response = office.post(
        reverse("directives:map_alias", args=[first.pk]),
        {"name": "Sở Công Thương", "agency": trade.pk},
    )
    assert response.url == reverse("directives:propose", args=[first.pk])
    assert AgencyAlias.objects.filter(agency=trade, alias="Sở Công Thương").exists()
    # The proposals are read again with the mapping: no name left to map.
    again = office.get(response.url)
    assert again.context["unmatched"] == []
    second = draft(committee, secretariat, number="190/TB-VPUBND")
    page = office.get(reverse("directives:propose", args=[second.pk]))
    card = page.context["proposal_forms"][0]
    assert card.initial["lead"] == [trade.pk] and card.initial["take"]
    # Only the standing office maps names; a bad agency changes nothing.
    bad = office.post(
        reverse("directives:map_alias", args=[first.pk]), {"name": "Sở Tư pháp", "agency": "x"}
    )
    assert bad.status_code == 302
    assert not AgencyAlias.objects.filter(alias="Sở Tư pháp").exists()


def test_map_alias_is_for_the_standing_office_of_the_committee(committee, secretariat, police):
    from agencies.actions import map_alias
    from project.errors import ActionError, ActionForbidden

    chair = UserFactory(username="truongban2", role="chair", committee=committee)
    with pytest.raises(ActionForbidden):
        map_alias(committee, "Công an", police, by=chair)
    stranger = AgencyFactory_(code="AG-CA", name="Công an tỉnh An Giang")
    with pytest.raises(ActionError, match="not a member"):
        map_alias(committee, "Công an AG", stranger, by=secretariat)
    alias = map_alias(committee, "  Công an   tỉnh KG ", police, by=secretariat)
    assert alias.alias == "Công an tỉnh KG"
    assert map_alias(committee, "Công an tỉnh KG", police, by=secretariat) == alias
    # A name means one member agency: mapping it to a second one is refused.
    other = AgencyFactory_(code="KG-BDBP2", name="Bộ đội Biên phòng tỉnh")
    from tests.factories import MembershipFactory

    MembershipFactory(committee=committee, agency=other)
    with pytest.raises(ActionError, match="already means"):
        map_alias(committee, "công an tỉnh kg", other, by=secretariat)


def AgencyFactory_(**fields):
    from tests.factories import AgencyFactory

    return AgencyFactory(**fields)


def test_merge_two_draft_tasks(office, committee, secretariat, police, border_guard):
    from tasks.actions import create_task

    directive = draft(committee, secretariat, text="")
    first = create_task(
        directive,
        by=secretariat,
        ref="1",
        title="Kiểm tra chợ biên giới",
        lead=[police],
        deadline=dt.date(2020, 12, 31),
    )
    second = create_task(
        directive,
        by=secretariat,
        ref="2",
        title="Xử lý hàng nhập lậu",
        lead=[border_guard],
        coordinating=[police],
        deadline=dt.date(2020, 11, 30),
        deadline_text="trong tháng 11",
    )
    response = office.post(
        reverse("directives:merge", args=[directive.pk]), {"merge": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == "Kiểm tra chợ biên giới; Xử lý hàng nhập lậu"
    assert first.content == "Kiểm tra chợ biên giới\n\nXử lý hàng nhập lậu"
    # Agencies united (a lead anywhere stays lead), the earliest deadline kept.
    assert set(first.lead_agencies()) == {police, border_guard}
    assert not first.assignments.filter(role="coordinating").exists()
    assert first.deadline == dt.date(2020, 11, 30) and first.deadline_text == "trong tháng 11"
    assert second.state == TaskState.CANCELLED and "Merged into" in second.cancelled_reason
    assert first.events.filter(kind="merged", note__startswith="Merged with").exists()
    # One task is not a merge: a message, nothing changed.
    one = office.post(
        reverse("directives:merge", args=[directive.pk]), {"merge": [first.pk]}, follow=True
    )
    assert "Choose at least two tasks to merge." in one.content.decode()


def test_merge_refuses_once_the_list_left_the_draft_and_changes_nothing(
    committee, secretariat, chair, police, border_guard
):
    from project.errors import ActionError
    from tasks.actions import create_task, merge_draft_tasks
    from workflows import services as flows

    directive = draft(committee, secretariat, text="")
    flows.start_directive_flow(directive)
    sent = create_task(directive, by=secretariat, title="Kiểm tra", lead=[police])
    kept = create_task(directive, by=secretariat, title="Xử lý", lead=[border_guard])
    flows.submit_breakdown(directive, by=secretariat)
    flows.decide_task_list(directive, by=chair, approve=True)
    with pytest.raises(ActionError, match="frozen"):
        merge_draft_tasks([sent, kept], by=secretariat)
    kept.refresh_from_db()
    assert kept.state == TaskState.DRAFT and kept.title == "Xử lý"
    elsewhere = create_task(
        draft(committee, secretariat, number="9/TB-VPUBND", text=""),
        by=secretariat,
        title="Khác",
        lead=[police],
    )
    with pytest.raises(ActionError, match="same directive"):
        merge_draft_tasks([kept, elsewhere], by=secretariat)


def test_split_a_draft_task_at_a_sentence(office, committee, secretariat, police, border_guard):
    from tasks.actions import create_task, split_points

    directive = draft(committee, secretariat, text="")
    text = "Kiểm tra chợ biên giới. Xử lý nghiêm hàng nhập lậu; báo cáo kết quả hằng tháng."
    task = create_task(
        directive,
        by=secretariat,
        ref="3",
        title="Kiểm tra chợ biên giới",
        content=text,
        lead=[police],
        coordinating=[border_guard],
        deadline=dt.date(2020, 12, 31),
    )
    after = create_task(directive, by=secretariat, ref="4", title="Tuyên truyền", lead=[police])
    url = reverse("directives:task_split", args=[task.pk])
    page = office.get(url).content.decode()
    points = split_points(text)
    assert len(points) == 2 and f'value="{points[0]}"' in page
    bad = office.post(url, {"at": "5"}, follow=True)
    assert "Choose where to split the text" in bad.content.decode()
    assert directive.tasks.count() == 2
    office.post(url, {"at": str(points[0])})
    task.refresh_from_db()
    assert task.content == "Kiểm tra chợ biên giới."
    new = directive.tasks.exclude(pk__in=[task.pk, after.pk]).get()
    assert new.content == "Xử lý nghiêm hàng nhập lậu; báo cáo kết quả hằng tháng."
    assert new.title == "Xử lý nghiêm hàng nhập lậu" and new.ref == "3b"
    assert new.lead_agencies() == [police] and new.deadline == dt.date(2020, 12, 31)
    # The new task comes right after the one it was split from.
    order = list(directive.tasks.order_by("position", "id").values_list("pk", flat=True))
    assert order == [task.pk, new.pk, after.pk]


def test_registering_starts_the_flow_and_the_page_offers_only_its_steps(
    client, committee, secretariat, chair, police
):
    from viewflow.workflow.status import STATUS

    from workflows.flows import DirectiveFlow
    from workflows.models import DirectiveProcess

    client.force_login(secretariat)
    client.post(
        reverse("directives:create"),
        {"number": "5/TB-VPUBND", "doc_type": "TB", "subject": "Kết luận", "text": TWO_ITEMS},
    )
    directive = Directive.objects.get()
    process = DirectiveProcess.objects.get(directive=directive)
    step = process.task_set.get(flow_task=DirectiveFlow.break_down, status=STATUS.NEW)
    html = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert "/act/" not in html  # no plain lifecycle buttons
    assert html.count("data-flow-step") == 1 and "Break down into tasks" in html
    # The flow's breakdown step is the breakdown editor.
    from workflows.views import step_url

    response = client.get(step_url(step))
    assert response.url == reverse("directives:breakdown", args=[directive.pk])
    submit = reverse("directives:submit", args=[directive.pk])
    nothing = client.post(submit, follow=True)
    assert "Break the directive down into at least one task first." in nothing.content.decode()
    directive.refresh_from_db()
    assert directive.state == "draft"
    from tasks.actions import create_task

    create_task(directive, by=secretariat, title="Kiểm tra", lead=[police])
    client.post(submit, {"note": "Kính trình"})
    directive.refresh_from_db()
    step.refresh_from_db()
    assert directive.state == "awaiting_approval" and step.status == STATUS.DONE
    # The chair sees the approval step, and only that.
    client.force_login(chair)
    html = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert html.count("data-flow-step") == 1 and "Approve the task list" in html
    approve = process.task_set.get(flow_task=DirectiveFlow.approve, status=STATUS.NEW)
    client.post(step_url(approve), {"decision": "approve", "note": ""})
    client.force_login(secretariat)
    html = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert "Dispatch the tasks" in html and html.count("data-flow-step") == 1
    dispatch = process.task_set.get(flow_task=DirectiveFlow.dispatch, status=STATUS.NEW)
    client.post(step_url(dispatch), {})
    assert Task.objects.get().state == TaskState.ASSIGNED


def test_editor_query_count_is_bounded(
    office, committee, secretariat, police, border_guard, django_assert_max_num_queries
):
    from tasks.actions import create_task

    directive = draft(committee, secretariat, text="")
    for n in range(30):
        create_task(
            directive,
            by=secretariat,
            ref=str(n),
            title=f"Nhiệm vụ {n}",
            lead=[police],
            coordinating=[border_guard],
        )
    with django_assert_max_num_queries(15):
        response = office.get(reverse("directives:breakdown", args=[directive.pk]))
    assert response.status_code == 200 and "Nhiệm vụ 29" in response.content.decode()


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


def test_the_breakdown_editor_is_frozen_while_the_chair_reviews_the_list(
    office, committee, secretariat, chair, police
):
    from tasks.actions import create_task
    from workflows import services as flows

    directive = draft(committee, secretariat, text="")
    flows.start_directive_flow(directive)
    task = create_task(directive, by=secretariat, title="Kiểm tra", lead=[police])
    flows.submit_breakdown(directive, by=secretariat)
    editor = office.get(reverse("directives:breakdown", args=[directive.pk])).content.decode()
    assert "with the chair for approval and cannot be changed" in editor
    assert reverse("directives:task_add", args=[directive.pk]) not in editor
    response = office.post(
        reverse("directives:task_add", args=[directive.pk]),
        {"title": "Thêm", "lead": [police.pk], "deadline_kind": "none"},
    )
    assert directive.tasks.count() == 1
    assert response.status_code in (302, 200, 403)
    flows.decide_task_list(directive, by=chair, approve=False, note="Bổ sung")
    editor = office.get(reverse("directives:breakdown", args=[directive.pk])).content.decode()
    assert reverse("directives:task_add", args=[directive.pk]) in editor
    assert task.title in editor


def test_the_editor_says_when_the_engine_stopped_early(office, committee, secretariat, monkeypatch):
    from breakdown import engine

    real = engine.propose_tasks
    # A cap small enough to cut this directive: the page must say the proposals are partial.
    monkeypatch.setattr(
        engine, "propose_tasks", lambda *args, **kwargs: real(*args, **kwargs, max_chars=120)
    )
    directive = draft(committee, secretariat)
    page = office.get(reverse("directives:propose", args=[directive.pk])).content.decode()
    assert "quá giới hạn" in page
