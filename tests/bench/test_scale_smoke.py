"""bench/scale.py at a small size, on the test database (SQLite, or PostgreSQL through COPY):
the world it generates is consistent and every row of issue 11's table can be measured. No
timing is asserted; `make bench-scale` gives the numbers."""

import argparse
import datetime as dt

import pytest
import time_machine

from bench import scale
from bench.world import generate
from tasks.deadlines import VIETNAM
from tasks.models import Task, TaskAssignment
from tasks.querysets import Timeliness
from workflows.models import DirectiveProcess, ExtensionProcess

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=VIETNAM)  # a Monday


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setenv("SCALE_BENCH_NOW", NOW.isoformat())
    return generate(300, NOW)


def test_the_world_has_the_shape_the_bench_measures(world):
    assert Task.objects.count() == 300
    leads = TaskAssignment.objects.filter(role="lead")
    assert 300 <= leads.count() <= 900
    figures = {
        row["timeliness"]
        for row in TaskAssignment.objects.leads().with_timeliness(NOW).values("timeliness")
    }
    # Every kind of part the dashboard counts is there.
    assert {
        Timeliness.DONE_ON_TIME,
        Timeliness.DONE_LATE,
        Timeliness.OPEN_OVERDUE,
        Timeliness.OPEN_ON_TIME,
    } <= figures
    # Loaded behind the actions' back, the tasks' stored summary of their leads was brought up
    # to date: what the dashboards read from it is what the leads' parts say.
    tasks, figures = Task.objects.all(), ("pk", "timeliness", "days_overdue")
    assert set(tasks.with_timeliness(NOW).values_list(*figures)) == set(
        tasks.with_timeliness_from_leads(NOW).values_list(*figures)
    )
    # One agency leads a large share of the tasks (the biggest inbox).
    marks = scale.landmarks()
    assert leads.filter(agency=marks.big_agency).count() >= 30


def test_every_row_of_the_table_is_measured(world):
    args = argparse.Namespace(size=300, runs=1, slow_runs=1, documents=False)
    with time_machine.travel(NOW, tick=True):
        rows = scale.measure(args, say=lambda message: None)
    table = scale.render(rows, "smoke")
    for what in ("dashboard", "inbox", "API task list", "first tick", "nothing to send"):
        assert what in table
    assert all(row.times or row.extra for row in rows)


@pytest.mark.postgres
def test_two_workers_load_a_whole_world_and_put_every_index_back(transactional_db):
    """The fast path scale.py takes: two processes each commit their share of the tasks while
    the bulk tables' indexes are dropped; the world comes out whole, indexes and all."""
    from django.db import connection

    def indexes() -> set[tuple]:
        # By name, table and column list: PostgreSQL may print a rebuilt partial index's
        # condition another way (a cast moved), though it is the same condition.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, tablename, split_part(indexdef, ' WHERE ', 1)"
                " FROM pg_indexes WHERE schemaname = 'public'"
            )
            return set(cursor.fetchall())

    before = indexes()
    world = generate(300, NOW, workers=2)
    assert indexes() == before
    assert world.counts["tasks_task"] == Task.objects.count() == 300
    leads = TaskAssignment.objects.filter(role="lead")
    assert 300 <= leads.count() <= 900
    # Summaries written after the load, by slices of the ids at once: equal to the leads'.
    tasks, figures = Task.objects.all(), ("pk", "timeliness", "days_overdue")
    assert set(tasks.with_timeliness(NOW).values_list(*figures)) == set(
        tasks.with_timeliness_from_leads(NOW).values_list(*figures)
    )
    # The product's flows are there: one process per directive and per extension request.
    assert DirectiveProcess.objects.count() == world.counts["documents_directive"]
    assert ExtensionProcess.objects.count() == world.counts["tasks_extension"]
