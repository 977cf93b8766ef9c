"""Benchmark (issue 11): the scorecard PDF of one big agency, the overdue audit PDF of the
committee and the tasks' .xlsx, each over N tasks, with its time and peak memory.

    .venv/bin/python bench/exports.py [N]          # N tasks, 20,000 by default

The world goes into a scratch SQLite file (var/bench-exports-N.sqlite3, kept for the next run;
DATABASE_URL picks another database): one committee, 40 member agencies, 200 directives, N
tasks bulk-inserted, each led by the big agency and half of them by a second one too, with
deadlines over three years and every state. Each measure runs in its own process, so its peak
resident memory (ru_maxrss) is its own. Not run by CI; say the load average next to numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
SIZE = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20_000
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / f'bench-exports-{SIZE}.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from agencies.models import Agency, Committee  # noqa: E402
from exports.pdf.overdue import build_overdue_audit  # noqa: E402
from exports.pdf.queries import ReportFilters  # noqa: E402
from exports.pdf.scorecard import build_scorecard  # noqa: E402
from exports.spreadsheets import write_xlsx  # noqa: E402
from tasks.deadlines import deadline_end  # noqa: E402
from tasks.models import Task, TaskAssignment  # noqa: E402
from tests.factories import (  # noqa: E402
    AgencyFactory,
    CommitteeFactory,
    DirectiveFactory,
    MembershipFactory,
)

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
STATES = ["assigned", "in_progress", "reported", "returned", "accepted", "accepted"]


def build_world(size: int) -> None:
    call_command("migrate", verbosity=0)
    if Task.objects.count() >= size:
        return
    committee = CommitteeFactory(code="bench", name="Ban Chỉ đạo 389 quốc gia")
    agencies = [
        AgencyFactory(code=f"B{n:03d}", name=f"Cục Quản lý thị trường số {n}") for n in range(40)
    ]
    for agency in agencies:
        MembershipFactory(committee=committee, agency=agency)
    directives = [DirectiveFactory(committee=committee, state="issued") for _ in range(200)]
    start = dt.date(2024, 1, 1)
    tasks = []
    for n in range(size):
        deadline = start + dt.timedelta(days=n % 1000)
        tasks.append(
            Task(
                directive=directives[n % len(directives)],
                ref=f"{n // 200 + 1}.{n % 200 + 1}",
                position=n,
                title=f"Tăng cường kiểm tra, kiểm soát hàng hóa nhập lậu qua biên giới, địa bàn số "
                f"{n}; xử lý nghiêm các vụ việc vi phạm",
                deadline=deadline,
                due_at=deadline_end(deadline),
                state="completed" if STATES[n % len(STATES)] == "accepted" else "assigned",
                deadline_kind="date",
            )
        )
    parts = []
    for n, task in enumerate(Task.objects.bulk_create(tasks, batch_size=2000)):
        state = STATES[n % len(STATES)]
        leads = [agencies[0]] + ([agencies[1 + n % 39]] if n % 2 else [])
        for agency in leads:
            parts.append(
                TaskAssignment.for_task(
                    task,
                    agency=agency,
                    role="lead",
                    state=state,
                    deadline=task.deadline,
                    original_deadline=task.deadline,
                    due_at=task.due_at,
                    reported_at=task.due_at if state in ("reported", "accepted") else None,
                    result_reported_at=task.due_at - dt.timedelta(days=n % 3 - 1)
                    if state == "accepted"
                    else None,
                )
            )
    TaskAssignment.objects.bulk_create(parts, batch_size=2000)
    Task.objects.refresh_lead_summary()


def measure(kind: str) -> None:
    """One export, in this process: seconds and peak resident memory."""
    committee = Committee.objects.get(code="bench")
    big = Agency.objects.get(code="B000")
    started = time.perf_counter()
    if kind == "scorecard":
        size = len(build_scorecard(ReportFilters(committee=committee, agency=big, now=NOW)))
    elif kind == "overdue":
        size = len(build_overdue_audit(ReportFilters(committee=committee, now=NOW)))
    else:
        out = io.BytesIO()
        write_xlsx("tasks", ReportFilters(committee=committee, status="all", now=NOW), out)
        size = len(out.getvalue())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{kind:10} {seconds:7.1f} s {peak:7.0f} MB {size / 2**20:6.1f} MB file")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[2] == "--measure":
        measure(sys.argv[3])
        return
    started = time.perf_counter()
    build_world(SIZE)
    print(
        f"{Task.objects.count()} tasks, {TaskAssignment.objects.count()} parts "
        f"({time.perf_counter() - started:.0f} s to load); load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {timezone.now():%Y-%m-%d %H:%M} UTC"
    )
    for kind in ("scorecard", "overdue", "xlsx"):
        subprocess.run(
            [sys.executable, __file__, str(SIZE), "--measure", kind],
            check=True,
            env={**os.environ},
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
