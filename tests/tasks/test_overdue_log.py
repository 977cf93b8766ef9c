"""The "deadline passed" history entries (tasks.actions.record_overdue_parts): the tick logs up
to a few hundred newly overdue parts at once, in the same few queries however many there are,
and the history says exactly what one entry per part said."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks import actions
from tasks.models import TaskAssignment, TaskEvent
from tests.ui_helpers import make_bulk_tasks

NOW = dt.datetime(2021, 6, 1, 9, tzinfo=dt.UTC)  # after every bulk task's deadline


def overdue_parts():
    """The owed lead parts past their deadline, in the order the tick takes them."""
    return list(TaskAssignment.objects.overdue(NOW).select_related("task", "agency"))


def entries(parts):
    return [
        (
            e.task_id,
            e.agency_id,
            e.kind,
            e.from_value,
            e.to_value,
            e.note,
            e.actor_id,
            e.actor_agency_id,
        )
        for e in TaskEvent.objects.filter(
            kind="overdue", task__in=[p.task_id for p in parts]
        ).order_by("id")
    ]


def expected(parts):
    """What one record_overdue per part wrote: no actor, the part's deadline as d/m/Y."""
    return [
        (p.task_id, p.agency_id, "overdue", "", p.deadline.strftime("%d/%m/%Y"), "", None, None)
        for p in parts
    ]


def test_logging_50_overdue_parts_costs_the_queries_of_5_and_writes_one_entry_each(
    committee, police, border_guard, officer
):
    def log(rows):
        make_bulk_tasks(
            committee, lead=police, coordinating=border_guard, officer=officer, rows=rows
        )
        parts = [p for p in overdue_parts() if not p.task.events.filter(kind="overdue").exists()]
        with CaptureQueriesContext(connection) as captured:
            written = actions.record_overdue_parts(parts)
        assert len(written) == len(parts)
        assert entries(parts) == expected(parts)
        return len(parts), len(captured.captured_queries)

    few, few_queries = log(5)
    many, many_queries = log(50)
    assert few >= 3 and many >= 30
    assert many_queries == few_queries


def test_a_deadline_already_logged_is_not_logged_again_but_an_extended_one_is(
    committee, police, border_guard, officer
):
    make_bulk_tasks(committee, lead=police, coordinating=border_guard, officer=officer, rows=8)
    parts = overdue_parts()
    first, second = parts[0], parts[1]
    assert actions.record_overdue(first) is not None
    assert actions.record_overdue(first) is None
    written = actions.record_overdue_parts(parts)
    assert [e.task_id for e in written] == [p.task_id for p in parts[1:]]
    assert actions.record_overdue_parts(parts) == []
    assert entries(parts) == expected(parts)
    # The deadline moved on and passed again: the new deadline gets its own entry.
    TaskAssignment.objects.filter(pk=second.pk).update(deadline=dt.date(2021, 5, 3))
    second.refresh_from_db()
    [again] = actions.record_overdue_parts([second])
    assert (again.task_id, again.agency_id, again.to_value) == (
        second.task_id,
        second.agency_id,
        "03/05/2021",
    )
