"""The admin cannot move what decides who sees what, and what it changes is in the audit trail
with old and new values."""

import pytest
from django.urls import reverse

from audit.models import ChangeEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(committee):
    return UserFactory(
        username="root", role="admin", committee=None, is_staff=True, is_superuser=True
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_a_tasks_directive_and_a_directives_committee_cannot_be_changed(admin_client, make_task):
    task = make_task()
    page = admin_client.get(reverse("admin:tasks_task_change", args=[task.pk])).content.decode()
    assert 'name="directive"' not in page
    directive = task.directive
    page = admin_client.get(
        reverse("admin:documents_directive_change", args=[directive.pk])
    ).content.decode()
    assert 'name="committee"' not in page
    assert 'name="subject"' in page


def test_an_admin_edit_is_logged_with_old_and_new_values(admin_client, superuser, police):
    url = reverse("admin:agencies_agency_change", args=[police.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "name": "Công an tỉnh Kiên Giang (mới)",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = ChangeEvent.objects.get(kind="admin_changed")
    assert event.actor == superuser
    assert event.changes["name"] == ["Công an tỉnh Kiên Giang", "Công an tỉnh Kiên Giang (mới)"]
    assert "KG-CA" in event.subject or "Công an" in event.subject


def test_a_new_users_password_never_reaches_the_log(admin_client):
    response = admin_client.post(
        reverse("admin:agencies_user_add"),
        {"username": "moi", "password1": "Mk-rat-dai-389!", "password2": "Mk-rat-dai-389!"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = ChangeEvent.objects.get(kind="admin_added")
    assert "Mk-rat-dai" not in str(event.changes)
    assert not any("password" in name for name in event.changes)
