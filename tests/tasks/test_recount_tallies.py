"""`manage.py recount_tallies` mends the stored figures after someone wrote behind the actions."""

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command

from tasks.deadlines import VIETNAM
from tasks.models import DirectiveTally, LeadTally, Task, TaskAssignment


def test_the_dashboards_figures_are_recounted_from_the_parts(make_task, police):
    with time_machine.travel(dt.datetime(2020, 11, 2, 9, tzinfo=VIETNAM), tick=False):
        tasks = [make_task(deadline=None) for _ in range(3)]  # no deadline: counted ahead
        committee = tasks[0].directive.committee_id
        before = LeadTally.objects.timeliness_summary(committee)[police.pk]
        assert before.no_deadline == 3
        # Behind the actions: one part taken away in SQL, and the tallies emptied.
        TaskAssignment.objects.filter(task=tasks[0], role="lead").update(state="cancelled")
        Task.objects.filter(pk=tasks[0].pk).update(state="cancelled")
        LeadTally.objects.all().delete()
        DirectiveTally.objects.all().delete()
        out = StringIO()
        call_command("recount_tallies", stdout=out)
        after = LeadTally.objects.timeliness_summary(committee)[police.pk]
        by_directive = DirectiveTally.objects.timeliness_summary(committee)
    assert after.no_deadline == 2
    assert sum(f.no_deadline for f in by_directive.values()) == 2
    assert "tasks recounted" in out.getvalue()
