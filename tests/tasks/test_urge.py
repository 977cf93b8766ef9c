"""Urging a task (đôn đốc): the lead agency's people see it in the app, once per urge, only after
the urge is committed."""

from django.urls import reverse

from chasing.models import Notification
from tasks.actions import urge_task
from tests.factories import UserFactory


def test_urge_notifies_the_lead_agencys_people_after_commit(
    client,
    make_task,
    secretariat,
    officer,
    support_officer,
    committee,
    police,
    django_capture_on_commit_callbacks,
):
    head = UserFactory(
        username="lanhdao.ca", role="agency_head", committee=committee, agency=police
    )
    task = make_task(title="Kiểm tra chợ biên giới")
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("work:task_urge", args=[task.pk]), {"note": "Đề nghị báo cáo ngay"})
    assert not Notification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    urged = Notification.objects.filter(kind="urged")
    # The lead agency (police), not the co-ordinating border guard.
    assert sorted(urged.values_list("recipient__username", flat=True)) == sorted(
        [officer.username, head.username]
    )
    note = urged.get(recipient=officer)
    assert "Kiểm tra chợ biên giới" in note.title and note.body == "Đề nghị báo cáo ngay"
    assert note.task == task and note.url == reverse("work:task", args=[task.pk])
    assert not urged.filter(recipient=support_officer).exists()
    # Each urge is its own message; running the same claim again adds nothing.
    for callback in callbacks:
        callback()
    assert urged.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        urge_task(task, by=secretariat)
    assert urged.filter(recipient=officer).count() == 2


def test_urging_one_of_two_leads_notifies_only_that_agency(
    client,
    make_task,
    secretariat,
    officer,
    support_officer,
    police,
    border_guard,
    django_capture_on_commit_callbacks,
):
    task = make_task(lead=[police, border_guard], coordinating=[])
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("work:task_urge", args=[task.pk]), {"agency": border_guard.pk})
    urged = Notification.objects.filter(kind="urged")
    assert list(urged.values_list("recipient__username", flat=True)) == [support_officer.username]
    assert list(task.events.filter(kind="urged").values_list("agency", flat=True)) == [
        border_guard.pk
    ]
