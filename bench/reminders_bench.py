"""How long a tick takes with many open tasks (one lead part each): the first tick of a working
day (everything due is chased; at most 1,000 newly overdue parts are logged a tick) and the
steady-state tick every minute after it (nothing new).

    .venv/bin/python bench/reminders_bench.py [--tasks 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dd_bench \
        .venv/bin/python bench/reminders_bench.py

Uses a scratch database: a temporary SQLite file unless DATABASE_URL is given (which it then
migrates and fills — never point it at real data). Not run by CI.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
parser = argparse.ArgumentParser()
parser.add_argument("--tasks", type=int, default=20_000)
parser.add_argument("--agencies", type=int, default=30)
args = parser.parse_args()
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
# Measure our work, not the console printing thousands of e-mails.
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agencies.models import Agency, Committee, Membership, User  # noqa: E402
from chasing.models import Notification  # noqa: E402
from chasing.tick import run_tick  # noqa: E402
from documents.models import Directive  # noqa: E402
from tasks.deadlines import deadline_end  # noqa: E402
from tasks.models import Task, TaskAssignment  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2024, 3, 11)  # a Monday


def populate() -> None:
    committee, _ = Committee.objects.get_or_create(
        code="bench", defaults={"name": "BCĐ 389 bench", "level": "province"}
    )
    agencies = []
    for n in range(args.agencies):
        agency, _ = Agency.objects.get_or_create(
            code=f"BENCH-{n}", defaults={"name": f"Đơn vị {n}", "kind": "police"}
        )
        Membership.objects.get_or_create(committee=committee, agency=agency)
        for role in ("agency_officer", "agency_head"):
            User.objects.get_or_create(
                username=f"bench-{role}-{n}",
                defaults={
                    "role": role,
                    "agency": agency,
                    "committee": committee,
                    "email": f"{role}{n}@example.vn",
                },
            )
        agencies.append(agency)
    User.objects.get_or_create(
        username="bench-chair", defaults={"role": "chair", "committee": committee}
    )
    directive = Directive.objects.create(
        committee=committee,
        doc_type="KH",
        number=1,
        symbol="KH-BENCH",
        subject="Bench",
        issued_on=dt.date(2024, 1, 2),
        state="issued",
    )
    # Deadlines spread from 200 days ago to 100 days ahead: about two thirds overdue.
    tasks = [
        Task(
            directive=directive,
            title=f"Nhiệm vụ {n}",
            position=n,
            state="assigned",
            deadline=TODAY + dt.timedelta(days=n % 300 - 200),
        )
        for n in range(args.tasks)
    ]
    for task in tasks:
        task.due_at = deadline_end(task.deadline)
    # Each task's lead agency's part, under way against the task's deadline.
    TaskAssignment.objects.bulk_create(
        [
            TaskAssignment.for_task(
                task,
                agency=agencies[task.pk % len(agencies)],
                role="lead",
                state="in_progress",
                deadline=task.deadline,
                original_deadline=task.deadline,
                due_at=task.due_at,
            )
            for task in Task.objects.bulk_create(tasks, batch_size=2000)
        ],
        batch_size=2000,
    )


def measure(label: str, hour: int, minute: int = 0) -> None:
    moment = dt.datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute, tzinfo=VN)
    with time_machine.travel(moment, tick=False):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            results = run_tick()
            elapsed = time.perf_counter() - start
    print(
        f"{label:<32} {elapsed:7.2f} s {len(queries):5d} queries  "
        + "; ".join(str(r) for r in results if r.name in ("overdue", "reminders", "escalations"))
    )


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    populate()
    print(
        f"{connection.vendor}: {args.tasks} open tasks, {args.agencies} agencies "
        f"(set up in {time.perf_counter() - start:.1f} s)"
    )
    measure("first tick of the day", 8)
    measure("next minute (steady state)", 8, 1)
    measure("an hour later", 9)
    # Drain the backlog of parts never logged as overdue (bulk-inserted data, or a first run).
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 9, 30, tzinfo=VN)):
        from chasing.reminders import record_new_overdue

        while record_new_overdue():
            pass
    measure("steady state, nothing to log", 10)
    print(f"notifications: {Notification.objects.count()}")
