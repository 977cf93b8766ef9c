"""Long exports run in the background (issue 11): past EXPORT_BACKGROUND_ROWS rows the download
becomes a page that follows the progress, the worker makes the file and the person gets a
notification with its link; only they may download it; a failure is a message, never a
traceback; an export lost with its process is run again once, then failed; old files go."""

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AccessEvent, AccessEventKind
from chasing.models import Notification, NotificationKind
from chasing.tick import exports as exports_tick_job
from exports import background, kinds
from exports.celery_tasks import run as celery_run
from exports.models import Export, ExportState
from exports.runner import run_queued_exports
from tests.factories import CommitteeFactory
from tests.races import race

from . import test_spreadsheets
from .pdf import conftest as pdf_fixtures
from .pdf.conftest import NOW

scene = pdf_fixtures.scene  # four tasks; one overdue lead part (II.1, police)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def small_threshold(settings):
    """More than 2 rows is a long export: the scene's 4 tasks go to the background."""
    settings.EXPORT_BACKGROUND_ROWS = 2
    settings.EXPORT_PROGRESS_ROWS = 2
    settings.EXPORT_WORKER = "embedded"


def ask_for_tasks(client) -> Export:
    response = client.get(reverse("exports:spreadsheet", args=["tasks"]), {"status": "all"})
    assert response.status_code == 302
    export = Export.objects.get()
    assert response["Location"] == reverse("exports:export", args=[export.pk])
    return export


def rows_of(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_a_short_export_downloads_at_once_and_a_long_one_goes_to_the_background(
    scene, at_now, small_threshold, client, chair
):
    client.force_login(chair)
    # One overdue part: under the threshold, the PDF comes at once as before.
    response = client.get(reverse("exports:overdue_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not Export.objects.exists()
    # Four tasks: the person is sent to the export's page instead.
    export = ask_for_tasks(client)
    assert (export.user, export.kind, export.state, export.total) == (
        chair,
        "xlsx:tasks",
        ExportState.QUEUED,
        4,
    )
    assert export.query == "status=all"
    page = client.get(reverse("exports:export", args=[export.pk])).content.decode()
    assert 'role="status"' in page and 'aria-live="polite"' in page
    assert '<progress max="100" value="0"' in page
    assert '<meta http-equiv="refresh"' in page  # inside <noscript>: no script, no problem
    assert "exports/progress.js" in page and "<script>" not in page  # no inline script (CSP)


def test_the_worker_records_progress_as_it_goes_and_notifies_with_the_link(
    scene, at_now, small_threshold, client, chair, monkeypatch, django_assert_max_num_queries
):
    client.force_login(chair)
    export = ask_for_tasks(client)
    progress_url = reverse("exports:export_progress", args=[export.pk])
    seen = []
    save = background._Progress.save

    def save_and_look(self, **fields):  # what the page's script would read at that moment
        save(self, **fields)
        seen.append(client.get(progress_url).json())

    monkeypatch.setattr(background._Progress, "save", save_and_look)
    assert run_queued_exports() == 1  # the embedded server's export thread
    # The total was counted when the export was asked for, not again by the worker; the
    # progress moves every EXPORT_PROGRESS_ROWS rows.
    assert [(s["state"], s["done"], s["total"]) for s in seen] == [
        ("running", 2, 4),
        ("running", 4, 4),
    ]
    assert seen[0]["percent"] == 50 and seen[0]["url"] == ""
    done = client.get(progress_url).json()
    file_url = reverse("exports:export_file", args=[export.pk])
    assert (done["state"], done["percent"], done["url"]) == ("done", 100, file_url)
    notice = Notification.objects.get(recipient=chair, kind=NotificationKind.EXPORT_READY)
    assert notice.url == file_url
    assert "tasks-20210115.xlsx" in notice.title
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tasks-20210115.xlsx"'
    assert [r[1] for r in rows_of(b"".join(response.streaming_content))] == [
        "II.1",
        "II.2",
        "II.3",
        "II.4",
    ]
    # Run again (a Celery message delivered twice): nothing happens, nobody is told twice.
    assert background.run_export(export.pk) is False
    assert Notification.objects.filter(recipient=chair).count() == 1
    with django_assert_max_num_queries(4):  # session, user, the export
        assert client.get(progress_url).status_code == 200


@pytest.mark.vietnamese
def test_the_notification_is_in_vietnamese(scene, at_now, small_threshold, client, chair):
    client.force_login(chair)
    export = ask_for_tasks(client)
    assert celery_run(export.pk) is True  # the Celery task runs the same export
    notice = Notification.objects.get(recipient=chair)
    assert notice.title == "Tệp tasks-20210115.xlsx đã sẵn sàng để tải về"
    page = client.get(reverse("exports:export", args=[export.pk])).content.decode()
    assert "Tải tệp về" in page and "<progress" not in page


def test_only_the_person_who_asked_sees_or_downloads_the_export(
    scene, at_now, small_threshold, client, chair, secretariat, support_officer
):
    client.force_login(chair)
    export = ask_for_tasks(client)
    run_queued_exports()
    names = ("export", "export_progress", "export_file")
    for other in (secretariat, support_officer):  # same committee, still not theirs
        client.force_login(other)
        for name in names:
            assert client.get(reverse(f"exports:{name}", args=[export.pk])).status_code == 404
    client.logout()
    for name in names:
        response = client.get(reverse(f"exports:{name}", args=[export.pk]))
        assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(chair)
    for name in names:
        assert client.get(reverse(f"exports:{name}", args=[export.pk])).status_code == 200


def made_for(client, person) -> tuple[Export, str]:
    """A finished export of the scene's tasks, asked for by `person`, and its file's link."""
    client.force_login(person)
    export = ask_for_tasks(client)
    run_queued_exports()
    file_url = reverse("exports:export_file", args=[export.pk])
    assert client.get(file_url).status_code == 200
    return export, file_url


def another_committee(person) -> None:
    person.committee = CommitteeFactory(code="bcd389-ag", name="Ban Chỉ đạo 389 tỉnh An Giang")


def another_role(person) -> None:
    person.role = "secretariat"


@pytest.mark.parametrize("move", [another_committee, another_role])
def test_a_finished_file_is_refused_once_its_owner_has_moved_and_the_refusal_is_logged(
    scene, at_now, small_threshold, client, chair, move
):
    """The file shows what its owner could see when they asked: moved to another committee or
    role since, they no longer get it (a 403 with its reason, in the access log's denials)."""
    export, file_url = made_for(client, chair)
    committee, role = chair.committee, chair.role
    move(chair)
    chair.save()
    response = client.get(file_url)
    assert response.status_code == 403
    assert "changed since you asked for this file" in response.content.decode()
    denial = AccessEvent.objects.get(kind=AccessEventKind.DENIED)
    assert (denial.user, denial.path, denial.status) == (chair, file_url, 403)
    chair.committee, chair.role = committee, role  # moved back: theirs again
    chair.save()
    assert client.get(file_url).status_code == 200


def test_a_file_asked_for_before_scopes_were_kept_is_refused_if_the_list_is_now_refused(
    scene, at_now, small_threshold, client, chair
):
    export, file_url = made_for(client, chair)
    Export.objects.filter(pk=export.pk).update(scope="")  # asked for before this release
    assert client.get(file_url).status_code == 200  # nothing changed: still theirs
    chair.committee = None  # no committee: no list of any committee
    chair.save()
    assert client.get(file_url).status_code == 403


def test_a_deactivated_account_is_sent_to_the_login_page_not_given_the_file(
    scene, at_now, small_threshold, client, chair
):
    export, file_url = made_for(client, chair)
    chair.is_active = False
    chair.save()
    response = client.get(file_url)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.vietnamese
def test_the_refusal_of_a_moved_owner_is_in_vietnamese(
    scene, at_now, small_threshold, client, chair
):
    export, file_url = made_for(client, chair)
    chair.role = "secretariat"
    chair.save()
    page = client.get(file_url).content.decode()
    assert "Vui lòng yêu cầu xuất lại tệp." in page
    assert 'href="/"' in page  # the framed page, with the way back


def test_a_long_agency_scorecard_is_made_in_the_background_as_a_pdf(
    scene, at_now, settings, client, chair, border_guard
):
    settings.EXPORT_BACKGROUND_ROWS = 1  # the border guard leads two tasks
    client.force_login(chair)
    response = client.get(reverse("exports:scorecard_pdf", args=[border_guard.code]))
    assert response.status_code == 302
    export = Export.objects.get()
    assert (export.kind, export.target, export.total) == ("pdf:scorecard", border_guard.code, 2)
    run_queued_exports()
    response = client.get(reverse("exports:export_file", args=[export.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_failure_shows_a_message_and_tells_the_person_never_a_traceback(
    scene, at_now, small_threshold, client, chair, monkeypatch
):
    chair.language = "vi"  # the worker writes the message in the person's language
    chair.save()
    client.force_login(chair)
    export = ask_for_tasks(client)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire at /srv/secret/path")

    monkeypatch.setattr(kinds, "write_xlsx", broken)
    assert run_queued_exports() == 1
    export.refresh_from_db()
    assert export.state == ExportState.FAILED and not export.file
    assert export.error.startswith("Không tạo được tệp")
    page = client.get(reverse("exports:export", args=[export.pk])).content.decode()
    assert "Không tạo được tệp" in page
    assert "disk on fire" not in page and "Traceback" not in page
    assert client.get(reverse("exports:export_progress", args=[export.pk])).json()["url"] == ""
    assert client.get(reverse("exports:export_file", args=[export.pk])).status_code == 404
    notice = Notification.objects.get(recipient=chair, kind=NotificationKind.EXPORT_FAILED)
    assert notice.url == reverse("exports:export", args=[export.pk])
    assert notice.body == export.error


def test_an_export_lost_with_its_process_runs_again_once_then_fails(
    scene, small_threshold, client, chair, settings
):
    chair.language = "vi"
    chair.save()
    with time_machine.travel(NOW, tick=False):
        client.force_login(chair)
        export = ask_for_tasks(client)
        # The worker claimed it, then its process died (no progress since).
        Export.objects.filter(pk=export.pk).update(state=ExportState.RUNNING, attempts=1)
    later = NOW + dt.timedelta(minutes=settings.EXPORT_STALE_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        assert exports_tick_job(timezone.now()).startswith("1 exports queued again, 0 failed")
        export.refresh_from_db()
        assert export.state == ExportState.QUEUED
        Export.objects.filter(pk=export.pk).update(state=ExportState.RUNNING, attempts=2)
    with time_machine.travel(later + dt.timedelta(minutes=30), tick=False):
        assert exports_tick_job(timezone.now()).startswith("0 exports queued again, 1 failed")
    export.refresh_from_db()
    assert export.state == ExportState.FAILED
    assert export.error == "Máy chủ đã dừng khi đang tạo tệp. Xin yêu cầu tạo lại."
    assert Notification.objects.filter(kind=NotificationKind.EXPORT_FAILED).count() == 1


def test_the_daily_tick_deletes_old_files(scene, small_threshold, client, chair, settings):
    with time_machine.travel(NOW, tick=False):
        client.force_login(chair)
        export = ask_for_tasks(client)
        run_queued_exports()
        export.refresh_from_db()
        path = export.file.path
        with open(path, "rb") as handle:
            assert handle.read(2) == b"PK"
    with time_machine.travel(NOW + dt.timedelta(days=settings.EXPORT_KEEP_DAYS - 1), tick=False):
        assert exports_tick_job(timezone.now()).endswith("0 old files deleted")
    with time_machine.travel(NOW + dt.timedelta(days=settings.EXPORT_KEEP_DAYS + 1), tick=False):
        assert exports_tick_job(timezone.now()).endswith("1 old files deleted")
    assert not Export.objects.exists()
    with pytest.raises(FileNotFoundError):
        open(path, "rb")


def test_with_a_broker_the_export_goes_to_celery_once_committed(
    scene,
    at_now,
    small_threshold,
    settings,
    client,
    chair,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.EXPORT_WORKER = "celery"
    sent = []
    monkeypatch.setattr(
        background.current_app, "send_task", lambda name, args: sent.append((name, args))
    )
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        export = ask_for_tasks(client)
    assert sent == [("exports.run", [export.pk])]


many_tasks = test_spreadsheets.many_tasks  # 3,004 tasks


def test_a_long_export_takes_queries_by_the_chunk_not_by_the_row(
    many_tasks, small_threshold, settings, client, chair
):
    settings.EXPORT_PROGRESS_ROWS = 500
    with time_machine.travel(NOW, tick=False):
        client.force_login(chair)
        export = ask_for_tasks(client)
        with CaptureQueriesContext(connection) as captured:
            assert background.run_export(export.pk)
    export.refresh_from_db()
    assert (export.state, export.done, export.total) == (ExportState.DONE, 3004, 3004)
    progress = [
        q for q in captured.captured_queries if q["sql"].startswith('UPDATE "exports_export"')
    ]
    # claim, every 500 rows (6), done: the total was counted when it was asked for
    assert len(progress) == 1 + 3004 // 500 + 1
    assert not [q for q in captured.captured_queries if "__count" in q["sql"]]
    # 2 chunks of 2,000 tasks, each with its parts; the notification; no query per row
    assert len(captured.captured_queries) <= 30


def test_asking_again_while_it_is_being_made_opens_the_same_export(
    scene, at_now, small_threshold, client, chair
):
    client.force_login(chair)
    first = ask_for_tasks(client)
    again = client.get(reverse("exports:spreadsheet", args=["tasks"]), {"status": "all"})
    assert again["Location"] == reverse("exports:export", args=[first.pk])
    assert Export.objects.count() == 1
    run_queued_exports()  # made: asking once more makes a new file
    client.get(reverse("exports:spreadsheet", args=["tasks"]), {"status": "all"})
    assert Export.objects.count() == 2


def test_asking_again_as_someone_else_while_it_is_being_made_makes_a_new_export(
    scene, at_now, small_threshold, client, chair
):
    """The pending file was asked for as a chair; now the standing office's, the person would be
    refused it when made (a file is handed only to the scope that asked): a new one is queued."""
    client.force_login(chair)
    first = ask_for_tasks(client)
    chair.role = "secretariat"
    chair.save()
    again = client.get(reverse("exports:spreadsheet", args=["tasks"]), {"status": "all"})
    assert Export.objects.count() == 2
    second = Export.objects.exclude(pk=first.pk).get()
    assert again["Location"] == reverse("exports:export", args=[second.pk])
    assert second.scope != first.scope


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_export_asked_for_at_the_same_moment_is_queued_once(
    scene, at_now, small_threshold, chair
):
    """A double click reaches the server as two requests at once: each must not find the
    other's export missing and queue a second copy."""
    prepared = kinds.prepare("xlsx:tasks", chair, {"status": "all"})
    ask = lambda _prepared: background.start_export(  # noqa: E731
        _prepared, query="status=all", total=4
    )
    outcomes = race(lambda: prepared, [ask] * 6)
    assert outcomes == ["won"] * 6
    assert Export.objects.count() == 1
