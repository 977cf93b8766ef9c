"""Every event that hands the next move to someone tells them, in the app and by e-mail, in their
own language, once the action has committed; a directive of many tasks is one notice per person
(issue 15)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from chasing.models import Notification
from chasing.notices import Notices
from documents.actions import register_directive
from project.errors import ActionError
from tasks import actions
from tasks.actions import create_task
from tasks.deadlines import VIETNAM
from tasks.models import TaskAssignment
from tests.factories import UserFactory
from workflows import services as flows

OCTOBER = dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM)
NOVEMBER = dt.datetime(2020, 11, 20, 9, tzinfo=VIETNAM)


@pytest.fixture
def head(committee, police):
    return UserFactory(
        username="lanhdao.ca",
        role="agency_head",
        committee=committee,
        agency=police,
        email="lanhdao.ca@kiengiang.gov.vn",
    )


@pytest.fixture
def people(secretariat, chair, officer, support_officer, head):
    for user, email in [
        (secretariat, "vanphong@kiengiang.gov.vn"),
        (chair, "truongban@kiengiang.gov.vn"),
        (officer, "canbo.ca@kiengiang.gov.vn"),
        (support_officer, "canbo.bdbp@kiengiang.gov.vn"),
    ]:
        user.email = email
        user.save()
    return {"secretariat": secretariat, "chair": chair, "officer": officer, "head": head}


def notices(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("pk"))


def three_task_directive(committee, secretariat, police, border_guard):
    directive = register_directive(
        committee,
        by=secretariat,
        number="125/TB-VPUBND",
        subject="Kết luận hội nghị sơ kết 9 tháng",
        issued_on=dt.date(2020, 10, 7),
    )
    flows.start_directive_flow(directive)
    for n, title in enumerate(
        ["Tuần tra biên giới", "Kiểm tra chợ Hà Tiên", "Đấu tranh buôn lậu thuốc lá"], start=1
    ):
        create_task(
            directive,
            by=secretariat,
            ref=f"II.{n}",
            title=title,
            lead=[police],
            coordinating=[border_guard],
            deadline=dt.date(2020, 12, 31),
        )
    return directive


@pytest.mark.vietnamese
def test_a_directive_dispatched_is_one_notice_per_person_listing_their_tasks(
    committee, people, police, border_guard, support_officer, django_capture_on_commit_callbacks
):
    secretariat, chair, officer, head = (
        people["secretariat"],
        people["chair"],
        people["officer"],
        people["head"],
    )
    directive = three_task_directive(committee, secretariat, police, border_guard)
    with django_capture_on_commit_callbacks(execute=True):
        flows.submit_breakdown(directive, by=secretariat, note="Kính trình")
    [asked] = notices(chair, "list_submitted")
    assert asked.title == "Danh mục nhiệm vụ chờ phê duyệt: 125/TB-VPUBND"
    assert asked.body == "Kính trình"
    assert asked.url == reverse("directives:detail", args=[directive.pk])
    assert notices(secretariat) == []  # not told of their own act

    with django_capture_on_commit_callbacks(execute=True):
        flows.decide_task_list(directive, by=chair, approve=False, note="Bổ sung đơn vị phối hợp")
    [returned] = notices(secretariat, "list_returned")
    assert returned.title == "Danh mục nhiệm vụ bị trả lại để chỉnh sửa: 125/TB-VPUBND"
    assert returned.body == "Bổ sung đơn vị phối hợp"

    directive.refresh_from_db()
    flows.submit_breakdown(directive, by=secretariat)
    flows.decide_task_list(directive, by=chair, approve=True)
    mail.outbox.clear()
    with (
        time_machine.travel(OCTOBER, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        flows.dispatch(directive, by=secretariat)

    for person, agency in [(officer, "Công an tỉnh"), (head, "Công an tỉnh")]:
        [told] = notices(person, "task_dispatched")
        assert told.title == f"3 nhiệm vụ mới cho {agency}: 125/TB-VPUBND"
        lines = told.body.splitlines()
        assert lines[0] == f"125/TB-VPUBND giao các nhiệm vụ sau cho {agency}:"
        assert lines[1:] == [
            "- II.1. Tuần tra biên giới – Chủ trì, thời hạn: 31/12/2020",
            "- II.2. Kiểm tra chợ Hà Tiên – Chủ trì, thời hạn: 31/12/2020",
            "- II.3. Đấu tranh buôn lậu thuốc lá – Chủ trì, thời hạn: 31/12/2020",
        ]
    [support] = notices(support_officer, "task_dispatched")
    assert support.title == "3 nhiệm vụ mới cho BĐBP tỉnh: 125/TB-VPUBND"
    assert "– Phối hợp, thời hạn: 31/12/2020" in support.body
    assert notices(secretariat, "task_dispatched") == []
    # One e-mail per person, not one per task.
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == [
        "canbo.bdbp@kiengiang.gov.vn",
        "canbo.ca@kiengiang.gov.vn",
        "lanhdao.ca@kiengiang.gov.vn",
    ]
    assert mail.outbox[0].subject.startswith("3 nhiệm vụ mới cho ")


def test_a_report_tells_whoever_acts_next_at_each_step(
    make_task, people, police, django_capture_on_commit_callbacks
):
    secretariat, officer, head = people["secretariat"], people["officer"], people["head"]
    with time_machine.travel(OCTOBER, tick=False), django_capture_on_commit_callbacks(execute=True):
        task = make_task(title="Kiểm tra chợ Hà Tiên", deadline=dt.date(2020, 12, 31))
    part = task.assignments.get(agency=police)
    [dispatched] = notices(officer, "task_dispatched")
    assert dispatched.title == f"New task for Công an tỉnh: {task}"
    assert dispatched.task == task and dispatched.url == reverse("work:task", args=[task.pk])

    def act(action, *args, **kwargs):
        """Run the action and its after-commit callbacks (as a request would)."""
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    def fresh(part):
        part.refresh_from_db()
        return part

    with time_machine.travel(NOVEMBER, tick=False):
        part = act(actions.acknowledge, part, by=officer)
        act(actions.submit_report, part, by=officer, text="Đã kiểm tra 12 cơ sở")
        [to_sign] = notices(head, "report_to_sign_off")
        assert to_sign.title == f"Report awaiting your sign-off: {task}"
        assert to_sign.body == f"{officer} reported on the part of Công an tỉnh."
        assert notices(secretariat, "report_to_review") == []  # still inside the agency

        act(actions.send_back_report, fresh(part), by=head, reason="Bổ sung số liệu")
        [sent_back] = notices(officer, "report_sent_back")
        assert sent_back.title == f"Your report was sent back by the head: {task}"
        assert sent_back.body == "Bổ sung số liệu"

        act(actions.submit_report, fresh(part), by=officer, text="Thu 30 triệu đồng")
        act(actions.sign_off_report, fresh(part), by=head)
        [to_review] = notices(secretariat, "report_to_review")
        assert to_review.title == f"Report to review: {task} – Công an tỉnh"

        act(actions.return_report, fresh(part), by=secretariat, reason="Thiếu biên bản")
        [returned] = notices(officer, "task_report_returned")
        assert returned.title == f"Report returned for more work: {task}"
        assert returned.body == "Thiếu biên bản"

        act(actions.submit_report, fresh(part), by=head, text="Đã bổ sung biên bản")
        assert len(notices(secretariat, "report_to_review")) == 2
        act(actions.accept_report, fresh(part), by=secretariat, note="Đạt yêu cầu")
    [accepted] = notices(officer, "report_accepted")
    assert accepted.title == f"Report accepted: {task}" and accepted.body == "Đạt yêu cầu"
    # The head wrote the last report: told too, as its author.
    assert [n.title for n in notices(head, "report_accepted")] == [accepted.title]


def test_an_extension_tells_who_decides_then_who_asked(
    make_task, people, police, django_capture_on_commit_callbacks
):
    secretariat, chair, officer, head = (
        people["secretariat"],
        people["chair"],
        people["officer"],
        people["head"],
    )
    with time_machine.travel(OCTOBER, tick=False), django_capture_on_commit_callbacks(execute=True):
        task = make_task(title="Kiểm tra chợ Hà Tiên", deadline=dt.date(2020, 12, 31))
    part = task.assignments.get(agency=police)
    with time_machine.travel(NOVEMBER, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            extension = flows.request_extension(
                part, by=officer, new_deadline=dt.date(2021, 1, 15), reason="Chờ giám định"
            )
        [asked] = notices(chair, "extension_requested")
        assert asked.title == f"Extension requested: {task} – Công an tỉnh"
        assert asked.body == "From 31/12/2020 to 15/01/2021. Reason: Chờ giám định"
        assert notices(secretariat, "extension_requested") == []  # the chair decides here
        with django_capture_on_commit_callbacks(execute=True):
            flows.decide_extension(extension, by=chair, approve=True, note="Đồng ý")
    for person in (officer, head):
        [decided] = notices(person, "extension_decided")
        assert decided.title == f"Extension approved: {task}"
        assert decided.body == "The new deadline of Công an tỉnh is 15/01/2021."


def test_each_person_reads_the_notice_in_their_own_language(
    make_task, people, police, committee, django_capture_on_commit_callbacks
):
    officer, head = people["officer"], people["head"]
    head.language = "vi"
    head.save()
    with time_machine.travel(OCTOBER, tick=False), django_capture_on_commit_callbacks(execute=True):
        task = make_task(title="Kiểm tra chợ Hà Tiên", deadline=dt.date(2020, 12, 31))
    assert notices(officer, "task_dispatched")[0].title.startswith("New task for Công an tỉnh")
    assert notices(head, "task_dispatched")[0].title == f"Nhiệm vụ mới cho Công an tỉnh: {task}"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.urge_task(task, by=people["secretariat"])
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["lanhdao.ca@kiengiang.gov.vn"].subject == f"Đôn đốc: {task}"
    assert by_address["lanhdao.ca@kiengiang.gov.vn"].body.startswith(
        "Đôn đốc: đề nghị đơn vị báo cáo kết quả thực hiện nhiệm vụ."
    )
    assert by_address["canbo.ca@kiengiang.gov.vn"].subject == f"Urged: {task}"
    assert "please do not reply" in by_address["canbo.ca@kiengiang.gov.vn"].body
    assert "vui lòng không trả lời" in by_address["lanhdao.ca@kiengiang.gov.vn"].body


def test_an_action_refused_tells_nobody(
    make_task, people, police, committee, django_capture_on_commit_callbacks
):
    """submit_report refuses a foreign contribution after it has lined up the head's notice:
    the rolled-back report tells nobody."""
    officer, head = people["officer"], people["head"]
    with time_machine.travel(OCTOBER, tick=False), django_capture_on_commit_callbacks(execute=True):
        task = make_task(title="Kiểm tra chợ Hà Tiên", deadline=dt.date(2020, 12, 31))
        other = make_task(title="Tuần tra biên giới", deadline=dt.date(2020, 12, 31))
    part = task.assignments.get(agency=police)
    foreign = actions.post_contribution(
        other.assignments.get(role="coordinating"),
        by=UserFactory(
            username="canbo.bdbp2",
            role="agency_officer",
            committee=committee,
            agency=other.assignments.get(role="coordinating").agency,
        ),
        text="Phối hợp tuần tra",
    )
    with time_machine.travel(NOVEMBER, tick=False):
        part = actions.acknowledge(part, by=officer)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionError):
            actions.submit_report(part, by=officer, text="Xong", contributions=[foreign])
    assert notices(head, "report_to_sign_off") == []
    part.refresh_from_db()
    assert part.state == "in_progress"


def test_choosing_a_language_on_the_site_is_remembered_for_notices(client, people):
    officer = people["officer"]
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "vi"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "en"


def test_an_urge_to_two_leads_tells_each_agencys_people_with_their_own_deadline(
    make_task,
    people,
    police,
    border_guard,
    support_officer,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    officer, head = people["officer"], people["head"]
    with time_machine.travel(OCTOBER, tick=False), django_capture_on_commit_callbacks(execute=True):
        task = make_task(
            lead=[police, border_guard], coordinating=[], deadline=dt.date(2020, 12, 31)
        )
    TaskAssignment.objects.filter(task=task, agency=border_guard).update(
        due_at=dt.datetime(2021, 1, 15, 23, 59, 59, tzinfo=VIETNAM)
    )
    with (
        time_machine.travel(NOVEMBER, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        actions.urge_task(task, by=people["secretariat"])
    due = {p.agency_id: p.due_at for p in task.assignments.all()}
    for person, agency in [(officer, police), (head, police), (support_officer, border_guard)]:
        [urged] = notices(person, "urged")
        assert urged.due_at == due[agency.pk]
        assert (
            urged.title == f"Urged: {task}" and urged.body == "Urged: please report on this task."
        )
    # Both agencies' people are looked up in one query.
    with django_assert_num_queries(1):
        staff = Notices().agencies_staff(
            [police.pk, border_guard.pk], ["agency_officer", "agency_head"]
        )
    assert sorted(staff[police.pk]) == sorted([officer.pk, head.pk])
    assert staff[border_guard.pk] == [support_officer.pk]


@pytest.mark.vietnamese
def test_a_task_without_a_deadline_reads_naturally_in_vietnamese(
    make_task, people, police, django_capture_on_commit_callbacks
):
    head = people["head"]
    head.language = "vi"
    head.save()
    with time_machine.travel(OCTOBER, tick=False), django_capture_on_commit_callbacks(execute=True):
        task = make_task(title="Tuần tra biên giới", deadline=None)
    [told] = notices(head, "task_dispatched")
    # "thời hạn: không có thời hạn" said the deadline twice.
    assert told.body == f"{task} – Chủ trì, thời hạn: không ấn định"


def test_where_the_standing_office_decides_extensions_it_is_told_not_the_chair(
    make_task, people, police, committee, django_capture_on_commit_callbacks
):
    committee.extension_approver = "secretariat"
    committee.save()
    with time_machine.travel(OCTOBER, tick=False), django_capture_on_commit_callbacks(execute=True):
        task = make_task(title="Kiểm tra chợ Hà Tiên", deadline=dt.date(2020, 12, 31))
    with (
        time_machine.travel(NOVEMBER, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        flows.request_extension(
            task.assignments.get(agency=police),
            by=people["officer"],
            new_deadline=dt.date(2021, 1, 15),
            reason="Chờ giám định",
        )
    assert [n.title for n in notices(people["secretariat"], "extension_requested")] == [
        f"Extension requested: {task} – Công an tỉnh"
    ]
    assert notices(people["chair"], "extension_requested") == []
