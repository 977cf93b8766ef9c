"""The flows through HTTP, as people use them: register (which starts the flow) → break down in
the breakdown editor → approve (after a return) → dispatch → acknowledge → report → returned → report again → accepted → close; extensions."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from documents.models import Directive
from tasks.models import Extension, TaskEvent, TaskReport, TaskState
from workflows.flows import DirectiveFlow, ExtensionFlow, TaskFlow
from workflows.models import DirectiveProcess
from workflows.queries import actions_for, extension_request_url, register_url
from workflows.views import step_url

from .conftest import has_open_step, open_step

pytestmark = pytest.mark.django_db


def post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def test_directive_and_task_flows_end_to_end(
    client, committee, secretariat, chair, officer, support_officer, police, border_guard
):
    client.force_login(secretariat)
    assert client.get(register_url()).status_code == 200
    text = SimpleUploadedFile("tb.txt", "II. NHIỆM VỤ\n1. Công an tỉnh chủ trì…".encode())
    response = client.post(
        register_url(),
        {
            "number": "125/TB-VPUBND",
            "doc_type": "TB",
            "subject": "Kết luận hội nghị sơ kết",
            "issued_on": "07/10/2020",
            "text": "",
            "files": [text],
        },
    )
    directive = Directive.objects.get(number=125)
    assert "Công an tỉnh chủ trì" in directive.text
    # Registering started the flow: its breakdown step is the breakdown editor.
    process = DirectiveProcess.objects.get(directive=directive)
    break_down = open_step(process, DirectiveFlow.break_down)
    editor = reverse("directives:breakdown", args=[directive.pk])
    assert response.status_code == 302 and response.url == editor
    assert client.get(step_url(break_down)).url == editor

    # By hand: one task, then submit for approval from the editor.
    response = client.post(
        reverse("directives:task_add", args=[directive.pk]),
        {
            "ref": "II.1",
            "title": "Đấu tranh với buôn lậu thuốc lá",
            "lead": [police.pk],
            "support": [border_guard.pk],
            "deadline_kind": "date",
            "deadline": "31/12/2020",
        },
    )
    assert response.status_code == 302
    task = directive.tasks.get()
    assert task.deadline == dt.date(2020, 12, 31)
    assert has_open_step(process, DirectiveFlow.break_down)
    client.post(reverse("directives:submit", args=[directive.pk]), {"note": ""})
    approve = open_step(process, DirectiveFlow.approve)

    # The office cannot approve; the chair returns it, with a reason (required).
    assert client.get(step_url(approve)).status_code == 403
    client.force_login(chair)
    response = client.post(step_url(approve), {"decision": "return", "note": ""})
    assert response.status_code == 200
    assert "Please give a reason." in response.content.decode()
    directive.refresh_from_db()
    assert directive.state == "awaiting_approval"
    client.post(step_url(approve), {"decision": "return", "note": "Bổ sung phối hợp"})
    directive.refresh_from_db()
    assert directive.state == "draft"
    break_down = open_step(process, DirectiveFlow.break_down)

    client.force_login(secretariat)
    assert client.get(step_url(break_down)).url == editor
    post(
        client,
        secretariat,
        reverse("directives:submit", args=[directive.pk]),
        {"note": "Đã bổ sung"},
    )
    post(
        client,
        chair,
        step_url(open_step(process, DirectiveFlow.approve)),
        {"decision": "approve", "note": ""},
    )
    dispatch = open_step(process, DirectiveFlow.dispatch)
    post(client, secretariat, step_url(dispatch), {})
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED
    task_process = task.process

    # The co-ordinating agency sees the task but may not acknowledge it.
    acknowledge = open_step(task_process, TaskFlow.acknowledge)
    client.force_login(support_officer)
    assert client.get(step_url(acknowledge)).status_code == 403
    assert actions_for(support_officer, task) == []
    labels = [label for label, _url in actions_for(officer, task)]
    assert labels == ["Acknowledge and name the officer", "Ask for an extension"]

    post(client, officer, step_url(acknowledge), {"officer": officer.pk, "note": "Đã nhận"})
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.officer == officer
    report = open_step(task_process, TaskFlow.report)

    # A progress update keeps the step open; the result report moves it to review.
    post(client, officer, step_url(report), {"kind": "progress", "text": "Đã bắt 3 vụ"})
    assert has_open_step(task_process, TaskFlow.report)
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 ...")
    post(
        client,
        officer,
        step_url(report),
        {"kind": "result", "text": "Hoàn thành, bắt 12 vụ", "files": [upload]},
    )
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED
    assert task.attachments.filter(name="bao-cao.pdf").exists()
    review = open_step(task_process, TaskFlow.review)

    post(client, secretariat, step_url(review), {"decision": "return", "note": "Thiếu số liệu"})
    task.refresh_from_db()
    assert task.state == TaskState.RETURNED
    report = open_step(task_process, TaskFlow.report)
    client.force_login(officer)
    assert "Thiếu số liệu" in client.get(step_url(report)).content.decode()
    client.post(step_url(report), {"kind": "result", "text": "Bổ sung số liệu: 12 vụ, 3 tỷ"})
    post(
        client,
        secretariat,
        step_url(open_step(task_process, TaskFlow.review)),
        {"decision": "accept", "note": ""},
    )
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    assert TaskReport.objects.filter(task=task, outcome="accepted").count() == 1

    close = open_step(process, DirectiveFlow.close)
    response = post(client, secretariat, step_url(close), {"summary": ""})
    assert response.status_code == 200  # the summary is required
    post(client, secretariat, step_url(close), {"summary": "Hoàn thành 1/1 nhiệm vụ đúng hạn."})
    directive.refresh_from_db()
    process.refresh_from_db()
    assert directive.state == "closed" and directive.summary.startswith("Hoàn thành")
    assert process.status == PROCESS.DONE


def test_every_step_page_shows_its_form(
    client, draft_directive, secretariat, chair, officer, police, border_guard
):
    from documents import actions as directive_actions
    from tasks import actions as task_actions
    from workflows.services import complete_step

    def shows(user, step, text):
        client.force_login(user)
        response = client.get(step_url(step))
        assert response.status_code == 200, step
        assert text in response.content.decode()

    process = DirectiveFlow.adopt.run(directive=draft_directive)
    step = open_step(process, DirectiveFlow.break_down)
    # The breakdown step is the breakdown editor, which lists the draft tasks.
    client.force_login(secretariat)
    response = client.get(step_url(step), follow=True)
    assert response.redirect_chain[-1][0] == f"/directives/{draft_directive.pk}/breakdown/"
    assert "Đấu tranh với tội phạm buôn lậu thuốc lá" in response.content.decode()
    complete_step(
        step,
        by=secretariat,
        perform=lambda: directive_actions.submit_directive_for_approval(
            draft_directive, by=secretariat
        ),
    )
    step = open_step(process, DirectiveFlow.approve)
    shows(chair, step, "Return it for revision")
    complete_step(
        step,
        by=chair,
        perform=lambda: directive_actions.approve_directive(draft_directive, by=chair),
    )
    step = open_step(process, DirectiveFlow.dispatch)
    shows(secretariat, step, "Dispatch to the agencies")
    complete_step(
        step,
        by=secretariat,
        perform=lambda: directive_actions.dispatch_directive(draft_directive, by=secretariat),
    )
    task = draft_directive.tasks.get(ref="II.2")
    shows(officer, open_step(task.process, TaskFlow.acknowledge), "Officer in charge")
    task_actions.acknowledge_task(task, by=officer)
    task_actions.submit_report(task, by=officer, text="Kết quả: bắt giữ 12 vụ")
    from workflows.sync import sync_object

    sync_object(task)
    shows(secretariat, open_step(task.process, TaskFlow.review), "Kết quả: bắt giữ 12 vụ")
    extension = task_actions.request_extension(
        task, by=officer, new_deadline=dt.date(2021, 2, 1), reason="Chờ giám định"
    )
    sync_object(task)
    shows(chair, open_step(extension.process, ExtensionFlow.decide), "01/02/2021")


def test_a_step_already_done_shows_a_message_not_an_error(
    client, dispatched, draft_directive, officer
):
    task = draft_directive.tasks.get(ref="II.2")
    acknowledge = open_step(task.process, TaskFlow.acknowledge)
    url = step_url(acknowledge)
    post(client, officer, url, {"officer": officer.pk})
    response = client.post(url, {"officer": officer.pk}, follow=True)
    assert response.status_code == 200
    assert "already been completed by someone else" in response.content.decode()
    assert TaskEvent.objects.filter(task=task, kind="officer").count() == 1


def test_anonymous_is_sent_to_log_in(client, dispatched, draft_directive):
    task = draft_directive.tasks.get(ref="II.2")
    response = client.get(step_url(open_step(task.process, TaskFlow.acknowledge)))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_extension_approved_moves_the_deadline_and_keeps_the_original(
    client, dispatched, draft_directive, officer, secretariat, chair
):
    task = draft_directive.tasks.get(ref="II.2")
    client.force_login(officer)
    url = extension_request_url(task)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"task": task.pk, "new_deadline": "15/01/2021", "reason": "Chờ kết quả giám định"}
    )
    assert response.status_code == 302
    extension = Extension.objects.get(task=task)
    decide = open_step(extension.process, ExtensionFlow.decide)
    labels = [label for label, _url in actions_for(officer, task)]
    assert "Ask for an extension" not in labels  # one request at a time
    # The committee's default: the chair decides, not the office.
    client.force_login(secretariat)
    assert client.get(step_url(decide)).status_code == 403
    assert [label for label, _ in actions_for(chair, task)] == ["Decide on the extension"]
    post(client, chair, step_url(decide), {"decision": "approve", "note": "Đồng ý"})
    task.refresh_from_db()
    assert task.deadline == dt.date(2021, 1, 15)
    assert task.original_deadline == dt.date(2020, 12, 31)
    changed = TaskEvent.objects.get(task=task, kind="deadline_changed")
    assert (changed.from_value, changed.to_value) == ("31/12/2020", "15/01/2021")
    # The task's deadline timer follows the new deadline.
    timer = task.process.task_set.get(flow_task=TaskFlow.acknowledge_deadline)
    assert timer.scheduled == task.due_at


def test_extension_rejected_needs_a_reason_and_keeps_the_deadline(
    client, dispatched, draft_directive, officer, chair
):
    task = draft_directive.tasks.get(ref="II.2")
    client.force_login(officer)
    client.post(
        extension_request_url(task),
        {"task": task.pk, "new_deadline": "15/01/2021", "reason": "Thiếu nhân lực"},
    )
    decide = open_step(Extension.objects.get(task=task).process, ExtensionFlow.decide)
    response = post(client, chair, step_url(decide), {"decision": "reject", "note": ""})
    assert "Please give a reason." in response.content.decode()
    post(client, chair, step_url(decide), {"decision": "reject", "note": "Không có căn cứ"})
    task.refresh_from_db()
    assert task.deadline == dt.date(2020, 12, 31)
    assert Extension.objects.get(task=task).state == "rejected"


def test_extension_for_an_earlier_date_is_refused_with_a_message(
    client, dispatched, draft_directive, officer
):
    task = draft_directive.tasks.get(ref="II.2")
    client.force_login(officer)
    response = client.post(
        extension_request_url(task),
        {"task": task.pk, "new_deadline": "01/12/2020", "reason": "Xin lùi"},
    )
    assert response.status_code == 200
    assert "must be later than the current one (31/12/2020)" in response.content.decode()
    assert not Extension.objects.exists()


def test_other_agency_cannot_ask_for_an_extension(client, dispatched, draft_directive, officer):
    border_task = draft_directive.tasks.get(ref="II.1")  # the border guard leads it
    client.force_login(officer)  # police: co-ordinating only
    assert client.get(extension_request_url(border_task)).status_code == 403


def test_actions_for_asks_few_queries(
    dispatched, draft_directive, officer, django_assert_max_num_queries
):
    task = draft_directive.tasks.get(ref="II.2")
    with django_assert_max_num_queries(12):
        actions = actions_for(officer, task)
    assert len(actions) == 2


def test_viewflow_process_pages_ask_the_permission_layer(
    client, committee, dispatched, draft_directive, officer, secretariat
):
    from tests.factories import AgencyFactory, UserFactory
    from workflows.views import ensure_urls_loaded

    stranger = UserFactory(
        username="canbo.hq",
        role="agency_officer",
        committee=committee,
        agency=AgencyFactory(code="KG-HQ", name="Cục Hải quan tỉnh Kiên Giang", kind="customs"),
    )
    task = draft_directive.tasks.get(ref="II.2")
    ensure_urls_loaded()
    detail = TaskFlow.instance.reverse("process_detail", args=[task.process.pk])
    listing = TaskFlow.instance.reverse("process_list")
    client.force_login(officer)
    assert client.get(detail).status_code == 200
    client.force_login(stranger)
    assert client.get(detail).status_code == 403
    client.force_login(secretariat)  # generic process lists are for administrators only
    assert client.get(listing).status_code == 403
