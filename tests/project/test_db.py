"""project/db.py: the insert that leaves out rows a unique constraint already holds."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from agencies.models import CalendarDay, CalendarDayKind, User
from project.db import AnyOf, insert_ignoring_conflicts
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def day(date: dt.date, note: str) -> CalendarDay:
    return CalendarDay(date=date, kind=CalendarDayKind.DAY_OFF, note=note)


def test_rows_already_held_are_left_out_and_the_others_go_in_in_order_in_one_statement():
    held = CalendarDay.objects.create(date=dt.date(2024, 2, 12), kind="day_off", note="Tết")
    rows = [
        day(dt.date(2024, 2, 9), "Nghỉ Tết: 'đầu'"),
        day(dt.date(2024, 2, 12), "thay thế"),
        day(dt.date(2024, 2, 13), "Nghỉ Tết: cuối"),
        day(dt.date(2024, 2, 9), "lần hai"),  # the same key twice in one call: the first stays
    ]
    with CaptureQueriesContext(connection) as captured:
        insert_ignoring_conflicts(CalendarDay, rows)
    assert len(captured.captured_queries) == 1  # counted, as any query through Django
    stored = CalendarDay.objects.order_by("pk")
    assert [(d.date, d.note) for d in stored] == [
        (dt.date(2024, 2, 12), "Tết"),  # what was there stands
        (dt.date(2024, 2, 9), "Nghỉ Tết: 'đầu'"),
        (dt.date(2024, 2, 13), "Nghỉ Tết: cuối"),
    ]
    assert stored[0].pk == held.pk


def test_nothing_to_insert_asks_nothing():
    with CaptureQueriesContext(connection) as captured:
        insert_ignoring_conflicts(CalendarDay, [])
    assert captured.captured_queries == []


@pytest.mark.postgres
def test_on_postgresql_the_values_are_bound_on_the_server():
    """The client-side cursor quoted every row's values into the statement's text for
    PostgreSQL to parse again (notify() at 1M tasks: ~1.7 s instead of ~0.9 s)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    with mock.patch.object(
        ServerBindingCursor,
        "executemany",
        autospec=True,
        side_effect=ServerBindingCursor.executemany,
    ) as executemany:
        insert_ignoring_conflicts(CalendarDay, [day(dt.date(2024, 9, 2), "Quốc khánh")])
    assert executemany.call_count == 1
    assert CalendarDay.objects.get().note == "Quốc khánh"


def test_any_of_selects_the_listed_ids_in_one_query_and_none_for_an_empty_list():
    days = [
        CalendarDay.objects.create(date=dt.date(2024, 4, 30), kind="day_off", note="30/4"),
        CalendarDay.objects.create(date=dt.date(2024, 5, 1), kind="day_off", note="1/5"),
        CalendarDay.objects.create(date=dt.date(2024, 9, 2), kind="day_off", note="2/9"),
    ]
    wanted = [days[2].pk, days[0].pk, days[0].pk]
    with CaptureQueriesContext(connection) as captured:
        notes = sorted(
            CalendarDay.objects.filter(AnyOf(F("pk"), wanted)).values_list("note", flat=True)
        )
    assert notes == ["2/9", "30/4"]
    assert len(captured.captured_queries) == 1
    assert not CalendarDay.objects.filter(AnyOf(F("pk"), [])).exists()
    # as a condition like any other: negated, and beside others
    assert list(
        CalendarDay.objects.exclude(AnyOf(F("pk"), wanted)).values_list("note", flat=True)
    ) == ["1/5"]


def test_any_of_under_exclude_keeps_the_rows_where_the_column_is_null_as_in_does():
    """NOT (x IN …) is NULL where x is NULL, which would drop the row; Django's IN keeps it."""
    police, customs = AgencyFactory(), AgencyFactory()
    UserFactory(username="ca", agency=police)
    UserFactory(username="hq", agency=customs)
    UserFactory(username="admin", agency=None)
    for ids in ([police.pk], []):
        expected = set(User.objects.exclude(agency_id__in=ids).values_list("username", flat=True))
        kept = User.objects.exclude(AnyOf(F("agency_id"), ids)).values_list("username", flat=True)
        assert set(kept) == expected
        assert "admin" in expected
    assert list(
        User.objects.filter(AnyOf(F("agency_id"), [police.pk])).values_list("username", flat=True)
    ) == ["ca"]


def test_any_of_takes_ids_only():
    with pytest.raises(TypeError):
        AnyOf(F("pk"), [1.9])


@pytest.mark.postgres
def test_on_postgresql_any_of_sends_the_ids_as_one_array_parameter():
    """Django's IN writes a placeholder per id, each quoted into the statement by psycopg: for
    2,000 ids a batch, most of the time the national task list spent reading parts."""
    ids = list(range(1, 2001))
    with CaptureQueriesContext(connection) as captured:
        list(CalendarDay.objects.filter(AnyOf(F("pk"), ids)))
    sql = captured.captured_queries[0]["sql"]
    assert "= ANY(" in sql and " IN (" not in sql
