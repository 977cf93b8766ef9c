"""The flows through HTTP, as people use them: register (which starts the flow) → break down in
the breakdown editor → approve (after a return) → dispatch (moving a past deadline) → close; and
each lead agency's extension requests."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from documents.models import Directive
from project.errors import ActionError
from tasks import actions as task_actions
from tasks.deadlines import VIETNAM
from tasks.models import Extension, TaskAssignment, TaskEvent, TaskState
from workflows import services
from workflows.flows import DirectiveFlow, ExtensionFlow
from workflows.models import DirectiveProcess
from workflows.queries import actions_for, extension_request_url, register_url
from workflows.views import step_url

from .conftest import has_open_step, open_step

pytestmark = pytest.mark.django_db

OCTOBER = dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM)
NOVEMBER = dt.datetime(2020, 11, 20, 9, tzinfo=VIETNAM)


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
            "coordinating": [border_guard.pk],
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
    # The deadline (31/12/2020) has long passed: the step asks for a new one and the reason.
    client.force_login(secretariat)
    page = client.get(step_url(dispatch)).content.decode()
    assert "New deadline for" in page
    response = post(client, secretariat, step_url(dispatch), {"note": ""})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.state == TaskState.DRAFT
    post(
        client,
        secretariat,
        step_url(dispatch),
        {f"deadline_{task.pk}": "31/12/2099", "note": "Văn bản đến chậm"},
    )
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and task.deadline == dt.date(2099, 12, 31)
    lead = task.assignments.get(role="lead")
    assert (lead.agency, lead.state, lead.deadline) == (police, "assigned", dt.date(2099, 12, 31))
    assert task.assignments.get(role="coordinating").agency == border_guard
    moved = TaskEvent.objects.get(task=task, kind="deadline_changed")
    assert moved.note == "Văn bản đến chậm"

    # The co-ordinating agency has no flow step to take; the lead may ask for an extension.
    assert actions_for(support_officer, task) == []
    assert [label for label, _url in actions_for(officer, task)] == ["Ask for an extension"]

    # The lead's part runs on its own (tasks/): here straight to accepted.
    directive.committee.reports_need_head_approval = False
    directive.committee.save()
    lead = task_actions.acknowledge(lead, by=officer)
    lead = task_actions.submit_report(lead, by=officer, text="Hoàn thành, bắt 12 vụ").assignment
    task_actions.accept_report(lead, by=secretariat)
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED

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
    def shows(user, step, text):
        client.force_login(user)
        response = client.get(step_url(step))
        assert response.status_code == 200, step
        assert text in response.content.decode()

    process = DirectiveProcess.objects.get(directive=draft_directive)
    step = open_step(process, DirectiveFlow.break_down)
    # The breakdown step is the breakdown editor, which lists the draft tasks.
    client.force_login(secretariat)
    response = client.get(step_url(step), follow=True)
    assert response.redirect_chain[-1][0] == f"/directives/{draft_directive.pk}/breakdown/"
    assert "Đấu tranh với tội phạm buôn lậu thuốc lá" in response.content.decode()
    services.submit_breakdown(draft_directive, by=secretariat)
    shows(chair, open_step(process, DirectiveFlow.approve), "Return it for revision")
    services.decide_task_list(draft_directive, by=chair, approve=True)
    with time_machine.travel(OCTOBER, tick=False):
        shows(secretariat, open_step(process, DirectiveFlow.dispatch), "Dispatch to the agencies")
        services.dispatch(draft_directive, by=secretariat)
        part = TaskAssignment.objects.get(task__ref="II.2", role="lead")
        extension = services.request_extension(
            part, by=officer, new_deadline=dt.date(2021, 2, 1), reason="Chờ giám định"
        )
    shows(chair, open_step(extension.process, ExtensionFlow.decide), "01/02/2021")
    shows(secretariat, open_step(process, DirectiveFlow.close), "Close the directive")


def test_a_step_already_done_shows_a_message_not_an_error(
    client, draft_directive, secretariat, chair
):
    process = DirectiveProcess.objects.get(directive=draft_directive)
    services.submit_breakdown(draft_directive, by=secretariat)
    services.decide_task_list(draft_directive, by=chair, approve=False, note="Sửa")
    step = open_step(process, DirectiveFlow.break_down)
    url = step_url(step)
    post(client, secretariat, url, {"note": ""})
    response = client.post(url, {"note": ""}, follow=True)
    assert response.status_code == 200
    assert "already been completed by someone else" in response.content.decode()
    assert draft_directive.events.filter(to_state="awaiting_approval").count() == 2


def test_anonymous_is_sent_to_log_in(client, draft_directive):
    process = DirectiveProcess.objects.get(directive=draft_directive)
    response = client.get(step_url(open_step(process, DirectiveFlow.break_down)))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.fixture
def two_leads(make_task, police, border_guard, committee):
    """A task led by Công an tỉnh and BĐBP tỉnh, dispatched in October 2020."""
    with time_machine.travel(OCTOBER, tick=False):
        return make_task(lead=[police, border_guard], coordinating=[])


def ask(client, officer, task, deadline, reason="Chờ kết quả giám định"):
    client.force_login(officer)
    return client.post(
        extension_request_url(task), {"task": task.pk, "new_deadline": deadline, "reason": reason}
    )


def test_extension_moves_only_the_asking_agencys_deadline_and_keeps_the_original(
    client, two_leads, police, border_guard, officer, secretariat, chair
):
    task = two_leads
    with time_machine.travel(NOVEMBER, tick=False):
        client.force_login(officer)
        assert client.get(extension_request_url(task)).status_code == 200
        assert ask(client, officer, task, "15/01/2021").status_code == 302
        extension = Extension.objects.get(task=task)
        assert extension.agency == police
        decide = open_step(extension.process, ExtensionFlow.decide)
        labels = [label for label, _url in actions_for(officer, task)]
        assert "Ask for an extension" not in labels  # one request at a time
        # The committee's default: the chair decides, not the office.
        client.force_login(secretariat)
        assert client.get(step_url(decide)).status_code == 403
        assert [label for label, _ in actions_for(chair, task)] == ["Decide on the extension"]
        post(client, chair, step_url(decide), {"decision": "approve", "note": "Đồng ý"})
    police_part = task.assignments.get(agency=police)
    border_part = task.assignments.get(agency=border_guard)
    assert police_part.deadline == dt.date(2021, 1, 15)
    assert police_part.original_deadline == dt.date(2020, 12, 31)
    assert border_part.deadline == dt.date(2020, 12, 31)  # the other lead's is unchanged
    changed = TaskEvent.objects.get(task=task, kind="deadline_changed")
    assert (changed.from_value, changed.to_value) == ("31/12/2020", "15/01/2021")
    assert changed.agency == police


def test_extension_cannot_be_asked_once_the_deadline_has_passed(client, two_leads, officer):
    task = two_leads
    with time_machine.travel(dt.datetime(2021, 1, 10, 9, tzinfo=VIETNAM), tick=False):
        client.force_login(officer)
        page = client.get(extension_request_url(task)).content.decode()
        assert "has passed: an extension can only be asked for before it" in page
        response = ask(client, officer, task, "28/02/2021")
        assert response.status_code == 200
        assert "has passed" in response.content.decode()
    assert not Extension.objects.exists()
    part = task.assignments.get(agency__code="KG-CA")
    assert part.deadline == dt.date(2020, 12, 31)


def test_extension_never_turns_a_late_part_into_an_on_time_one(
    two_leads, officer, secretariat, chair
):
    task = two_leads
    part = task.assignments.get(agency__code="KG-CA")
    with time_machine.travel(dt.datetime(2021, 1, 10, 9, tzinfo=VIETNAM), tick=False):
        assert part.__class__.objects.filter(pk=part.pk).with_timeliness().get().timeliness == (
            "open_overdue"
        )
        with pytest.raises(ActionError, match="has passed"):
            services.request_extension(
                part, by=officer, new_deadline=dt.date(2021, 3, 1), reason="Xin thêm"
            )
        assert part.__class__.objects.filter(pk=part.pk).with_timeliness().get().timeliness == (
            "open_overdue"
        )


def test_extension_rejected_needs_a_reason_and_keeps_the_deadline(
    client, two_leads, officer, chair
):
    task = two_leads
    with time_machine.travel(NOVEMBER, tick=False):
        ask(client, officer, task, "15/01/2021", reason="Thiếu nhân lực")
        decide = open_step(Extension.objects.get(task=task).process, ExtensionFlow.decide)
        response = post(client, chair, step_url(decide), {"decision": "reject", "note": ""})
        assert "Please give a reason." in response.content.decode()
        post(client, chair, step_url(decide), {"decision": "reject", "note": "Không có căn cứ"})
    assert task.assignments.get(agency__code="KG-CA").deadline == dt.date(2020, 12, 31)
    assert Extension.objects.get(task=task).state == "rejected"


def test_extension_for_an_earlier_date_is_refused_with_a_message(client, two_leads, officer):
    with time_machine.travel(NOVEMBER, tick=False):
        response = ask(client, officer, two_leads, "01/12/2020", reason="Xin lùi")
    assert response.status_code == 200
    assert "must be later than the current one (31/12/2020)" in response.content.decode()
    assert not Extension.objects.exists()


def test_a_coordinating_agency_cannot_ask_for_an_extension(
    client, dispatched, draft_directive, officer
):
    border_task = draft_directive.tasks.get(ref="II.1")  # the border guard leads it
    client.force_login(officer)  # police: co-ordinating only
    assert client.get(extension_request_url(border_task)).status_code == 403


def test_actions_for_asks_few_queries(
    dispatched, draft_directive, officer, django_assert_max_num_queries
):
    task = draft_directive.tasks.get(ref="II.2")
    with time_machine.travel(NOVEMBER, tick=False):
        with django_assert_max_num_queries(12):
            actions = actions_for(officer, task)
    assert len(actions) == 1


def test_viewflow_process_pages_ask_the_permission_layer(
    client, committee, dispatched, draft_directive, officer, secretariat
):
    from tests.factories import AgencyFactory, UserFactory
    from workflows.nodes import ensure_urls_loaded

    stranger = UserFactory(
        username="canbo.hq",
        role="agency_officer",
        committee=committee,
        agency=AgencyFactory(code="KG-HQ", name="Cục Hải quan tỉnh Kiên Giang", kind="customs"),
    )
    ensure_urls_loaded()
    detail = DirectiveFlow.instance.reverse("process_detail", args=[dispatched.pk])
    listing = DirectiveFlow.instance.reverse("process_list")
    client.force_login(officer)
    assert client.get(detail).status_code == 200
    client.force_login(stranger)
    assert client.get(detail).status_code == 404  # as if it did not exist
    assert client.get(detail.replace(str(dispatched.pk), "999999")).status_code == 404
    client.force_login(secretariat)  # generic process lists are for administrators only
    assert client.get(listing).status_code == 403


def test_another_committees_step_is_a_404_and_a_step_of_ones_own_committee_a_403(
    client, draft_directive, chair
):
    from tests.factories import CommitteeFactory, UserFactory

    outsider = UserFactory(
        username="vanphong.ag", role="secretariat", committee=CommitteeFactory(code="bcd389-ag")
    )
    process = DirectiveProcess.objects.get(directive=draft_directive)
    url = step_url(open_step(process, DirectiveFlow.break_down))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(chair)  # sees the directive, but breaking it down is the office's step
    assert client.get(url).status_code == 403
