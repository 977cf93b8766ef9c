"""The access log's retention: rows past ACCESS_LOG_RETENTION_DAYS are archived (compressed JSON
lines, one file a day) and only then deleted; nothing else can delete a row of it, and no other
log can be emptied that way. On SQLite and on PostgreSQL."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit import retention
from audit.models import AccessEvent, AccessEventKind
from audit.recording import record_access
from audit.triggers import archiving_allowed
from project.audit import AppendOnlyError
from tasks.models import TaskEvent

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 6, 15, 9, tzinfo=VN)


def logged(when, kind=AccessEventKind.LOGIN_FAILED, username="ke.la"):
    with time_machine.travel(when, tick=False):
        return record_access(kind, username=username, ip_address="203.0.113.9", detail="sai")


@pytest.fixture
def old_and_new(settings, tmp_path, officer):
    settings.ACCESS_LOG_RETENTION_DAYS = 90
    settings.ACCESS_LOG_ARCHIVE_DIR = tmp_path / "archive"
    # two days long past, one row on the cut-off day (kept), one recent
    old = [
        logged(dt.datetime(2026, 1, 5, 8, tzinfo=VN)),
        logged(dt.datetime(2026, 1, 5, 23, 59, tzinfo=VN), AccessEventKind.LOGIN, officer.username),
        logged(dt.datetime(2026, 2, 1, 0, 1, tzinfo=VN)),
    ]
    kept = [
        logged(dt.datetime(2026, 3, 17, 0, 0, tzinfo=VN)),  # 90 days before 15/06: the cut-off day
        logged(dt.datetime(2026, 6, 14, 10, tzinfo=VN)),
    ]
    return old, kept


def test_rows_past_retention_are_archived_then_deleted(old_and_new, settings):
    old, kept = old_and_new
    result = retention.archive_access_log(NOW)
    assert result.archived == 3
    assert sorted(AccessEvent.objects.values_list("pk", flat=True)) == sorted(e.pk for e in kept)
    directory = settings.ACCESS_LOG_ARCHIVE_DIR
    assert sorted(p.name for p in directory.iterdir()) == [
        "access-log-2026-01-05.jsonl.gz",
        "access-log-2026-02-01.jsonl.gz",
    ]
    january = retention.read_archive(directory / "access-log-2026-01-05.jsonl.gz")
    assert [row["id"] for row in january] == [old[0].pk, old[1].pk]
    assert january[0]["kind"] == "login_failed" and january[0]["ip_address"] == "203.0.113.9"
    assert january[1]["username"] == "canbo.ca" and january[1]["user_id"] is not None
    assert dt.datetime.fromisoformat(january[1]["created_at"]) == old[1].created_at
    # a second run has nothing left to do and leaves the files alone
    assert retention.archive_access_log(NOW).archived == 0


def test_the_command_and_zero_days_keep_everything(old_and_new, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 0
    out = io.StringIO()
    call_command("archive_access_log", stdout=out)
    assert out.getvalue().startswith("0 access events archived")
    assert AccessEvent.objects.count() == 5
    settings.ACCESS_LOG_RETENTION_DAYS = 90
    with time_machine.travel(NOW, tick=False):
        call_command("archive_access_log", stdout=out)
    assert "3 access events archived" in out.getvalue()


def test_a_run_killed_after_the_file_and_before_the_delete_loses_and_doubles_nothing(
    old_and_new, settings, monkeypatch
):
    old, _ = old_and_new

    def killed(*args):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(retention, "_delete", killed)
    with pytest.raises(KeyboardInterrupt):
        retention.archive_access_log(NOW)
    assert AccessEvent.objects.count() == 5  # the file is written, the rows still here
    monkeypatch.undo()
    assert retention.archive_access_log(NOW).archived == 3
    rows = [
        row["id"]
        for path in sorted(settings.ACCESS_LOG_ARCHIVE_DIR.iterdir())
        for row in retention.read_archive(path)
    ]
    assert rows == [e.pk for e in old]  # each once
    assert not list(settings.ACCESS_LOG_ARCHIVE_DIR.glob("*.partial"))


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_nothing_else_can_delete_an_old_row(old_and_new):
    old, _ = old_and_new
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=old[0].pk).delete()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_accessevent WHERE id = %s", [old[0].pk])
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_accessevent SET detail = 'x' WHERE id = %s", [old[0].pk])
    assert AccessEvent.objects.count() == 5


def test_the_archiving_allowance_covers_one_table_and_never_updates(old_and_new, make_task):
    old, _ = old_and_new
    make_task()
    assert TaskEvent.objects.exists()
    with transaction.atomic(), archiving_allowed(connection, "audit_accessevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM tasks_taskevent")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE audit_accessevent SET detail = 'x'")
    with pytest.raises(ValueError, match="not an archivable log"):
        with transaction.atomic(), archiving_allowed(connection, "tasks_taskevent"):
            pass
    # and once the allowance is over, the access log is protected again
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_accessevent WHERE id = %s", [old[0].pk])


@pytest.mark.postgres
def test_postgresql_setting_cannot_open_another_table(make_task):
    """Naming another table in the setting does not let its history be deleted: only the
    access log's trigger reads it."""
    make_task()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('dondoc.archiving', 'tasks_taskevent', true)")
            cursor.execute("DELETE FROM tasks_taskevent")


def test_a_failure_inside_the_allowance_is_the_error_raised_and_ends_it(old_and_new):
    """A statement failing mid-archive is what the job reports (PostgreSQL's aborted
    transaction must not hide it behind "current transaction is aborted"), and the allowance
    is over once the error has left it, even inside a longer transaction."""
    old, _ = old_and_new
    with transaction.atomic():
        with pytest.raises(DatabaseError, match="no_such_table"):
            with archiving_allowed(connection, "audit_accessevent"), connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [old[0].pk])
    assert AccessEvent.objects.count() == 5
