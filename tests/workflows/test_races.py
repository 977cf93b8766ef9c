"""Flow locks (select_for_update on the process row) under real concurrency: PostgreSQL only."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from project.errors import ActionConflict
from tasks.deadlines import VIETNAM
from tasks.models import TaskEvent
from workflows import services
from workflows.flows import DirectiveFlow
from workflows.models import DirectiveProcess

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    """Run the calls in threads released together; return "won" or the refusal message."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "won"
        except ActionConflict as exc:
            outcomes[index] = str(exc.message)
        except Exception as exc:
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_approve_and_return_at_once_one_wins(draft_directive, secretariat, chair, deputy):
    services.submit_breakdown(draft_directive, by=secretariat)
    outcomes = at_once(
        lambda: services.decide_task_list(draft_directive, by=chair, approve=True),
        lambda: services.decide_task_list(
            draft_directive, by=deputy, approve=False, note="Bổ sung"
        ),
    )
    # The second is told the step is done: found done under the lock, or already gone.
    assert outcomes.count("won") == 1, outcomes
    (lost,) = [o for o in outcomes if o != "won"]
    assert lost in (
        "This step has already been completed by someone else.",
        "This directive is not at the step “Approve the task list” now.",
    ), outcomes
    draft_directive.refresh_from_db()
    assert draft_directive.state in ("issued", "draft")
    assert draft_directive.events.filter(from_state="awaiting_approval").count() == 1


def test_two_dispatches_at_once_dispatch_once(
    draft_directive, secretariat, second_secretary, chair
):
    services.submit_breakdown(draft_directive, by=secretariat)
    services.decide_task_list(draft_directive, by=chair, approve=True)

    def dispatch(by):
        with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM), tick=False):
            services.dispatch(draft_directive, by=by)

    outcomes = at_once(lambda: dispatch(secretariat), lambda: dispatch(second_secretary))
    assert outcomes.count("won") == 1, outcomes
    (lost,) = [o for o in outcomes if o != "won"]
    assert lost in (
        "This step has already been completed by someone else.",
        "This directive is not at the step “Dispatch the tasks” now.",
    ), outcomes
    assert set(draft_directive.tasks.values_list("state", flat=True)) == {"assigned"}
    assert (
        TaskEvent.objects.filter(from_value="draft", to_value="assigned", agency=None).count() == 2
    )
    process = DirectiveProcess.objects.get(directive=draft_directive)
    assert process.task_set.filter(flow_task=DirectiveFlow.close).count() == 1
