"""In-app notifications (bell, list, mark read), e-mail after the claim, and the daily digest."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chasing.models import Notification
from chasing.notifications import Message, notify, send_digests
from chasing.reminders import send_reminders
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour=8):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=VN)


def message(user, n=1, **fields):
    return Message(
        recipient_id=user.pk,
        kind="overdue",
        object_key=f"task:{n}",
        period="2024-02-20",
        title=f"Quá hạn: nhiệm vụ {n}",
        body="Nội dung",
        **fields,
    )


@pytest.fixture
def head(committee, police):
    return UserFactory(
        username="lanhdao.ca",
        role="agency_head",
        committee=committee,
        agency=police,
        email="lanhdao.ca@example.vn",
    )


def test_the_same_message_is_claimed_once(officer):
    assert len(notify([message(officer), message(officer)])) == 1
    assert notify([message(officer)]) == []
    assert Notification.objects.count() == 1


def test_a_batch_partly_claimed_already_writes_only_the_new_messages_field_for_field(officer):
    due = dt.datetime(2024, 2, 20, 23, 59, 59, tzinfo=VN)
    sections = ({"group": "overdue", "count": 2, "items": [{"title": 'Nhiệm vụ "A"\n'}]},)
    notify([message(officer, 1)])
    with CaptureQueriesContext(connection) as queries:
        won = notify(
            [
                message(officer, n, url=f"/work/{n}/", due_at=due, sections=sections)
                for n in (1, 2, 3)
            ]
        )
    assert [n.object_key for n in won] == ["task:2", "task:3"]
    inserts = [q for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == 1  # one statement for the whole batch, however many rows
    stored = Notification.objects.get(object_key="task:3")
    assert (stored.title, stored.body, stored.url, stored.due_at, stored.sections) == (
        "Quá hạn: nhiệm vụ 3",
        "Nội dung",
        "/work/3/",
        due,
        list(sections),
    )
    assert Notification.objects.get(object_key="task:1").url == ""  # the first claim stands


def test_email_goes_after_commit_and_once(officer, django_capture_on_commit_callbacks):
    officer.email = "canbo.ca@example.vn"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([message(officer)])
    with django_capture_on_commit_callbacks(execute=True):
        notify([message(officer)])
    assert [m.to for m in mail.outbox] == [["canbo.ca@example.vn"]]
    assert mail.outbox[0].subject == "Quá hạn: nhiệm vụ 1"
    assert Notification.objects.get().emailed_at is not None


def test_a_notice_without_a_body_opens_its_email_on_the_link(
    officer, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://dondoc.example.vn"
    officer.email = "canbo.ca@example.vn"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [
                Message(
                    officer.pk, "list_submitted", "directive:1", "e:1", "Chờ phê duyệt", url="/d/1/"
                )
            ]
        )
    [email] = mail.outbox
    assert email.body.splitlines()[0] == "https://dondoc.example.vn/d/1/"


def test_a_mail_failure_keeps_the_in_app_notification(
    officer, monkeypatch, django_capture_on_commit_callbacks
):
    officer.email = "canbo.ca@example.vn"
    officer.save()

    def refuse(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        won = notify([message(officer)])
    assert len(won) == 1
    notification = Notification.objects.get()
    assert notification.emailed_at is None
    assert notification.read_at is None


def test_digest_only_people_get_one_email_a_day_listing_everything(
    make_task, officer, head, django_capture_on_commit_callbacks
):
    head.digest_only = True
    head.save()
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        for n in range(3):
            make_task(deadline=dt.date(2024, 1, 31), title=f"Nhiệm vụ quá hạn số {n}")
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders() == 1  # one notice to the head listing three, in the app
        assert mail.outbox == []  # …but no e-mail each
        with django_capture_on_commit_callbacks(execute=True):
            assert send_digests() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert send_digests() == 0  # once a day
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["lanhdao.ca@example.vn"]
    assert digest.subject == "Daily digest for 02/02/2024: 1 item"  # the day's notice, listing 3
    for n in range(3):
        assert f"Nhiệm vụ quá hạn số {n}" in digest.body
    assert (
        Notification.objects.filter(recipient=head, kind="reminder", digest__isnull=False).count()
        == 1
    )
    # the next working day (Monday): a new digest with that day's notices only
    with time_machine.travel(at(dt.date(2024, 2, 5)), tick=False):
        send_reminders()
        with django_capture_on_commit_callbacks(execute=True):
            assert send_digests() == 1
    assert len(mail.outbox) == 2


def test_each_digest_lists_its_own_persons_notices_in_the_same_queries_for_2_or_8_people(
    committee, police
):
    def digests_for(people):
        users = [
            UserFactory(committee=committee, agency=police, role="agency_officer", digest_only=True)
            for _ in range(people)
        ]
        with time_machine.travel(at(dt.date(2024, 2, 2), 7), tick=False):
            notify([message(u, n) for u in users for n in (1, 2)])
        with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
            with CaptureQueriesContext(connection) as captured:
                assert send_digests() == people
        for user in users:
            digest = Notification.objects.get(recipient=user, kind="digest")
            listed = Notification.objects.filter(digest=digest).values_list("recipient", flat=True)
            assert list(listed) == [user.pk, user.pk]
        Notification.objects.all().delete()
        return len(captured.captured_queries)

    assert digests_for(2) == digests_for(8)


def test_no_digest_on_a_day_off(head):
    head.digest_only = True
    head.save()
    with time_machine.travel(at(dt.date(2024, 2, 10)), tick=False):
        notify([message(head)])
        assert send_digests() == 0


# ---- pages


def test_bell_shows_the_unread_count(client, officer):
    notify([message(officer, n) for n in range(3)])
    client.force_login(officer)
    page = client.get(reverse("notifications:list")).content.decode()
    assert '<span class="badge" aria-hidden="true">3</span>' in page
    assert 'aria-label="3 unread notifications"' in page  # what a screen reader says
    assert "Quá hạn: nhiệm vụ 2" in page


def test_list_page_is_bounded_in_queries(client, officer, django_assert_max_num_queries):
    notify([message(officer, n) for n in range(60)])
    client.force_login(officer)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.content.decode().count('name="id"') == 50  # one page
    assert client.get(reverse("notifications:list") + "?page=2").status_code == 200


def test_mark_one_and_mark_all_read(client, officer):
    notify([message(officer, n) for n in range(3)])
    client.force_login(officer)
    first = Notification.objects.order_by("pk").first()
    client.post(reverse("notifications:mark_read"), {"id": first.pk})
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    client.post(reverse("notifications:mark_read"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'class="badge"' not in page


def test_nobody_can_mark_someone_elses_notifications(client, officer, support_officer):
    notify([message(officer)])
    client.force_login(support_officer)
    client.post(reverse("notifications:mark_read"), {"id": Notification.objects.get().pk})
    client.post(reverse("notifications:mark_read"))
    assert Notification.objects.get().read_at is None
    assert "Quá hạn" not in client.get(reverse("notifications:list")).content.decode()


def test_bad_input_gets_a_message_not_a_traceback(client, officer):
    client.force_login(officer)
    response = client.post(reverse("notifications:mark_read"), {"id": "abc"}, follow=True)
    assert response.status_code == 200
    assert "That notification does not exist." in response.content.decode()
    response = client.post(reverse("notifications:mark_read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")


def test_the_list_needs_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302


def test_a_person_chooses_the_daily_digest_from_the_list_page(client, officer):
    client.force_login(officer)
    response = client.post(reverse("notifications:digest_only"), {"digest_only": "1"}, follow=True)
    officer.refresh_from_db()
    assert officer.digest_only
    assert "one e-mail a day" in response.content.decode()
    client.post(reverse("notifications:digest_only"), {"digest_only": "0"})
    officer.refresh_from_db()
    assert not officer.digest_only


@pytest.mark.postgres
def test_a_days_notices_are_inserted_row_by_row_with_their_sections(officer, head):
    """Django's UNNEST bulk insert made psycopg escape each listed item's JSON in Python (15 of
    27 s of the first tick at 1M tasks): the notices go in as VALUES, their sections intact."""
    sections = [{"key": "overdue", "count": 2, "items": [{"title": 'Kiểm tra "bến bãi"'}]}]
    with CaptureQueriesContext(connection) as captured:
        notify([message(officer, sections=sections), message(head, n=2, sections=sections)])
    inserts = [q["sql"] for q in captured.captured_queries if "INSERT INTO" in q["sql"]]
    assert inserts and not any("UNNEST" in sql for sql in inserts)
    assert [n.sections for n in Notification.objects.order_by("pk")] == [sections, sections]
