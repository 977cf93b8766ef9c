"""Benchmark: timeliness figures over many tasks, in SQL.

    .venv/bin/python bench/timeliness_bench.py [--tasks 100000]

Uses a throw-away SQLite file unless DATABASE_URL is set (then that database is migrated and
filled: point it at a scratch database). Prints the time of each question the dashboard asks.
"""

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=60)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from agencies.models import Agency, Committee
    from documents.models import Directive
    from tasks.deadlines import deadline_end
    from tasks.models import Task, TaskAssignment

    call_command("migrate", verbosity=0)
    committee, _ = Committee.objects.get_or_create(
        code="bench", defaults={"name": "Bench", "level": "province"}
    )
    agencies = [
        Agency.objects.get_or_create(code=f"B-{i}", defaults={"name": f"Đơn vị {i}"})[0]
        for i in range(args.agencies)
    ]
    rng = random.Random(389)
    today = timezone.localdate()
    if Task.objects.filter(directive__committee=committee).count() < args.tasks:
        started = time.perf_counter()
        directives = Directive.objects.bulk_create(
            [
                Directive(
                    committee=committee,
                    doc_type="KH",
                    number=i + 1,
                    symbol="KH-BENCH",
                    issued_on=today,
                    year=today.year,
                    subject=f"Kế hoạch {i}",
                    state="issued",
                )
                for i in range(args.tasks // 50)
            ]
        )
        # Each task has one lead part (a fifth of them two), each in its own state; the task
        # is completed when every lead is accepted.
        part_states = ["assigned", "in_progress", "reported", "accepted", "accepted", "returned"]
        tasks, parts = [], []
        now = timezone.now()
        for i in range(args.tasks):
            deadline = today + dt.timedelta(days=rng.randint(-200, 200))
            leads = rng.sample(agencies, 2 if i % 5 == 0 else 1)
            states = [rng.choice(part_states) for _ in leads]
            cancelled = rng.random() < 0.05
            task = Task(
                directive=directives[i % len(directives)],
                title=f"Nhiệm vụ {i}",
                position=i,
                deadline=deadline,
                deadline_kind="date",
                due_at=deadline_end(deadline),
                state="cancelled"
                if cancelled
                else ("completed" if all(s == "accepted" for s in states) else "assigned"),
                completed_at=now if all(s == "accepted" for s in states) else None,
            )
            tasks.append(task)
            for agency, state in zip(leads, states, strict=True):
                reported = now - dt.timedelta(days=rng.randint(0, 300))
                parts.append(
                    TaskAssignment.for_task(
                        task,
                        agency=agency,
                        role="lead",
                        state="cancelled" if cancelled else state,
                        deadline=deadline,
                        original_deadline=deadline,
                        due_at=task.due_at,
                        reported_at=reported if state in ("reported", "accepted") else None,
                        result_reported_at=reported if state == "accepted" else None,
                        accepted_at=now if state == "accepted" else None,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=5000)
        TaskAssignment.objects.bulk_create(parts, batch_size=5000)
        print(f"filled {args.tasks} tasks in {time.perf_counter() - started:.1f}s")

    queryset = Task.objects.filter(directive__committee=committee)
    questions = {
        "total figures": lambda: queryset.timeliness_summary(),
        "figures per agency": lambda: queryset.timeliness_summary(by="agency"),
        "figures per directive": lambda: queryset.timeliness_summary(by="directive"),
        "overdue, first page of 50": lambda: list(queryset.overdue()[:50]),
        "overdue lead parts, first 50": lambda: list(
            TaskAssignment.objects.filter(task__in=queryset.values("pk")).overdue()[:50]
        ),
    }
    print(f"{connection.vendor}, {queryset.count()} tasks")
    for name, question in questions.items():
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            question()
            elapsed = time.perf_counter() - started
        print(f"{name:32} {elapsed * 1000:8.1f} ms  {len(queries)} queries")


if __name__ == "__main__":
    main()
