"""After a decision the page says which way it went: a chair who returns the task list must not
read that the approval "is done" (issue 15)."""

import datetime as dt

import pytest
import time_machine

from tasks.deadlines import VIETNAM
from tasks.models import Extension
from workflows import services
from workflows.flows import DirectiveFlow, ExtensionFlow
from workflows.models import DirectiveProcess
from workflows.queries import extension_request_url
from workflows.views import step_url

from .conftest import open_step

pytestmark = [pytest.mark.django_db, pytest.mark.vietnamese]


def messages_after(client, user, url, data):
    client.force_login(user)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_the_chair_who_returns_the_list_is_told_it_was_returned(
    client, draft_directive, secretariat, chair
):
    process = DirectiveProcess.objects.get(directive=draft_directive)
    services.submit_breakdown(draft_directive, by=secretariat)
    url = step_url(open_step(process, DirectiveFlow.approve))
    said = messages_after(client, chair, url, {"decision": "return", "note": "Bổ sung phối hợp"})
    assert said == ["Đã trả lại danh mục nhiệm vụ cho Cơ quan Thường trực để chỉnh sửa."]
    assert not any("Đã hoàn thành" in m for m in said)

    draft_directive.refresh_from_db()
    services.submit_breakdown(draft_directive, by=secretariat)
    url = step_url(open_step(process, DirectiveFlow.approve))
    said = messages_after(client, chair, url, {"decision": "approve", "note": ""})
    assert said == ["Đã phê duyệt danh mục nhiệm vụ: có thể giao cho các cơ quan, đơn vị."]


def test_an_extension_decision_says_which_way_it_went(
    client, make_task, police, border_guard, officer, chair
):
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM), tick=False):
        task = make_task(lead=[police, border_guard], coordinating=[])
    with time_machine.travel(dt.datetime(2020, 11, 20, 9, tzinfo=VIETNAM), tick=False):
        for new_deadline, decision, expected in [
            ("15/01/2021", "reject", "Đã từ chối đề nghị gia hạn: thời hạn của đơn vị giữ nguyên."),
            ("20/01/2021", "approve", "Đã đồng ý gia hạn: thời hạn mới của đơn vị là 20/01/2021."),
        ]:
            client.force_login(officer)
            client.post(
                extension_request_url(task),
                {"task": task.pk, "new_deadline": new_deadline, "reason": "Chờ giám định"},
                follow=True,
            )
            extension = Extension.objects.get(task=task, state="requested")
            url = step_url(open_step(extension.process, ExtensionFlow.decide))
            said = messages_after(client, chair, url, {"decision": decision, "note": "Ý kiến"})
            assert said == [expected]
