"""History cannot be rewritten, even by raw SQL: UPDATE and DELETE on every history table fail
in the database, on SQLite (triggers with RAISE(ABORT)) as on PostgreSQL (plpgsql triggers)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from agencies.actions import map_alias
from audit.models import AccessEventKind
from audit.recording import record_access
from audit.triggers import append_only_tables, ensure_triggers
from reporting import services as reporting
from reporting.models import ReportSubmission
from tests.factories import ReportingObligationFactory

pytestmark = pytest.mark.django_db

FIGURES = dict.fromkeys(
    [
        "cases_detected",
        "admin_cases",
        "goods_value",
        "budget_collected",
        "criminal_cases",
        "defendants",
    ],
    0,
)
TABLES = [
    "audit_changeevent",
    "tasks_taskevent",
    "tasks_reportsubmissionevent",
    "documents_directiveevent",
    "audit_accessevent",
]


def test_every_append_only_model_is_covered():
    assert set(TABLES) <= set(append_only_tables())


@pytest.fixture
def history(make_task, committee, police, officer, secretariat):
    make_task()  # writes directive and task events
    record_access(AccessEventKind.LOGIN, user=officer)
    map_alias(committee, "Công an Kiên Giang", police, by=secretariat)  # a change event
    # a periodic report submitted: its history
    ReportingObligationFactory(committee=committee, starts_on=dt.date(2024, 1, 1))
    moment = dt.datetime(2024, 3, 1, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(moment, tick=False):
        reporting.create_due_submissions()
        submission = ReportSubmission.objects.filter(agency=police).order_by("pk").last()
        reporting.submit_periodic_report(
            submission, by=officer, narrative="Tháng 2", figures=FIGURES
        )


def raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET created_at = created_at",
        "UPDATE {table} SET request_id = 'x' WHERE id = (SELECT MIN(id) FROM {table})",
        "DELETE FROM {table}",
        "DELETE FROM {table} WHERE id = (SELECT MAX(id) FROM {table})",
    ],
)
def test_raw_sql_cannot_change_or_remove_history(history, table, statement):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        assert cursor.fetchone()[0] > 0  # there is history to protect
    with pytest.raises(DatabaseError, match="append-only"):
        raw(statement.format(table=table))


def test_triggers_come_back_after_sqlite_rebuilds_a_table(history):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL alters tables in place; its triggers stay")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER tasks_taskevent_append_only_update")
    ensure_triggers(using="default")  # what runs after every migrate
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE tasks_taskevent SET created_at = created_at")


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database(make_task, officer):
    """The test runner (and `manage.py flush`) may empty history tables; nothing else may."""
    from django.core.management import call_command

    make_task()
    call_command("flush", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tasks_taskevent")
        assert cursor.fetchone()[0] == 0
